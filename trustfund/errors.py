"""Application errors: one small hierarchy, mapped to RFC 9457 problem details in one place
(``trustfund.api.problems``). Services raise these; they never raise HTTP exceptions.

An error or a field error is given a ``Message`` (a stable code and its parameters, from
``trustfund.catalog``), never plain text: ``detail`` and ``reason`` are its English text,
``code`` and ``params`` let the pages say it in Chinese and API clients in their own words
(mypy refuses a ``str``; ``tests/unit/test_messages.py`` refuses a literal).
"""

from __future__ import annotations

from typing import Any, ClassVar

from trustfund.messages import Message


class FieldError:
    """One bad input: ``field`` is a dotted path (``rows[12].room``), ``message`` the coded
    reason, ``reason`` its English."""

    __slots__ = ("field", "message", "reason")

    def __init__(self, field: str, reason: Message) -> None:
        self.field = field
        self.message = reason
        self.reason = reason.en

    @property
    def code(self) -> str:
        return self.message.code

    def as_dict(self) -> dict[str, Any]:
        return {"field": self.field, "reason": self.reason, **self.message.as_dict()}

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FieldError) and (self.field, self.reason) == (
            other.field,
            other.reason,
        )

    def __hash__(self) -> int:
        return hash((self.field, self.reason))

    def __repr__(self) -> str:
        return f"FieldError({self.field!r}, {self.message!r})"


class TrustfundError(Exception):
    """Base of every error that is the caller's to fix (4xx). Anything else is a bug (5xx)."""

    status_code: ClassVar[int] = 400
    title: ClassVar[str] = "Bad request"
    type_slug: ClassVar[str] = "bad-request"

    def __init__(
        self,
        detail: Message,
        *,
        errors: list[FieldError] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(detail.en)
        self.detail = detail.en
        self.message = detail
        self.errors = list(errors or [])
        self.extra = dict(extra or {})

    @property
    def code(self) -> str:
        return self.message.code


class ValidationError(TrustfundError):
    status_code = 422
    title = "Invalid input"
    type_slug = "validation"

    @classmethod
    def field(cls, field: str, reason: Message) -> ValidationError:
        error = FieldError(field, reason)
        return cls(Message("input.problems", problems=[error]), errors=[error])


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


def raise_if(errors: list[FieldError], what: Message | None = None) -> None:
    """Refuse the input when ``errors`` is not empty: a ``ValidationError`` with every field
    error, whose detail is ``what`` (``The claim is not valid.``) and the first five reasons."""
    if errors:
        what = what or Message("input.invalid_input")
        raise ValidationError(
            Message("input.invalid_summary", what=what, problems=errors[:5]), errors=errors
        )


def raise_if_rows(errors: list[FieldError], *, or_file: bool = False) -> None:
    """Refuse an imported file when ``errors`` (fields ``rows[N].column``, or ``file``) is not
    empty: a ``ValidationError`` with every field error, whose detail counts the bad rows (``or
    the file`` when ``or_file``: bank statements and wallet bills) and gives the first five
    reasons."""
    if not errors:
        return
    count = len({e.field.split(".")[0] for e in errors})
    raise ValidationError(
        Message("reconciliation.rows_invalid", count=count, problems=errors[:5])
        if or_file
        else Message("input.rows_invalid", count=count, problems=errors[:5]),
        errors=errors,
    )
