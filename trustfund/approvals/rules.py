"""Per-estate approval rules: how many approvers a subject needs, by kind and amount.

A rule is a list of tiers, each ``(up_to, approvals_needed, approver_role, owners_vote)``;
the first tier whose ``up_to`` (inclusive) covers the amount applies, the last tier has no
upper limit. ``approvals_needed`` ``None`` means a majority (more than half) of the people
holding ``approver_role`` in the estate, counted when the request is submitted.

Default rules, created for an estate the first time a kind is used (``requirement``):

- ``claim``, ``contract``, ``transfer``, ``fee_refund``, ``receipt_void`` and any kind not
  listed (committee):
  ≤ 500.00 → 1 approver; ≤ 5,000.00 → 2; ≤ 50,000.00 → a committee majority;
  above 50,000.00 → a committee majority and an owners' vote (双过半, see
  ``owners_vote_passes``);
- ``project`` and ``budget`` (autonomy fund, decided by the 7+X council): the same tiers with
  council members as approvers;
- ``period_unlock`` (lifting a published period's lock) and ``public_names`` (whether
  approvers appear by name on the public pages): a committee majority, fixed
  (``FIXED_KINDS``: ``set_rules`` refuses to change it);
- ``disclosure``, ``opening`` (an estate's opening balances), ``bank_reconciliation`` (a
  month's 银行余额调节表) and ``cash_count`` (现金盘点): one committee approver whatever the
  amount; ``journal_entry`` (a proposed general entry that moves money between parties) has
  the payout tiers above.
- ``inquiry`` (who answers residents' questions, ``trustfund.inquiries``): the committee; only
  the tier's role is read.

A fee schedule is approved by one committee member who did not write it
(``fees.schedule.approve_schedule``), without an approval request: no rule applies to it.

Administrators change an estate's tiers per kind with ``set_rules`` (API: Action.ADMINISTER);
requests already submitted keep the requirement they were submitted under.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from trustfund.approvals.schemas import RulesOut
from trustfund.auth.principal import Role
from trustfund.db.models.approvals import ApprovalRule
from trustfund.db.models.auth import Membership, User
from trustfund.db.session import command
from trustfund.errors import FieldError, ValidationError
from trustfund.ledger.money import format_money, money_text, to_money
from trustfund.messages import Message, reason_of

SUBJECT_KIND = re.compile(r"^[a-z][a-z_]{1,29}$")
#: Roles that may be approvers (decisions are the committee's or the council's).
APPROVER_ROLES = (Role.COMMITTEE, Role.COUNCIL)
MAX_APPROVALS = 50


@dataclass(frozen=True)
class Tier:
    up_to: Decimal | None  # inclusive; None = no upper limit (the last tier)
    approvals_needed: int | None  # None = majority of the role's holders in the estate
    approver_role: Role = Role.COMMITTEE
    owners_vote: bool = False


@dataclass(frozen=True)
class Requirement:
    approvals_needed: int
    approver_roles: frozenset[Role]
    owners_vote: bool
    rule_label: str


def _money_tiers(role: Role) -> tuple[Tier, ...]:
    return (
        Tier(Decimal("500.00"), 1, role),
        Tier(Decimal("5000.00"), 2, role),
        Tier(Decimal("50000.00"), None, role),
        Tier(None, None, role, owners_vote=True),
    )


DEFAULT_TIERS: tuple[Tier, ...] = _money_tiers(Role.COMMITTEE)
DEFAULT_RULES: dict[str, tuple[Tier, ...]] = {
    "claim": DEFAULT_TIERS,
    "contract": DEFAULT_TIERS,
    "transfer": DEFAULT_TIERS,
    "journal_entry": DEFAULT_TIERS,
    # Money back to a household (trustfund.fees.refunds): a refund, a receipt's void.
    "fee_refund": DEFAULT_TIERS,
    "receipt_void": DEFAULT_TIERS,
    "project": _money_tiers(Role.COUNCIL),
    "budget": _money_tiers(Role.COUNCIL),
    "disclosure": (Tier(None, 1, Role.COMMITTEE),),
    # Opening balances record what the paper books hold; one committee member confirms them.
    "opening": (Tier(None, 1, Role.COMMITTEE),),
    # A month's bank reconciliation (银行余额调节表, trustfund.reconciliation): one committee member.
    "bank_reconciliation": (Tier(None, 1, Role.COMMITTEE),),
    # The steward's cash counted by denomination (现金盘点, trustfund.reconciliation): the same.
    "cash_count": (Tier(None, 1, Role.COMMITTEE),),
    # Who answers residents' questions (质询, trustfund.inquiries): one member holding this
    # role who is not the estate's steward; only the role matters.
    "inquiry": (Tier(None, 1, Role.COMMITTEE),),
    # Lifting a published period's lock (a correction, DESIGN 2026-12-05): a committee majority.
    "period_unlock": (Tier(None, None, Role.COMMITTEE),),
    # Whether approvers appear by name on the public pages (trustfund.disclosure.names): the
    # committee's own decision about its members' names, a majority of them.
    "public_names": (Tier(None, None, Role.COMMITTEE),),
}
#: Kinds whose rule DESIGN fixes: administrators cannot change them (a lock lifted on one
#: member's word would let one insider rewrite a published period; whether members' names
#: are published is the committee's decision, not one member's or an administrator's).
FIXED_KINDS = frozenset({"period_unlock", "public_names"})


def check_kind(subject_kind: str, field: str = "subject_kind") -> None:
    """Raises ValidationError unless the kind is 2–30 lower-case letters or underscores."""
    if not SUBJECT_KIND.fullmatch(subject_kind):
        raise ValidationError.field(field, Message("approvals.kind_invalid"))


def default_tiers(subject_kind: str) -> tuple[Tier, ...]:
    return DEFAULT_RULES.get(subject_kind, DEFAULT_TIERS)


def _ensure_defaults(session: Session, estate_id: int, subject_kind: str) -> None:
    """Insert the default tiers unless the estate has tiers for the kind (race-safe: a
    concurrent insert of the same defaults is ignored by the unique constraint)."""
    rows = [
        {
            "estate_id": estate_id,
            "subject_kind": subject_kind,
            "position": i,
            "up_to": t.up_to,
            "approvals_needed": t.approvals_needed,
            "approver_role": t.approver_role.value,
            "owners_vote": t.owners_vote,
        }
        for i, t in enumerate(default_tiers(subject_kind))
    ]
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    session.execute(insert(ApprovalRule).values(rows).on_conflict_do_nothing())
    session.flush()


def tiers(session: Session, estate_id: int, subject_kind: str) -> list[Tier]:
    """The estate's tiers for the kind, creating the defaults on first use."""
    check_kind(subject_kind)
    stmt = (
        select(ApprovalRule)
        .where(ApprovalRule.estate_id == estate_id, ApprovalRule.subject_kind == subject_kind)
        .order_by(ApprovalRule.position)
    )
    rows = list(session.scalars(stmt))
    if not rows:
        _ensure_defaults(session, estate_id, subject_kind)
        rows = list(session.scalars(stmt))
    return [Tier(r.up_to, r.approvals_needed, Role(r.approver_role), r.owners_vote) for r in rows]


