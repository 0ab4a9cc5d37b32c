"""The bills of an estate's collection code (收款码): WeChat Pay's 账单明细 and Alipay's 账务明细,
read by the statement reader (``statements.parse_file`` with a ``Layout`` per source) and
matched by the one matcher (``matching.unique_pairs``).

How the money is modelled (decided for issue 18): the books record a payment by WeChat or
Alipay into the committee account (``Assets:Bank:Committee``) on the day it is paid, with its
method (``wechat``/``alipay``) on the entry — the wallet is the committee account's clearing
for it, not an account of its own. Money still in the wallet at a month's end is therefore a
*book item in transit* in that month's 银行余额调节表 (企业已收、银行未收), which is what it
is. The wallet's bill says, line by line, which of those payments the wallet really received
and when its money reached the bank:

- a **collection** (收入) is matched to a fee payment recorded with the wallet's method: the
  same amount (the payment's receipts together), dated within ±3 days; among several, the one
  the line names — the payment's reference equals the 交易单号 or is its last digits (the
  steward typed it when recording the payment), or the line's 备注 holds its receipt number
  or household code;
- a **withdrawal** (提现) is matched to the bank statement line that received it: the same
  amount within ±3 days (the bank's 对方户名 财付通/支付宝 breaks ties);
- then that bank line is matched, in the bank reconciliation, to the fee payments the
  withdrawal carried — the collections since the previous withdrawal — when every one of them
  is matched and they sum exactly to it (note ``微信支付提现 <交易单号>``). A wallet fee
  (手续费/服务费) or refund in between makes the sums differ: the bank line then stays
  unmatched and the difference is listed until the books record it (a fee is an expense the
  committee approves) and a person confirms the match on the bank page.

A collection several payments could be waits for a person (``confirm``, kind ``confirmed``):
only a payment of this estate recorded with the wallet's method, still in the books, matched to
no other line and of exactly the line's amount. ``undo`` keeps the rows with who undid them and
undoes with them the bank line's automatic match that rested on them; a line once undone is
matched again only by a person.

What is left is listed on both sides (``overview``): wallet lines the books do not have (money
collected but not recorded), and payments recorded as WeChat/Alipay that the bill does not
show. A separate wallet account (``Assets:Wallet:WeChat``) booked by the fee payment and
emptied by a withdrawal entry would show the wallet's balance in the books themselves; it
changes how every WeChat/Alipay payment is posted, so it is left for a decision on the issue.

Imports are all rows or none, idempotent by 交易单号 (WeChat) / 账务流水号 (Alipay): a line
seen before with the same date and amount is skipped, with other figures the file is refused.
Alipay's 账户余额 is checked line by line like a bank's; WeChat prints no balance.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from trustfund.db.base import utcnow
from trustfund.db.models.estates import Estate
from trustfund.db.models.fees import FeePayment, FeeReceipt, PaymentMethod
from trustfund.db.models.reconciliation import (
    BankMatch,
    BankStatementLine,
    WalletImport,
    WalletLine,
    WalletMatch,
)
from trustfund.db.session import command
from trustfund.errors import (
    ConflictError,
    FieldError,
    NotFoundError,
    ValidationError,
    raise_if_rows,
)
from trustfund.estates.columns import Column
from trustfund.estates.service import today_in
from trustfund.fees.rules import METHOD_LABELS
from trustfund.journal.head import books_opened_on
from trustfund.ledger.money import ZERO
from trustfund.messages import Message
from trustfund.reconciliation import matching, months
from trustfund.reconciliation.schemas import (
    PaidOut,
    WalletImportOut,
    WalletLineOut,
    WalletMatchConfirmedOut,
    WalletMatchRunOut,
    WalletMatchUndoneOut,
    WalletOut,
    WalletProposalOut,
)
from trustfund.reconciliation.statements import Layout, ParsedLine, parse_file

_NOT_KEPT = "not kept"
WECHAT_COLUMNS: tuple[Column, ...] = (
    Column(
        "date",
        "交易时间",
        "time",
        required=True,
        format="`2026-03-01 10:32:05` (the time is not kept)",
        example="2026-03-01 10:32:05",
    ),
    Column(
        "summary",
        "交易类型",
        "type",
        format="二维码收款, 商户消费, 提现, 退款 …: a 提现 is money sent to the bank card",
        example="二维码收款",
    ),
    Column("counterparty", "交易对方", "counterparty", format="who paid", example="*明"),
    Column("goods", "商品", "goods", format="kept in the memo", example="收款"),
    Column(
        "direction",
        "收/支",
        "in/out",
        required=True,
        format="收入 (into the wallet), 支出 (out of it), or / (中性交易; with 提现: out)",
        example="收入",
    ),
    Column(
        "amount",
        "金额(元)",
        "amount",
        required=True,
        format="yuan, unsigned, a leading ¥ allowed",
        example="¥200.00",
    ),
    Column("method", "支付方式", "method", format=_NOT_KEPT, example="零钱"),
    Column("status", "当前状态", "status", format=_NOT_KEPT, example="已收钱"),
    Column(
        "serial",
        "交易单号",
        "transaction id",
        required=True,
        format="unique; a line already imported (same 交易单号) is skipped; a leading tab or "
        "backtick is dropped",
        example="4200002026030100000001",
    ),
    Column("order", "商户单号", "merchant order", format="kept in the memo", example="/"),
    Column("memo", "备注", "note", format="kept; a receipt number here names the payment"),
)
ALIPAY_COLUMNS: tuple[Column, ...] = (
    Column(
        "serial",
        "账务流水号",
        "account serial",
        required=True,
        format="unique; a line already imported (same 账务流水号) is skipped",
        example="20260305200040011100000001",
    ),
    Column("business_serial", "业务流水号", "business serial", format=_NOT_KEPT),
    Column("order", "商户订单号", "merchant order", format="kept in the memo"),
    Column("goods", "商品名称", "goods", format="kept in the memo", example="服务费"),
    Column(
        "date",
        "发生时间",
        "time",
        required=True,
        format="`2026-03-05 10:00:00` (the time is not kept)",
        example="2026-03-05 10:00:00",
    ),
    Column("counterparty_account", "对方账号", "counterparty account", format=_NOT_KEPT),
    Column(
        "amount_in",
        "收入金额（+元）",
        "income",
        format="yuan into the wallet; empty on an outgoing line",
        example="200.00",
    ),
    Column(
        "amount_out",
        "支出金额（-元）",
        "expense",
        format="yuan out of the wallet, printed negative (`-1.20`) or not",
        example="-1.20",
    ),
    Column(
        "balance",
        "账户余额（元）",
        "balance",
        required=True,
        format="the wallet's balance after the line; each line's = previous + in − out",
        example="200.00",
    ),
    Column("channel", "交易渠道", "channel", format=_NOT_KEPT, example="支付宝"),
    Column(
        "summary",
        "业务类型",
        "business type",
        format="在线支付, 交易付款, 提现, 服务费, 退款 …",
        example="在线支付",
    ),
    Column("memo", "备注", "note", format="kept; a receipt number here names the payment"),
)
LAYOUTS: dict[str, Layout] = {
    "wechat": Layout("wechat", WECHAT_COLUMNS, balance=False, preamble=True),
    "alipay": Layout("alipay", ALIPAY_COLUMNS, balance=True, preamble=True, negative_out=True),
}
NAMES = {"wechat": "微信支付", "alipay": "支付宝"}
#: How the bank names the wallet's company on the line that received a withdrawal.
BANK_WORDS = {"wechat": ("财付通", "微信", "tenpay"), "alipay": ("支付宝", "alipay")}
METHODS = {"wechat": PaymentMethod.WECHAT, "alipay": PaymentMethod.ALIPAY}
AUTO = matching.AUTO


def layout_of(source: str) -> Layout:
    """Raises NotFoundError for a source that is not ``wechat`` or ``alipay``."""
    layout = LAYOUTS.get(source)
    if layout is None:
        raise NotFoundError(Message("bank.wallet_source", source=source))
    return layout


def kind_of(line: ParsedLine) -> str:
    """``collection`` (money in), ``withdrawal`` (提现), ``refund`` (退款), ``fee``
    (手续费/服务费) or ``other``."""
    if line.amount > 0:
        return "collection"
    text = f"{line.summary} {line.memo}"
    if "提现" in text:
        return "withdrawal"
    if "退款" in text:
        return "refund"
    if "手续费" in text or "服务费" in text:
        return "fee"
    return "other"


# --- importing ---------------------------------------------------------------------------------


def _stored(session: Session, estate_id: int, source: str) -> list[WalletLine]:
    """The source's stored lines in wallet order (date, then as imported)."""
    return list(
        session.scalars(
            select(WalletLine)
            .where(WalletLine.estate_id == estate_id, WalletLine.source == source)
            .order_by(WalletLine.date, WalletLine.id)
        )
    )


