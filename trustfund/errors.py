"""Application errors: one small hierarchy, mapped to RFC 9457 problem details in one place
(``trustfund.api.problems``). Services raise these; they never raise HTTP exceptions.

An error or a field error is given a ``Message`` (a stable code and its parameters, from
``trustfund.catalog``): ``detail`` and ``reason`` are its English text, ``code`` and
``params`` let the pages say it in Chinese and API clients in their own words. Plain text is
still accepted and has no code; new errors use a ``Message``.
"""

from __future__ import annotations

from typing import Any, ClassVar

from trustfund.messages import Message


class FieldError:
    """One bad input: ``field`` is a dotted path (``rows[12].room``), ``reason`` says why
    (English); ``message`` is the coded reason when the raiser gave one."""

    __slots__ = ("field", "message", "reason")

    def __init__(self, field: str, reason: str | Message) -> None:
        self.field = field
        self.message = reason if isinstance(reason, Message) else None
        self.reason = reason.en if isinstance(reason, Message) else reason

    @property
    def code(self) -> str | None:
        return self.message.code if self.message else None

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"field": self.field, "reason": self.reason}
        if self.message:
            out.update(self.message.as_dict())
        return out

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FieldError) and (self.field, self.reason) == (
            other.field,
            other.reason,
        )

    def __hash__(self) -> int:
        return hash((self.field, self.reason))

    def __repr__(self) -> str:
        return f"FieldError({self.field!r}, {self.message or self.reason!r})"


class TrustfundError(Exception):
    """Base of every error that is the caller's to fix (4xx). Anything else is a bug (5xx)."""

    status_code: ClassVar[int] = 400
    title: ClassVar[str] = "Bad request"
    type_slug: ClassVar[str] = "bad-request"

    def __init__(
        self,
        detail: str | Message,
        *,
        errors: list[FieldError] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        text = detail.en if isinstance(detail, Message) else detail
        super().__init__(text)
        self.detail = text
        self.message = detail if isinstance(detail, Message) else None
        self.errors = list(errors or [])
        self.extra = dict(extra or {})

    @property
    def code(self) -> str | None:
        return self.message.code if self.message else None


class ValidationError(TrustfundError):
    status_code = 422
    title = "Invalid input"
    type_slug = "validation"

    @classmethod
    def field(cls, field: str, reason: str | Message) -> ValidationError:
        error = FieldError(field, reason)
        return cls(f"{field}: {error.reason}", errors=[error])


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
