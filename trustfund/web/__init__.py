"""Server-rendered pages: public pages for residents and staff pages, Chinese, phone-first.
Each module lists its controllers; ``CONTROLLERS`` collects them for the app."""

from __future__ import annotations

from typing import Any

from trustfund.disclosure import pages as disclosure_pages
from trustfund.web import inquiries, pages
from trustfund.web.staff import ROUTER as STAFF_ROUTER

CONTROLLERS: list[Any] = [
    *pages.CONTROLLERS,
    STAFF_ROUTER,
    *disclosure_pages.CONTROLLERS,
    *inquiries.CONTROLLERS,
]