@command
def import_bill(
    session: Session,
    estate: Estate,
    source: str,
    data: bytes,
    filename: str,
    *,
    actor_user_id: int | None,
) -> WalletImportOut:
    """Import a bill (all rows or none), then match what agrees uniquely. Raises
    NotFoundError (source), ValidationError (``rows[N].field``, ``columns``, ``file``)."""
    layout = layout_of(source)
    lines, errors = parse_file(data, filename, {}, layout)
    known = {s.serial: s for s in _stored(session, estate.id, source)}
    for line in lines:
        seen = known.get(line.serial)
        if seen is not None and (seen.date, seen.amount) != (line.date, line.amount):
            errors.append(
                FieldError(
                    f"rows[{line.row}].serial",
                    Message(
                        "bank.wallet_line_changed",
                        serial=line.serial,
                        date=seen.date.isoformat(),
                        amount=str(seen.amount),
                    ),
                )
            )
    today = today_in(estate)
    if lines and lines[-1].date > today:
        errors.append(FieldError("file", Message("bank.after_today", today=today.isoformat())))
    raise_if_rows(errors, or_file=True)
    new = [line for line in lines if line.serial not in known]
    import_id: int | None = None
    if new:
        record = WalletImport(
            estate_id=estate.id,
            source=source,
            filename=filename[:200] or f"{source}.csv",
            sha256=hashlib.sha256(data).hexdigest(),
            rows=len(lines),
            new_lines=len(new),
            first_date=lines[0].date,
            last_date=lines[-1].date,
            imported_by=actor_user_id,
        )
        session.add(record)
        session.flush()
        import_id = record.id
        session.add_all(
            WalletLine(
                estate_id=estate.id,
                source=source,
                import_id=record.id,
                row=line.row,
                serial=line.serial,
                date=line.date,
                amount=line.amount,
                balance=line.balance,
                kind=kind_of(line),
                counterparty=line.counterparty,
                memo=line.memo,
            )
            for line in new
        )
        session.flush()
    matched, bank_matched = match(session, estate.id, source) if new else (0, 0)
    voided = months.revalidate(session, estate.id) if bank_matched else []
    return {
        "source": source,
        "import_id": import_id,
        "rows": len(lines),
        "new_lines": len(new),
        "known_lines": len(lines) - len(new),
        "first_date": lines[0].date.isoformat(),
        "last_date": lines[-1].date.isoformat(),
        "matched": matched,
        "bank_matched": bank_matched,
        "reconciliations_voided": voided,
    }


