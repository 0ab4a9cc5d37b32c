"""Every HTML page: public pages for residents (``pages``: home; ``public``: an estate's
disclosures, verification, the supervisor's page; ``receipts``: the receipt check;
``household``: a household's own page), the
sign-in page (``login``) and the staff pages (``staff``) — Chinese, phone-first, rendered
by one Jinja environment (``templating``). Each module lists its controllers;
``CONTROLLERS`` collects them for the app."""

from __future__ import annotations

from typing import Any

from trustfund.web import household, inquiries, login, pages, public, receipts
from trustfund.web.staff import ROUTER as STAFF_ROUTER

CONTROLLERS: list[Any] = [
    *pages.CONTROLLERS,
    *public.CONTROLLERS,
    *inquiries.CONTROLLERS,
    *household.CONTROLLERS,
    *receipts.CONTROLLERS,
    *login.CONTROLLERS,
    STAFF_ROUTER,
]
