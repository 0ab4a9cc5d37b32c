"""Public web pages for residents (no sign-in, Chinese, phone-first).

``/``: find your estate (by street office, community or name; ``?q=`` narrows the list) and
go straight to its latest disclosure; the ledger file is one link among others, described
in words."""

from __future__ import annotations

from typing import Any

from litestar import Controller, MediaType, Response, get
from litestar.di import NamedDependency
from litestar.params import FromQuery
from sqlalchemy import select
from sqlalchemy.orm import Session

from trustfund.api.access import public
from trustfund.db.models.estates import Estate
from trustfund.disclosure import public as disclosures
from trustfund.web.templating import page_html

#: The longest search text looked at (a longer one is cut, not refused: this is a finder).
MAX_QUERY = 40


def estate_order(estate: Estate) -> tuple[str, str, str, str]:
    """Street office, community, name (slug for equal names), compared by code point in
    Python: the same order on every database, whereas ``ORDER BY`` on Chinese text follows
    the PostgreSQL database's collation (pinyin under ``zh``; code points in SQLite)."""
    return (estate.street_office, estate.community, estate.name, estate.slug)


def matches(estate: Estate, words: list[str]) -> bool:
    """Every word appears in the estate's name, community, street office or code."""
    haystack = " ".join(
        (estate.name, estate.community or "", estate.street_office or "", estate.slug)
    ).lower()
    return all(word in haystack for word in words)


class PublicPagesController(Controller):
    include_in_schema = False

    @get("/", opt=public(), sync_to_thread=True)
    def home(self, db_session: NamedDependency[Session], q: FromQuery[str] = "") -> Response[str]:
        query = q.strip()[:MAX_QUERY]
        words = query.lower().split()
        estates = [
            e
            for e in sorted(db_session.scalars(select(Estate)), key=estate_order)
            if matches(e, words)
        ]
        groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
        for estate in estates:
            latest = disclosures.latest(db_session, estate)
            groups.setdefault((estate.street_office or "", estate.community or ""), []).append(
                {
                    "estate": estate,
                    "latest": latest.headline if latest else None,
                    "latest_id": latest.version.id if latest else None,
                    "published_on": latest.snapshot.published_at.date().isoformat()
                    if latest
                    else None,
                }
            )
        context: dict[str, Any] = {
            "groups": [
                {"street_office": so, "community": c, "estates": items}
                for (so, c), items in groups.items()
            ],
            "query": query,
            "count": len(estates),
        }
        body = page_html("home.html", principal=None, csrf_token=None, **context)
        return Response(
            body, media_type=MediaType.HTML, headers={"Cache-Control": "public, max-age=60"}
        )


CONTROLLERS: list[Any] = [PublicPagesController]
