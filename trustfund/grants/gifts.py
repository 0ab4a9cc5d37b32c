"""Sources (funders and donors) and what they give: money, unrestricted or restricted to a
project, and goods or work in kind (实物捐赠).

A gift of money (kind ``autonomy_income``), restricted to project KLGY::

    2026-07-05 * "快鹿公园居民众筹" "居民众筹：快鹿公园居民众筹（快鹿公园微改造）"
      kind: "autonomy_income"
      anonymous: "false"
      donor: "快鹿公园居民众筹"
      household: "H-7K2Q9D"
      project: "KLGY"
      source: "3"
      Assets:Bank:Committee 200.00 CNY
      Income:Autonomy:Project:KLGY:Crowdfunding -200.00 CNY

An anonymous donor is "匿名" in the payee, the narration and the metadata; the real name
stays in ``grant_sources`` (staff only). A valued in-kind gift is received and put to use
on the same day (two entries), so the fund's balance stays backed by money in the bank and
cash spending can never draw on the value of a tree::

    2026-07-12 * "匿名" "实物捐赠：蜡梅树 1棵（快鹿公园微改造）"
      kind: "in_kind"
      Assets:Goods 3000.00 CNY
      Income:Autonomy:Project:KLGY:InKind -3000.00 CNY
    2026-07-12 * "匿名" "实物捐赠投入使用：蜡梅树 1棵（快鹿公园微改造）"
      kind: "in_kind_use"
      Expenses:Autonomy:Project:KLGY:InKind 3000.00 CNY
      Assets:Goods -3000.00 CNY

Without an estimated value (volunteer work) there is no entry, only the record.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from trustfund.db.models.estates import Household
from trustfund.db.models.grants import (
    Gift,
    GrantProject,
    GrantSource,
    InKindGift,
    ProjectStatus,
    SourceKind,
)
from trustfund.errors import ConflictError, FieldError, NotFoundError, ValidationError, raise_if
from trustfund.fields import text
from trustfund.grants.common import (
    IN_KIND,
    SOURCE_ACCOUNTS,
    SOURCE_NAMES_ZH,
    fund_of_project,
    get_project,
    get_source,
    money,
    public_name,
)
from trustfund.grants.schemas import GiftIn, GiftOut, InKindIn, InKindOut, SourceIn, SourceOut
from trustfund.journal.chart import open_accounts, open_when_needed
from trustfund.journal.personal import PERSONAL_DATA_REASONS
from trustfund.journal.service import post_entry
from trustfund.ledger.accounts import (
    BANK,
    GOODS,
    AccountSpec,
    account_label,
    autonomy_income_account,
    expense_account,
)
from trustfund.ledger.entries import EntryDraft, Leg
from trustfund.ledger.money import money_text
from trustfund.messages import Message
from trustfund.settlements.common import qty_text, quantity

#: Projects that may still receive gifts.
RECEIVING = (
    ProjectStatus.DRAFT,
    ProjectStatus.SUBMITTED,
    ProjectStatus.APPROVED,
    ProjectStatus.IMPLEMENTING,
)


def add_source(
    session: Session, estate_id: int, data: SourceIn, *, actor_user_id: int | None
) -> GrantSource:
    """Flushes. Raises ValidationError, ConflictError (the same kind and name exists)."""
    errors: list[FieldError] = []
    name = text(data.donor_name, "donor_name", errors, limit=100)
    note = text(data.note, "note", errors, limit=300, required=False)
    try:
        kind = SourceKind(data.kind)
    except ValueError:
        errors.append(
            FieldError("kind", Message("input.one_of_short", choices=", ".join(SourceKind)))
        )
        kind = SourceKind.SPONSORSHIP
    raise_if(errors, Message("grants.source_invalid"))
    source = GrantSource(
        estate_id=estate_id,
        kind=kind,
        donor_name=name,
        anonymous=data.anonymous,
        note=note,
        created_by=actor_user_id,
    )
    try:
        with session.begin_nested():
            session.add(source)
            session.flush()
    except IntegrityError:
        raise ConflictError(
            Message("grants.source_exists", kind=kind.value, name=repr(name))
        ) from None
    return source


def source_view(source: GrantSource, *, staff: bool) -> SourceOut:
    return {
        "id": source.id,
        "kind": source.kind.value,
        "kind_name": SOURCE_NAMES_ZH[source.kind],
        "donor_name": source.donor_name if staff else public_name(source),
        "public_name": public_name(source),
        "anonymous": source.anonymous,
        "note": source.note if staff else "",
    }


def list_sources(session: Session, estate_id: int) -> list[GrantSource]:
    return list(
        session.scalars(
            select(GrantSource).where(GrantSource.estate_id == estate_id).order_by(GrantSource.id)
        )
    )


def _receiving_project(
    session: Session, estate_id: int, project_id: int | None, errors: list[FieldError]
) -> GrantProject | None:
    if project_id is None:
        return None
    try:
        project = get_project(session, estate_id, project_id)
    except NotFoundError:  # a bad field of this request, not a missing page
        errors.append(FieldError("project_id", Message("grants.no_such_project")))
        return None
    if project.status not in RECEIVING:
        errors.append(
            FieldError(
                "project_id",
                Message(
                    "grants.project_receives_no_more",
                    code=project.code,
                    status=project.status.value,
                ),
            )
        )
    return project


def _post(
    session: Session,
    estate_id: int,
    draft: EntryDraft,
    *,
    key: str,
    actor_user_id: int | None,
) -> int:
    """Post and return the sequence number; a donor name that is a resident's name asks for
    the source to be marked anonymous (the ledger is public)."""
    try:
        return post_entry(
            session, estate_id, draft, idempotency_key=key, actor_user_id=actor_user_id
        ).seq
    except ValidationError as exc:
        if any(e.message in PERSONAL_DATA_REASONS for e in exc.errors):
            raise ValidationError.field(
                "source_id",
                Message("grants.donor_is_resident"),
            ) from exc
        raise


def _meta(source: GrantSource, project: GrantProject | None, **extra: str) -> dict[str, str]:
    meta = {
        "donor": public_name(source),
        "anonymous": "true" if source.anonymous else "false",
        "source": str(source.id),
    }
    if project is not None:
        meta["project"] = project.code
    meta.update(extra)
    return meta


def record_gift(
    session: Session, estate_id: int, data: GiftIn, *, actor_user_id: int | None
) -> Gift:
    """Book a gift of money into the fund (unrestricted) or the project's sub-fund.
    Flushes. Raises ValidationError, PeriodLockedError."""
    errors: list[FieldError] = []
    try:
        source = get_source(session, estate_id, data.source_id)
    except NotFoundError:
        errors.append(FieldError("source_id", Message("grants.no_such_source")))
        source = None
    amount = money(data.amount, "amount", errors)
    project = _receiving_project(session, estate_id, data.project_id, errors)
    note = text(data.note, "note", errors, limit=200, required=False)
    household = (data.household_code or "").strip() or None
    if household is not None:
        found = session.scalar(
            select(Household.id).where(
                Household.estate_id == estate_id, Household.code == household
            )
        )
        if found is None:
            errors.append(FieldError("household_code", Message("grants.no_household_here")))
    raise_if(errors, Message("grants.gift_invalid"))
    assert source is not None
    fund = fund_of_project(project)
    kind_zh = SOURCE_NAMES_ZH[source.kind]
    where = f"（{project.title}）" if project is not None else "（自治基金，非限定用途）"
    extra = {"household": household} if household else {}
    draft = EntryDraft(
        date=data.received_on,
        narration=f"{kind_zh}：{public_name(source)}{where}",
        payee=public_name(source),
        legs=(
            Leg(BANK, amount),
            Leg(autonomy_income_account(SOURCE_ACCOUNTS[source.kind], fund), -amount),
        ),
        meta=_meta(source, project, **extra),
        kind="autonomy_income",
    )
    seq = _post(
        session,
        estate_id,
        draft,
        key=f"grant-gift:{uuid.uuid4().hex}",
        actor_user_id=actor_user_id,
    )
    gift = Gift(
        estate_id=estate_id,
        source_id=source.id,
        project_id=project.id if project else None,
        amount=amount,
        received_on=data.received_on,
        household_code=household,
        note=note,
        entry_seq=seq,
        created_by=actor_user_id,
    )
    session.add(gift)
    session.flush()
    return gift


def gift_view(gift: Gift, *, staff: bool) -> GiftOut:
    return {
        "id": gift.id,
        "source_id": gift.source_id,
        "donor": gift.source.donor_name if staff else public_name(gift.source),
        "kind": gift.source.kind.value,
        "project_id": gift.project_id,
        "amount": money_text(gift.amount),
        "received_on": gift.received_on.isoformat(),
        "household_code": gift.household_code,
        "note": gift.note,
        "entry_seq": gift.entry_seq,
    }


def record_in_kind(
    session: Session, estate_id: int, data: InKindIn, *, actor_user_id: int | None
) -> InKindGift:
    """Record goods or work given in kind; with an estimated value, book it as received and
    put to use (two entries). Flushes. Raises ValidationError, PeriodLockedError."""
    errors: list[FieldError] = []
    try:
        source = get_source(session, estate_id, data.source_id)
    except NotFoundError:
        errors.append(FieldError("source_id", Message("grants.no_such_source")))
        source = None
    item = text(data.item, "item", errors, limit=100)
    unit = text(data.unit, "unit", errors, limit=20)
    qty = quantity(data.quantity, "quantity", errors)
    value = None
    if data.estimated_value is not None and str(data.estimated_value).strip():
        value = money(data.estimated_value, "estimated_value", errors)
    project = _receiving_project(session, estate_id, data.project_id, errors)
    note = text(data.note, "note", errors, limit=200, required=False)
    raise_if(errors, Message("grants.in_kind_gift_invalid"))
    assert source is not None
    gift = InKindGift(
        estate_id=estate_id,
        source_id=source.id,
        project_id=project.id if project else None,
        item=item,
        unit=unit,
        quantity=qty,
        estimated_value=value,
        received_on=data.received_on,
        note=note,
        created_by=actor_user_id,
    )
    if value is not None:
        fund = fund_of_project(project)
        income = autonomy_income_account(IN_KIND, fund)
        use = expense_account(fund, IN_KIND)
        opened = open_when_needed(session, estate_id, [income], on=data.received_on).get(income)
        if opened is None:
            raise ValidationError.field(
                "project_id", Message("journal.account_not_open", account=income)
            )
        label = project.title if project is not None else "自治基金"
        titles = {project.code: project.title} if project is not None else None
        open_accounts(session, estate_id, [AccountSpec(use, account_label(use, titles))], on=opened)
        what = f"{item} {qty_text(qty)}{unit}（{label}）"
        meta = _meta(source, project)
        gift.entry_seq = _post(
            session,
            estate_id,
            EntryDraft(
                date=data.received_on,
                narration=f"实物捐赠：{what}",
                payee=public_name(source),
                legs=(Leg(GOODS, value), Leg(income, -value)),
                meta=meta,
                kind="in_kind",
            ),
            key=f"grant-in-kind:{uuid.uuid4().hex}",
            actor_user_id=actor_user_id,
        )
        gift.use_entry_seq = _post(
            session,
            estate_id,
            EntryDraft(
                date=data.received_on,
                narration=f"实物捐赠投入使用：{what}",
                payee=public_name(source),
                legs=(Leg(use, value), Leg(GOODS, -value)),
                meta={"in-kind-entry": str(gift.entry_seq), "source": str(source.id)},
                kind="in_kind_use",
            ),
            key=f"grant-in-kind-use:{uuid.uuid4().hex}",
            actor_user_id=actor_user_id,
        )
    session.add(gift)
    session.flush()
    return gift


def in_kind_view(gift: InKindGift, *, staff: bool) -> InKindOut:
    return {
        "id": gift.id,
        "source_id": gift.source_id,
        "donor": gift.source.donor_name if staff else public_name(gift.source),
        "project_id": gift.project_id,
        "item": gift.item,
        "unit": gift.unit,
        "quantity": qty_text(gift.quantity),
        "estimated_value": None
        if gift.estimated_value is None
        else money_text(gift.estimated_value),
        "received_on": gift.received_on.isoformat(),
        "note": gift.note,
        "entry_seq": gift.entry_seq,
        "use_entry_seq": gift.use_entry_seq,
    }


def list_gifts(session: Session, estate_id: int) -> list[Gift]:
    return list(
        session.scalars(
            select(Gift).where(Gift.estate_id == estate_id).order_by(Gift.received_on, Gift.id)
        )
    )


def list_in_kind(session: Session, estate_id: int) -> list[InKindGift]:
    return list(
        session.scalars(
            select(InKindGift)
            .where(InKindGift.estate_id == estate_id)
            .order_by(InKindGift.received_on, InKindGift.id)
        )
    )
