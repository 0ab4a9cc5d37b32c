"""Messages by stable code: what went wrong, said in English for programs and in Chinese
for people, from one catalog (``trustfund.catalog``).

A service names the problem, not the sentence::

    raise ConflictError(Message("claims.already_paid", claim=7, paid_on="2026-03-02", entry=41))

``Message.en`` renders the catalog's English template (the API's ``detail`` and ``reason``,
unchanged for clients that read them); the staff and public pages render the Chinese
template of the same code (``web/staff/zh.py``). The API also returns ``code`` and
``params`` so a client can say it in its own words. Rewording a template never loses its
translation: the code stays, and ``tests/unit/test_messages.py`` fails when a code used in
the source has no English or no Chinese template, or a call passes other parameters than
its template names.

Parameters are plain values (text, numbers, dates), another ``Message`` (a reason inside
a reason: ``a percentage 0–100: {reason}``), rendered in the same language, or a list of
field errors (``The rule is not valid: {problems}``), rendered ``field: reason; …`` in
English and ``标签：理由；…`` in Chinese. A placeholder
may name a filter — ``{state:claim_state}`` — that the Chinese rendering applies (the
claim's state in Chinese); English shows the value as it is.

This module is plain Python (no web, no database), so ``ledger`` may raise ``Invalid``.
"""

from __future__ import annotations

import string
from collections.abc import Callable, Mapping
from typing import Any

from trustfund.catalog import CATALOG

Filters = Mapping[str, Callable[[Any], str]]


#: Filters a template may name; English renders the value unchanged, Chinese through the
#: function the page passes (``web/staff/zh.py`` ``FILTERS``).
FILTER_NAMES = frozenset(
    {"label", "claim_state", "occupancy", "roles", "account", "fund", "money", "project_status"}
)


class Message:
    """One problem: a catalog ``code`` and the ``params`` its templates name."""

    __slots__ = ("code", "params")

    def __init__(self, code: str, /, **params: Any) -> None:
        if code not in CATALOG:
            raise KeyError(f"no message {code!r} in trustfund.catalog")
        self.code = code
        self.params: dict[str, Any] = params

    @property
    def en(self) -> str:
        return self.render("en")

    def render(self, language: str, filters: Filters | None = None) -> str:
        en, zh = CATALOG[self.code]
        template = zh if language == "zh" else en
        return _Formatter(language, filters or {}).vformat(template, (), self.params)

    def as_dict(self) -> dict[str, Any]:
        """``code`` and JSON-safe ``params`` for a problem document."""
        return {"code": self.code, "params": {k: _plain(v) for k, v in self.params.items()}}

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Message) and (self.code, self.params) == (
            other.code,
            other.params,
        )

    def __hash__(self) -> int:
        return hash(self.code)

    def __repr__(self) -> str:
        return f"Message({self.code!r}, {self.params!r})"

    def __str__(self) -> str:
        return self.en


Reason = Message
"""Why a value is refused: a coded ``Message``."""


def _plain(value: Any) -> Any:
    if isinstance(value, Message):
        return value.as_dict()
    if _is_problems(value):
        return [item.as_dict() for item in value]
    if isinstance(value, bool | int | str) or value is None:
        return value
    return str(value)


def _is_problems(value: Any) -> bool:
    """A non-empty list of messages or field errors (a list of plain values is a value)."""
    return (
        isinstance(value, list)
        and bool(value)
        and all(isinstance(item, Message) or hasattr(item, "field") for item in value)
    )


class _Formatter(string.Formatter):
    def __init__(self, language: str, filters: Filters) -> None:
        self.language = language
        self.filters = filters

    def format_field(self, value: Any, format_spec: str) -> str:
        if isinstance(value, Message):
            return value.render(self.language, self.filters)
        if _is_problems(value):
            return self._problems(value)
        if format_spec in FILTER_NAMES:
            make = self.filters.get(format_spec)
            return make(value) if make else str(value)
        return format(value, format_spec)

    def _problems(self, items: list[Any]) -> str:
        """Messages, or field errors (``.field``, ``.reason`` and its ``.message``)."""
        zh = self.language == "zh"
        label = self.filters.get("label", str)
        said = []
        for item in items:
            if isinstance(item, Message):
                said.append(item.render(self.language, self.filters))
            elif not zh:
                said.append(f"{item.field}: {item.reason}")
            else:
                said.append(f"{label(item.field)}：{item.message.render('zh', self.filters)}")
        return ("；" if zh else "; ").join(said)


class Invalid(ValueError):
    """A ``ValueError`` that carries its ``Message``: raised by parsers that know nothing
    of HTTP (``ledger.money.parse_decimal``), caught by services that put it on a field."""

    def __init__(self, message: Message) -> None:
        super().__init__(message.en)
        self.message = message


def reason_of(exc: BaseException) -> Message:
    """The message of a parser's ``ValueError``: its own when it is ``Invalid``, else the
    exception's text under ``input.invalid`` (a parser outside ours, like
    ``date.fromisoformat``)."""
    return exc.message if isinstance(exc, Invalid) else Message("input.invalid", exc=str(exc))


def placeholders(template: str) -> set[str]:
    """The parameter names a template uses (``{amount}`` → ``amount``)."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}
