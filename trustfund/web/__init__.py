"""Server-rendered pages: public pages for residents and staff pages, Chinese, phone-first.
Each module lists its controllers; ``CONTROLLERS`` collects them for the app."""

from __future__ import annotations

from typing import Any

from trustfund.web import pages

CONTROLLERS: list[Any] = [*pages.CONTROLLERS]
