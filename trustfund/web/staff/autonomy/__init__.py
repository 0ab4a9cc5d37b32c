"""The autonomy fund (自治基金) on the steward's phone, one module per step: ``gifts``
(balances, sources, gifts of money and in kind), ``projects`` (applications for the
council, each project's page), ``spending`` (payments against budget lines, budget
revisions) and ``leftover`` (settlement, refund or transfer of the money left). Every step
is one call into ``trustfund.grants.service`` (the same entry points the API calls);
``forms`` holds the forms and ``page`` the project page they re-render with their errors."""

from __future__ import annotations

from typing import Any

from trustfund.web.staff.autonomy import gifts, leftover, projects, spending

CONTROLLERS: list[Any] = [
    *gifts.CONTROLLERS,
    *projects.CONTROLLERS,
    *spending.CONTROLLERS,
    *leftover.CONTROLLERS,
]