# --- matching ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Paid:
    """A fee payment recorded with the wallet's method: its receipts' entries together."""

    payment_id: int
    seqs: tuple[int, ...]
    date: date
    amount: Decimal
    receipts: tuple[str, ...]
    households: tuple[str, ...]
    reference: str

    def view(self) -> PaidOut:
        return {
            "payment_id": self.payment_id,
            "entry_seqs": list(self.seqs),
            "date": self.date.isoformat(),
            "amount": str(self.amount),
            "receipts": list(self.receipts),
            "reference": self.reference,
        }


def _active(session: Session, estate_id: int) -> list[WalletMatch]:
    return list(
        session.scalars(
            select(WalletMatch)
            .where(WalletMatch.estate_id == estate_id, WalletMatch.undone_at.is_(None))
            .order_by(WalletMatch.id)
        )
    )


def payments(session: Session, estate_id: int, source: str) -> list[Paid]:
    """Fee payments recorded with the source's method, not voided, oldest first."""
    method = METHODS[source]
    rows = session.execute(
        select(FeeReceipt.receipt_no, FeeReceipt.payment_id, FeePayment.reference)
        .join(FeePayment, FeePayment.id == FeeReceipt.payment_id)
        .where(FeeReceipt.estate_id == estate_id, FeeReceipt.method == method)
    ).all()
    by_receipt = {no: (pid, ref or "") for no, pid, ref in rows}
    moves = matching.movements(session, estate_id)
    pairs = matching.cancelled_pairs(moves)
    grouped: dict[int, list[matching.Movement]] = defaultdict(list)
    for m in moves:
        if m.kind == "fee_payment" and m.receipt in by_receipt and m.seq not in pairs:
            grouped[by_receipt[m.receipt][0]].append(m)
    return sorted(
        (
            Paid(
                pid,
                tuple(m.seq for m in ms),
                ms[0].date,
                sum((m.amount for m in ms), ZERO),
                tuple(m.receipt for m in ms),
                tuple(m.household for m in ms),
                by_receipt[ms[0].receipt][1].strip(),
            )
            for pid, ms in grouped.items()
        ),
        key=lambda p: (p.date, p.seqs),
    )


