"""The one Jinja environment of every HTML page: public pages, staff pages, the sign-in page,
the receipt check and error pages. Litestar's ``Template`` responses render through it too
(``ENGINE``), so a filter or a template directory is added in one place.

Documents that are not pages — a disclosure's snapshot HTML and PDF
(``disclosure.render``), a receipt's PDF (``fees.receipts``), a funder report
(``grants.reports``) — are rendered by their domain packages, which sit below ``web``.
Templates are found in ``web/templates``, then ``disclosure/templates`` (a disclosure page
includes the statement's body, the same one the snapshot holds).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from litestar.plugins.jinja import JinjaTemplateEngine

from trustfund.disclosure import render

PACKAGE_DIR = Path(__file__).resolve().parent.parent
TEMPLATE_DIRS = [PACKAGE_DIR / "web" / "templates", PACKAGE_DIR / "disclosure" / "templates"]


def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader([str(p) for p in TEMPLATE_DIRS]),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(render.FILTERS)
    return env


ENV = environment()
ENGINE = JinjaTemplateEngine.from_environment(ENV)


def page_html(template: str, **context: Any) -> str:
    """A page rendered to text (routes that build their own ``Response``)."""
    return ENV.get_template(template).render(context)