def holders(session: Session, estate_id: int, role: Role) -> int:
    """How many active users hold ``role`` in the estate."""
    count = session.scalar(
        select(func.count(func.distinct(Membership.user_id)))
        .join(User, User.id == Membership.user_id)
        .where(
            Membership.estate_id == estate_id,
            Membership.role == role.value,
            User.is_active.is_(True),
        )
    )
    return int(count or 0)


def majority_of(n: int) -> int:
    """More than half of ``n`` people (at least one): 4 → 3, 5 → 3, 7 → 4."""
    return max(1, n // 2 + 1)


def _label(subject_kind: str, lower: Decimal | None, tier: Tier, needed: int, pool: int) -> str:
    if tier.up_to is None and lower is None:
        span = "any amount"
    elif tier.up_to is None:
        span = f"> {format_money(lower or Decimal(0))}"
    elif lower is None:
        span = f"≤ {format_money(tier.up_to)}"
    else:
        span = f"> {format_money(lower)} and ≤ {format_money(tier.up_to)}"
    who = (
        f"{needed} {tier.approver_role.value} approver{'s' if needed != 1 else ''}"
        if tier.approvals_needed is not None
        else f"a {tier.approver_role.value} majority ({needed} of {pool})"
    )
    vote = " and an owners' vote (double majority)" if tier.owners_vote else ""
    return f"{subject_kind} {span}: {who}{vote}"


def requirement(
    session: Session, estate_id: int, subject_kind: str, amount: Decimal
) -> Requirement:
    """What a subject of this kind and amount needs in this estate.
    Raises ValidationError (bad kind or amount)."""
    try:
        amount = to_money(amount)
    except ValueError as exc:
        raise ValidationError.field("amount", reason_of(exc)) from exc
    if amount < 0:
        raise ValidationError.field("amount", Message("number.negative"))
    lower: Decimal | None = None
    chosen = tiers(session, estate_id, subject_kind)
    for tier in chosen:
        if tier.up_to is None or amount <= tier.up_to:
            pool = holders(session, estate_id, tier.approver_role)
            needed = (
                tier.approvals_needed if tier.approvals_needed is not None else majority_of(pool)
            )
            return Requirement(
                approvals_needed=needed,
                approver_roles=frozenset({tier.approver_role}),
                owners_vote=tier.owners_vote,
                rule_label=_label(subject_kind, lower, tier, needed, pool),
            )
        lower = tier.up_to
    raise AssertionError("the last tier has no upper limit")  # set_rules guarantees it


def validate_tiers(raw: Sequence[Tier]) -> list[Tier]:
    """Raises ValidationError naming ``tiers[N].field`` for anything wrong."""
    errors: list[FieldError] = []
    if not raw:
        errors.append(FieldError("tiers", Message("approvals.tier_required")))
    previous: Decimal | None = None
    for i, tier in enumerate(raw):
        where = f"tiers[{i}]"
        last = i == len(raw) - 1
        if last and tier.up_to is not None:
            errors.append(FieldError(f"{where}.up_to", Message("approvals.last_tier_unlimited")))
        if not last and tier.up_to is None:
            errors.append(FieldError(f"{where}.up_to", Message("approvals.only_last_unlimited")))
        if tier.up_to is not None:
            if tier.up_to <= 0:
                errors.append(FieldError(f"{where}.up_to", Message("input.not_positive")))
            elif previous is not None and tier.up_to <= previous:
                errors.append(FieldError(f"{where}.up_to", Message("approvals.tier_not_above")))
            previous = tier.up_to
        if tier.approvals_needed is not None and not 1 <= tier.approvals_needed <= MAX_APPROVALS:
            errors.append(
                FieldError(
                    f"{where}.approvals_needed",
                    Message("approvals.approvals_needed_invalid", max_approvals=MAX_APPROVALS),
                )
            )
        if tier.approver_role not in APPROVER_ROLES:
            errors.append(FieldError(f"{where}.approver_role", Message("approvals.body_invalid")))
    if errors:
        raise ValidationError(
            Message("approvals.rule_invalid", problems=errors[:5]),
            errors=errors,
        )
    return list(raw)


def set_rules(
    session: Session, estate_id: int, subject_kind: str, new: Sequence[Tier]
) -> list[Tier]:
    """Replace the estate's tiers for the kind. Flushes. Raises ValidationError (also for a
    kind in ``FIXED_KINDS``)."""
    check_kind(subject_kind)
    if subject_kind in FIXED_KINDS:
        raise ValidationError.field(
            "subject_kind",
            Message("approvals.rule_fixed", subject_kind=subject_kind),
        )
    checked = validate_tiers(new)
    session.execute(
        delete(ApprovalRule).where(
            ApprovalRule.estate_id == estate_id, ApprovalRule.subject_kind == subject_kind
        )
    )
    for i, tier in enumerate(checked):
        session.add(
            ApprovalRule(
                estate_id=estate_id,
                subject_kind=subject_kind,
                position=i,
                up_to=tier.up_to,
                approvals_needed=tier.approvals_needed,
                approver_role=tier.approver_role.value,
                owners_vote=tier.owners_vote,
            )
        )
    session.flush()
    return checked


def owners_vote_passes(
    *,
    households_total: int,
    households_voted: int,
    households_for: int,
    area_total: Decimal,
    area_voted: Decimal,
    area_for: Decimal,
) -> bool:
    """双过半 ("double majority"), the rule trustfund applies (DESIGN does not fix one):
    more than half of all households AND more than half of the total floor area took part,
    AND more than half of the participating households AND more than half of the
    participating area voted in favour. Exactly half is not more than half."""
    return (
        households_voted * 2 > households_total
        and area_voted * 2 > area_total
        and households_for * 2 > households_voted
        and area_for * 2 > area_voted
    )


def parse_tiers(raw: Sequence[Mapping[str, Any]]) -> list[Tier]:
    """Tiers from JSON-ish dicts (``up_to`` a string amount or null, ``approvals_needed`` a
    number or ``"majority"``). Raises ValidationError naming ``tiers[N].field``."""
    errors: list[FieldError] = []
    parsed: list[Tier] = []
    for i, item in enumerate(raw):
        where = f"tiers[{i}]"
        up_to: Decimal | None = None
        if item.get("up_to") is not None:
            try:
                up_to = to_money(str(item["up_to"]))
            except ValueError as exc:
                errors.append(FieldError(f"{where}.up_to", reason_of(exc)))
        needed_raw = item.get("approvals_needed")
        needed: int | None = None
        if needed_raw != "majority":
            if isinstance(needed_raw, bool) or not isinstance(needed_raw, int):
                errors.append(
                    FieldError(f"{where}.approvals_needed", Message("approvals.number_or_majority"))
                )
            else:
                needed = needed_raw
        try:
            role = Role(str(item.get("approver_role", "committee")))
        except ValueError:
            errors.append(FieldError(f"{where}.approver_role", Message("approvals.body_invalid")))
            role = Role.COMMITTEE
        parsed.append(Tier(up_to, needed, role, bool(item.get("owners_vote", False))))
    if errors:
        raise ValidationError(
            Message("approvals.rule_invalid", problems=errors),
            errors=errors,
        )
    return parsed


@command
def save_rules(
    session: Session, estate_id: int, subject_kind: str, raw: Sequence[Mapping[str, Any]]
) -> RulesOut:
    """Entry point (commits): replace the tiers of a kind. Raises ValidationError."""
    saved = set_rules(session, estate_id, subject_kind, parse_tiers(raw))
    return rules_view(subject_kind, saved)


#: Said with every rule: who may never decide, whatever the tiers.
FOUR_EYES = (
    "Nobody approves or rejects what they wrote, edited or submitted — also not someone who "
    "holds both the steward's role and an approver's role in the estate: they decide only "
    "what others wrote and submitted."
)


def rules_view(subject_kind: str, chosen: Sequence[Tier]) -> RulesOut:
    return {
        "subject_kind": subject_kind,
        "four_eyes": FOUR_EYES,
        "tiers": [
            {
                "up_to": None if t.up_to is None else money_text(t.up_to),
                "approvals_needed": "majority"
                if t.approvals_needed is None
                else t.approvals_needed,
                "approver_role": t.approver_role.value,
                "owners_vote": t.owners_vote,
            }
            for t in chosen
        ],
    }


@command
def show_rules(session: Session, estate_id: int, subject_kind: str) -> RulesOut:
    """Entry point (commits the defaults when created on first use)."""
    chosen = tiers(session, estate_id, subject_kind)
    return rules_view(subject_kind, chosen)