def names_payment(line: WalletLine, paid: Paid) -> bool:
    """The line names the payment: its reference is the 交易单号 (or its last six or more
    digits), or the line's memo holds one of its receipt numbers or household codes."""
    ref = paid.reference
    if ref and (ref == line.serial or (len(ref) >= 6 and line.serial.endswith(ref))):
        return True
    return any(r and r in line.memo for r in (*paid.receipts, *paid.households))


def _paid_candidates(line: WalletLine, free: Sequence[Paid]) -> list[Paid]:
    return [
        p for p in free if p.amount == line.amount and abs(p.date - line.date) <= matching.WINDOW
    ]


def _bank_candidates(
    line: WalletLine, free: Sequence[BankStatementLine]
) -> list[BankStatementLine]:
    return [
        b for b in free if b.amount == -line.amount and abs(b.date - line.date) <= matching.WINDOW
    ]


def _in_scope(session: Session, estate_id: int, source: str) -> list[WalletLine]:
    opened = books_opened_on(session, estate_id)
    return [line for line in _stored(session, estate_id, source) if opened and line.date >= opened]


def _undone_lines(session: Session, estate_id: int) -> set[int]:
    """Lines whose match a person undid: they are matched again only by a person."""
    return set(
        session.scalars(
            select(WalletMatch.line_id).where(
                WalletMatch.estate_id == estate_id, WalletMatch.undone_at.is_not(None)
            )
        )
    )


def match(session: Session, estate_id: int, source: str) -> tuple[int, int]:
    """Match what agrees uniquely (see the module): collections to payments, withdrawals to
    bank lines, then those bank lines to the payments they carried. A line whose match a
    person undid is left to a person. Returns (wallet matches, bank lines matched). Flushes."""
    active = _active(session, estate_id)
    done_lines = {m.line_id for m in active} | _undone_lines(session, estate_id)
    used_seqs = {m.entry_seq for m in active if m.entry_seq is not None}
    used_bank = {m.bank_line_id for m in active if m.bank_line_id is not None}
    lines = [x for x in _in_scope(session, estate_id, source) if x.id not in done_lines]
    free_paid = [p for p in payments(session, estate_id, source) if not set(p.seqs) & used_seqs]
    made = 0
    for line, paid, why in matching.unique_pairs(
        [x for x in lines if x.kind == "collection"],
        free_paid,
        line_key=lambda x: x.id,
        move_key=lambda p: p.payment_id,
        candidates=_paid_candidates,
        named=names_payment,
    ):
        session.add_all(
            WalletMatch(estate_id=estate_id, line_id=line.id, entry_seq=s, kind=AUTO, note=why)
            for s in paid.seqs
        )
        made += 1
    bank_lines = [
        b for b in matching.in_scope(session, estate_id) if b.amount > 0 and b.id not in used_bank
    ]
    words = BANK_WORDS[source]
    for line, bank_line, why in matching.unique_pairs(
        [x for x in lines if x.kind == "withdrawal"],
        bank_lines,
        line_key=lambda x: x.id,
        move_key=lambda b: b.id,
        candidates=_bank_candidates,
        named=lambda _, b: any(w in f"{b.counterparty} {b.memo}".lower() for w in words),
    ):
        session.add(
            WalletMatch(
                estate_id=estate_id, line_id=line.id, bank_line_id=bank_line.id, kind=AUTO, note=why
            )
        )
        made += 1
    session.flush()
    return made, _settle_withdrawals(session, estate_id, source)


