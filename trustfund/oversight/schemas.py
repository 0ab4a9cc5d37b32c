"""Answers (``*Out``) of the alerts routes: TypedDicts the views build (see ``fees.schemas``)."""

from __future__ import annotations

from typing import Any, TypedDict


class AcknowledgementOut(TypedDict):
    note: str
    by: int
    by_name: str | None
    at: str


class AlertOut(TypedDict):
    """One alert: its rule, a stable key, a Chinese title, since when, links to what to look
    at (``label``, ``api``, ``page``), the lines behind it (by rule), and how it was
    acknowledged (null while open)."""

    rule: str
    key: str
    title: str
    since: str
    links: list[dict[str, str]]
    lines: list[dict[str, Any]]
    acknowledged: AcknowledgementOut | None


class AlertsOut(TypedDict):
    open: int
    alerts: list[AlertOut]
    #: threshold name → value (days, yuan or percent), as text
    thresholds: dict[str, str]
