"""Small pieces the controllers share: what an estate route works with (``Ctx``), the
``Idempotency-Key`` header, who is acting, and the shapes of answers (a replay, a file)."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Literal, TypeVar
from urllib.parse import quote

from litestar import Request, Response
from litestar.di import NamedDependency
from litestar.params import HeaderParameter
from sqlalchemy import select
from sqlalchemy.orm import Session

from trustfund.api.access import current_principal
from trustfund.auth.principal import Principal
from trustfund.db.models.estates import Estate
from trustfund.errors import NotAuthenticatedError, NotFoundError
from trustfund.messages import Message

IdempotencyKey = Annotated[
    str | None,
    HeaderParameter(
        name="Idempotency-Key",
        required=False,
        description="Any unique string; a replay returns the first result.",
    ),
]


#: The body of an idempotent answer: the typed view the service returned.
Body = TypeVar("Body", bound=Mapping[str, Any])


def actor_id(request: Request[Any, Any, Any]) -> int | None:
    """The signed-in user's id, for ``actor_user_id`` columns (None for anonymous)."""
    principal = current_principal(request)
    return principal.user_id if principal else None


def signed_in_principal(request: Request[Any, Any, Any]) -> Principal:
    """The caller, on routes whose access control has already refused anonymous callers."""
    principal = current_principal(request)
    if principal is None:
        raise NotAuthenticatedError(Message("auth.sign_in_first"))
    return principal


@dataclass(frozen=True)
class EstateContext:
    """What the handler of an estate route works with: the request's session, the estate
    the access guard checked (the caller holds the route's action there) and the caller."""

    session: Session
    estate: Estate
    principal: Principal

    @property
    def user_id(self) -> int:
        """The caller's id, for ``actor_user_id`` columns."""
        return self.principal.user_id


def provide_ctx(
    request: Request[Any, Any, Any],
    db_session: NamedDependency[Session],
    estate: NamedDependency[Estate],
) -> EstateContext:
    return EstateContext(db_session, estate, signed_in_principal(request))


Ctx = NamedDependency[EstateContext]
"""``ctx: Ctx`` in an estate route's handler: session, estate and caller in one."""


def public_estate(session: Session, slug: str) -> Estate:
    """The estate a public route names (no access check: public routes show no personal
    data). 404 for an unknown slug."""
    estate = session.scalar(select(Estate).where(Estate.slug == slug))
    if estate is None:
        raise NotFoundError(Message("estates.no_estate_id", estate_id=slug))
    return estate


def idempotent_response(result: tuple[Body, bool], status: int = 201) -> Response[Body]:
    """``run_idempotent``'s ``(body, replayed)`` as a response; a replay says so in
    ``Idempotent-Replayed: true``."""
    body, replayed = result
    return Response(
        body, status_code=status, headers={"Idempotent-Replayed": "true"} if replayed else None
    )


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def content_disposition(disposition: Literal["inline", "attachment"], filename: str) -> str:
    """``Content-Disposition`` for ``filename`` (RFC 6266): an ASCII name as it is; a name
    with other characters (``公示-2026.csv``) twice — an ASCII stand-in in ``filename`` for
    old clients (``__-2026.csv``: accents dropped, any other character an underscore) and
    the real name, UTF-8 and percent-encoded, in ``filename*``, which every current browser
    prefers. A header carries ASCII only: the name as it is would be no answer at all (500)."""
    plain = "".join(
        c if " " <= c <= "~" and c not in '"\\' else "_"
        for c in unicodedata.normalize("NFKD", filename)
        if not unicodedata.combining(c)
    )
    if plain == filename:
        return f'{disposition}; filename="{filename}"'
    return f"{disposition}; filename=\"{plain}\"; filename*=UTF-8''{quote(filename, safe='')}"


def file_response(
    body: bytes,
    media_type: str,
    filename: str,
    disposition: Literal["inline", "attachment"] = "attachment",
    headers: Mapping[str, str] | None = None,
) -> Response[bytes]:
    """A file answer: ``body`` as ``media_type``, named ``filename`` in its
    ``Content-Disposition`` (``inline`` to show it, ``attachment`` to save it; any name, see
    ``content_disposition``), with ``headers`` besides (e.g. ``Cache-Control``). A ``text/``
    type gets ``; charset=utf-8`` from Litestar: give it without one."""
    return Response(
        body,
        media_type=media_type,
        headers={
            "Content-Disposition": content_disposition(disposition, filename),
            **(headers or {}),
        },
    )


Answer = TypeVar("Answer")


def imported_response(result: Answer, created: bool) -> Response[Answer]:
    """An import's answer: 201 when it wrote something, 200 when there was nothing new
    (a file imported before, or a preview)."""
    return Response(result, status_code=201 if created else 200)