def _settle_withdrawals(session: Session, estate_id: int, source: str) -> int:
    """Match each bank line a withdrawal reached to the payments the withdrawal carried,
    when every line since the previous withdrawal is a matched collection and their payments
    sum exactly to the bank line. Returns how many bank lines. Flushes."""
    active = _active(session, estate_id)
    seqs_of: dict[int, list[int]] = defaultdict(list)
    bank_of: dict[int, int] = {}
    for m in active:
        if m.entry_seq is not None:
            seqs_of[m.line_id].append(m.entry_seq)
        if m.bank_line_id is not None:
            bank_of[m.line_id] = m.bank_line_id
    bank_matches = matching.active_matches(session, estate_id)
    bank_done = {m.line_id for m in bank_matches}
    seqs_done = {m.entry_seq for m in bank_matches}
    amounts = {m.seq: m.amount for m in matching.movements(session, estate_id)}
    settled = 0
    carried: list[WalletLine] = []
    for line in _stored(session, estate_id, source):
        if line.kind != "withdrawal":
            carried.append(line)
            continue
        bank_line_id = bank_of.get(line.id)
        seqs = [s for c in carried for s in seqs_of.get(c.id, [])]
        whole = all(c.kind == "collection" and seqs_of.get(c.id) for c in carried)
        carried = []
        if bank_line_id is None or bank_line_id in bank_done or not whole or not seqs:
            continue
        bank_line = session.get(BankStatementLine, bank_line_id)
        if (
            bank_line is None
            or set(seqs) & seqs_done
            or sum((amounts.get(s, ZERO) for s in seqs), ZERO) != bank_line.amount
        ):
            continue
        session.add_all(
            BankMatch(
                estate_id=estate_id,
                line_id=bank_line_id,
                entry_seq=s,
                kind=AUTO,
                note=f"{NAMES[source]}提现 {line.serial}",
            )
            for s in seqs
        )
        seqs_done |= set(seqs)
        settled += 1
    session.flush()
    return settled


@command
def run_matching(session: Session, estate: Estate, source: str) -> WalletMatchRunOut:
    """Match again (after payments were recorded). Raises NotFoundError (source)."""
    layout_of(source)
    matched, bank_matched = match(session, estate.id, source)
    voided = months.revalidate(session, estate.id) if bank_matched else []
    return {
        "matched": matched,
        "bank_matched": bank_matched,
        "reconciliations_voided": voided,
        **overview(session, estate, source),
    }


# --- confirming by hand ---------------------------------------------------------------------------


def _get_line(session: Session, estate_id: int, source: str, line_id: int) -> WalletLine:
    """Raises NotFoundError (``line_id``) for a line of another estate or another wallet."""
    line = session.get(WalletLine, line_id)
    if line is None or line.estate_id != estate_id or line.source != source:
        said = Message("bank.no_wallet_line", source=source, line_id=line_id)
        raise NotFoundError(said, errors=[FieldError("line_id", said)])
    return line


def _recorded(session: Session, estate_id: int, source: str, payment_id: int) -> Paid:
    """The payment as the wallet sees it. Raises NotFoundError (``payment_id``: none in this
    estate), ValidationError (``payment_id``: recorded with another method, voided)."""
    payment = session.get(FeePayment, payment_id)
    if payment is None or payment.estate_id != estate_id:
        said = Message("bank.no_payment", payment_id=payment_id)
        raise NotFoundError(said, errors=[FieldError("payment_id", said)])
    if payment.method != METHODS[source]:
        raise ValidationError.field(
            "payment_id",
            Message(
                "bank.wallet_other_method",
                payment_id=payment_id,
                method=str(payment.method),
                method_name=METHOD_LABELS.get(str(payment.method), str(payment.method)),
                source=source,
                source_name=NAMES[source],
            ),
        )
    paid = next(
        (p for p in payments(session, estate_id, source) if p.payment_id == payment_id), None
    )
    if paid is None:
        raise ValidationError.field(
            "payment_id", Message("bank.wallet_payment_voided", payment_id=payment_id)
        )
    return paid


