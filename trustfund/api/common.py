"""Small pieces every money-moving controller shares: the ``Idempotency-Key`` header, who
is acting, and the response that says whether it was a replay."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, TypeVar

from litestar import Request, Response
from litestar.params import HeaderParameter

from trustfund.api.access import current_principal
from trustfund.auth.principal import Principal
from trustfund.errors import NotAuthenticatedError
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


def idempotent_response(result: tuple[Body, bool], status: int = 201) -> Response[Body]:
    """``run_idempotent``'s ``(body, replayed)`` as a response; a replay says so in
    ``Idempotent-Replayed: true``."""
    body, replayed = result
    return Response(
        body, status_code=status, headers={"Idempotent-Replayed": "true"} if replayed else None
    )
