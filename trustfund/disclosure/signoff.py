"""The committee's approval of a disclosure, through ``trustfund.approvals`` (subject kind
``"disclosure"``, subject id = the version's id; the estate's rule decides how many committee
members must approve — by default one).

What an approval is bound to (the *content*): the estate, period, version, what it
supersedes and the sha256 of the whole statement, plus each fund's closing balance so that
approvers see the figures they sign. Any change of any figure — a posting back-dated into
the period, a receipt voided, a settlement section that changed — changes the hash and
voids the approval.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from trustfund.auth.principal import Role
from trustfund.db.models.disclosure import DisclosureVersion

SUBJECT_KIND = "disclosure"

ROLE_ZH: dict[str, str] = {
    Role.STEWARD: "红色管家",
    Role.COMMITTEE: "业委会委员",
    Role.COUNCIL: "理事会成员",
    Role.SUPERVISOR: "社区监督员",
    Role.ADMIN: "系统管理员",
}


def content_of(
    version: DisclosureVersion, statement: Mapping[str, Any], figures_sha256: str
) -> dict[str, Any]:
    return {
        "estate": statement["estate"]["slug"],
        "period": version.period,
        "start": version.start.isoformat(),
        "end": version.end.isoformat(),
        "version": version.number,
        "supersedes_id": version.supersedes_id,
        "correction_reason": version.correction_reason,
        "note": version.note,
        "figures_sha256": figures_sha256,
        "funds_closing": {f["fund"]: f["closing"] for f in statement["funds"]},
        "expenditure_total": statement["expenditure"]["total"],
    }


def amount_of(statement: Mapping[str, Any]) -> Decimal:
    """The amount the approval rule is looked up by: the period's total expenditure."""
    return Decimal(statement["expenditure"]["total"]).copy_abs()


def approvers_text(roles: Sequence[str], names: Sequence[str] = ()) -> str:
    """How a line's approvers read on a public page: the names given (aligned with
    ``roles``; "" for someone shown by role), then everyone else counted by role —
    ``李军、赵敏``, ``业委会委员2人``, ``李军、理事会成员1人``; "—" for nobody."""
    named = [n for n in names if n]
    padded = [*names, *[""] * (len(roles) - len(names))]
    unnamed = Counter(role for role, name in zip(roles, padded, strict=False) if not name)
    parts = [*named, *(f"{role}{count}人" for role, count in unnamed.items())]
    return "、".join(parts) if parts else "—"