def confirm(
    session: Session,
    estate_id: int,
    source: str,
    line_id: int,
    payment_id: int,
    *,
    note: str,
    actor_user_id: int | None,
) -> tuple[WalletLine, Paid, list[WalletMatch]]:
    """A person links a collection to a fee payment recorded with the wallet's method — one
    row per receipt, kind ``confirmed``, with who confirmed it. Flushes.

    Raises NotFoundError (source; ``line_id``: no such line of this wallet in this estate;
    ``payment_id``: no such payment in this estate), ConflictError (``line_id`` matched
    already; ``payment_id`` matched to another line), ValidationError (``line_id``: before
    the books opened, not a collection; ``payment_id``: another method, voided, another
    amount; ``note``: missing beyond ±3 days, too long)."""
    layout_of(source)
    line = _get_line(session, estate_id, source, line_id)
    opened = books_opened_on(session, estate_id)
    if opened is None or line.date < opened:
        raise ValidationError.field(
            "line_id", Message("reconciliation.line_before_opening", date=line.date, opened=opened)
        )
    if line.kind != "collection":
        raise ValidationError.field(
            "line_id", Message("bank.wallet_not_collection", serial=line.serial, kind=line.kind)
        )
    active = _active(session, estate_id)
    if any(m.line_id == line.id for m in active):
        said = Message("bank.wallet_line_matched", serial=line.serial)
        raise ConflictError(said, errors=[FieldError("line_id", said)])
    paid = _recorded(session, estate_id, source, payment_id)
    taken = next((m for m in active if m.entry_seq in paid.seqs), None)
    if taken is not None:
        other = session.get(WalletLine, taken.line_id)
        said = Message(
            "bank.wallet_payment_matched",
            payment_id=payment_id,
            serial=other.serial if other else taken.line_id,
        )
        raise ConflictError(said, errors=[FieldError("payment_id", said)])
    if paid.amount != line.amount:
        raise ValidationError.field(
            "payment_id",
            Message(
                "bank.wallet_amount_differs",
                payment_id=payment_id,
                amount=paid.amount,
                line_amount=line.amount,
            ),
        )
    note = matching.confirmed_note(
        note,
        paid.date,
        line.date,
        Message(
            "bank.wallet_dates_far_apart", payment_id=payment_id, date=paid.date, date2=line.date
        ),
    )
    made = [
        WalletMatch(
            estate_id=estate_id,
            line_id=line.id,
            entry_seq=seq,
            kind=matching.CONFIRMED,
            note=note,
            matched_by=actor_user_id,
        )
        for seq in paid.seqs
    ]
    session.add_all(made)
    session.flush()
    return line, paid, made


def undo(
    session: Session, estate_id: int, source: str, line_id: int, *, actor_user_id: int | None
) -> tuple[int, int]:
    """Undo every match of the line (the rows stay, with who undid them), and the bank
    statement's automatic match that rested on it: the bank line a withdrawal reached,
    matched to the payments it carried (``微信支付提现 <交易单号>``), when the line is that
    withdrawal or one of those payments. A match confirmed on the bank page stays. Returns
    (wallet rows undone, bank lines unmatched). Flushes. Raises NotFoundError (source,
    ``line_id``), ConflictError (``line_id``: nothing matched)."""
    layout_of(source)
    line = _get_line(session, estate_id, source, line_id)
    rows = [m for m in _active(session, estate_id) if m.line_id == line.id]
    if not rows:
        said = Message("bank.wallet_line_not_matched", serial=line.serial)
        raise ConflictError(said, errors=[FieldError("line_id", said)])
    now = utcnow()
    for m in rows:
        m.undone_at, m.undone_by = now, actor_user_id
    seqs = {m.entry_seq for m in rows if m.entry_seq is not None}
    prefix = f"{NAMES[source]}提现 "
    carried = [
        b
        for b in matching.active_matches(session, estate_id)
        if b.kind == AUTO and b.note.startswith(prefix)
    ]
    resting = {
        (b.line_id, b.note)
        for b in carried
        if b.entry_seq in seqs or b.note == prefix + line.serial
    }
    for b in carried:
        if (b.line_id, b.note) in resting:
            b.undone_at, b.undone_by = now, actor_user_id
    session.flush()
    return len(rows), len({bank_line for bank_line, _ in resting})


