"""Application errors: one small hierarchy, mapped to RFC 9457 problem details in one place
(``trustfund.api.problems``). Services raise these; they never raise HTTP exceptions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar


@dataclass(frozen=True)
class FieldError:
    """One bad input: ``field`` is a dotted path (``rows[12].room``), ``reason`` says why."""

    field: str
    reason: str

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "reason": self.reason}


class TrustfundError(Exception):
    """Base of every error that is the caller's to fix (4xx). Anything else is a bug (5xx)."""

    status_code: ClassVar[int] = 400
    title: ClassVar[str] = "Bad request"
    type_slug: ClassVar[str] = "bad-request"

    def __init__(
        self,
        detail: str,
        *,
        errors: list[FieldError] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = list(errors or [])
        self.extra = dict(extra or {})


class ValidationError(TrustfundError):
    status_code = 422
    title = "Invalid input"
    type_slug = "validation"

    @classmethod
    def field(cls, field: str, reason: str) -> ValidationError:
        return cls(f"{field}: {reason}", errors=[FieldError(field, reason)])


class NotFoundError(TrustfundError):
    """Also raised for things that exist but the caller may not see (never leak existence)."""

    status_code = 404
    title = "Not found"
    type_slug = "not-found"


class NotAuthenticatedError(TrustfundError):
    status_code = 401
    title = "Sign-in required"
    type_slug = "not-authenticated"


class PermissionDeniedError(TrustfundError):
    status_code = 403
    title = "Permission denied"
    type_slug = "permission-denied"


class ConflictError(TrustfundError):
    status_code = 409
    title = "Conflict"
    type_slug = "conflict"


class IdempotencyConflictError(ConflictError):
    title = "Idempotency key reused with a different request"
    type_slug = "idempotency-conflict"


class InsufficientFundsError(ConflictError):
    title = "Insufficient funds"
    type_slug = "insufficient-funds"


class BooksNotOpenError(ConflictError):
    """The estate's books are not open yet: nothing can be posted until the committee has
    approved the opening balances the steward proposed (``journal.books``)."""

    title = "Books not open"
    type_slug = "books-not-open"


class PeriodLockedError(ConflictError):
    title = "Period locked"
    type_slug = "period-locked"


class RateLimitedError(TrustfundError):
    status_code = 429
    title = "Too many attempts"
    type_slug = "rate-limited"