@command
def confirm_match(
    session: Session,
    estate: Estate,
    source: str,
    line_id: int,
    payment_id: int,
    note: str,
    *,
    actor_user_id: int | None,
) -> WalletMatchConfirmedOut:
    """A person confirms that a collection is a recorded payment; what that leaves unique is
    then matched automatically, and a withdrawal whose collections are now all matched may
    match its bank line. Raises what ``confirm`` raises."""
    line, paid, made = confirm(
        session, estate.id, source, line_id, payment_id, note=note, actor_user_id=actor_user_id
    )
    matched, bank_matched = match(session, estate.id, source)
    voided = months.revalidate(session, estate.id)
    people = months.user_names(session, {actor_user_id} if actor_user_id else set())
    return {
        "line": _line_view(line, made, people),
        "payment": paid.view(),
        "matched": matched,
        "bank_matched": bank_matched,
        "reconciliations_voided": voided,
    }


@command
def undo_match(
    session: Session, estate: Estate, source: str, line_id: int, *, actor_user_id: int | None
) -> WalletMatchUndoneOut:
    """Undo a line's match. Raises what ``undo`` raises."""
    undone, bank_undone = undo(session, estate.id, source, line_id, actor_user_id=actor_user_id)
    voided = months.revalidate(session, estate.id)
    return {"undone": undone, "bank_unmatched": bank_undone, "reconciliations_voided": voided}


# --- reading -------------------------------------------------------------------------------------


def _line_view(
    line: WalletLine, matches: list[WalletMatch], people: dict[int, str] | None = None
) -> WalletLineOut:
    return {
        "id": line.id,
        "serial": line.serial,
        "date": line.date.isoformat(),
        "amount": str(line.amount),
        "balance": None if line.balance is None else str(line.balance),
        "kind": line.kind,
        "counterparty": line.counterparty,
        "memo": line.memo,
        "entry_seqs": [m.entry_seq for m in matches if m.entry_seq is not None],
        "bank_line_id": next((m.bank_line_id for m in matches if m.bank_line_id), None),
        "match_kind": matches[0].kind if matches else None,
        "match_note": matches[0].note if matches else "",
        "matched_by_name": (people or {}).get(matches[0].matched_by or 0) if matches else None,
    }


def overview(session: Session, estate: Estate, source: str) -> WalletOut:
    """Every line with what it is matched to; what is proposed (several payments could be
    it); and what is unmatched on either side: lines the books do not hold, and payments
    recorded with the wallet's method, dated within the bill's days (±3), that the bill does
    not show. Raises NotFoundError (source)."""
    layout_of(source)
    stored = _stored(session, estate.id, source)
    active = _active(session, estate.id)
    by_line: dict[int, list[WalletMatch]] = defaultdict(list)
    for m in active:
        by_line[m.line_id].append(m)
    used = {m.entry_seq for m in active if m.entry_seq is not None}
    people = months.user_names(session, {m.matched_by for m in active if m.matched_by})
    scope = {x.id for x in _in_scope(session, estate.id, source)}
    free_paid = [p for p in payments(session, estate.id, source) if not set(p.seqs) & used]
    free_lines = [x for x in stored if x.id in scope and x.id not in by_line]
    proposed: list[WalletProposalOut] = []
    for line in free_lines:
        found = _paid_candidates(line, free_paid) if line.kind == "collection" else []
        if found:
            proposed.append(
                {
                    "line": _line_view(line, []),
                    "candidates": [
                        {**p.view(), "named_by_line": names_payment(line, p)} for p in found
                    ],
                }
            )
    proposed_ids = {p["line"]["id"] for p in proposed}
    first = min((x.date for x in stored), default=None)
    last = max((x.date for x in stored), default=None)
    return {
        "source": source,
        "source_name": NAMES[source],
        "lines": [_line_view(x, by_line.get(x.id, []), people) for x in stored],
        "proposed": proposed,
        "unmatched_lines": [_line_view(x, []) for x in free_lines if x.id not in proposed_ids],
        "unmatched_payments": [
            p.view()
            for p in free_paid
            if first is not None
            and last is not None
            and first - matching.WINDOW <= p.date <= last + matching.WINDOW
        ],
    }
