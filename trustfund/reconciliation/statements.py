"""Importing the committee account's bank statement (银行对账单) from CSV or XLSX, as a
Chinese bank's online banking exports it — all rows or none, idempotent by serial number.

The columns (``COLUMNS``, Chinese or English header, aliases, any order) are read with the
household importer's machinery (``estates.importer.read_table``, ``estates.columns``); an
estate whose bank names a column differently saves its own names once (``save_mapping``:
``{"贷方金额(元)": "amount_in"}``), read before the standard ones. Amounts come either as
收入/支出 (two columns), as one signed 交易金额, or as an unsigned amount with a 借贷标志.

Checks, each a row error ``rows[N].field`` (N the spreadsheet row, header row 1):

- every cell: date, amounts (a thousands separator as the bank prints it, ``1,234.50``, is
  accepted; anything else ``parse_decimal`` refuses), 流水号 present and unique in the file,
  currency CNY when a 币种 column is given;
- the running balance: each line's 余额 = previous 余额 + in − out (files listed newest first
  are read backwards), and dates never go back;
- against what was imported before: a 流水号 seen before must carry the same date, amount and
  balance (then it is skipped: re-importing changes nothing); the file's first new line must
  continue from the balance of the stored line before it, its last from the one after; a
  stored line dated strictly inside the file's dates must be in the file.

Rows starting with 合计/小计/总计 (the bank's summary lines) are skipped.

The same reader reads the WeChat Pay and Alipay bills (``wallets``): a ``Layout`` gives a
source's columns, whether its table follows a block of summary lines (the header row is
found, and ``#``/``-`` footer rows are skipped), whether its lines carry a balance, and
whether its 支出 column is printed negative. Cells lose the tab or backtick those exports put
before long numbers, and amounts a leading ``¥``.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from trustfund.db.models.estates import Estate
from trustfund.db.models.reconciliation import (
    BankColumnMapping,
    BankStatementImport,
    BankStatementLine,
)
from trustfund.db.session import command
from trustfund.errors import FieldError, ValidationError, raise_if_rows
from trustfund.estates import importer
from trustfund.estates.columns import Column, header_key, map_columns
from trustfund.estates.households import cell_text, parse_date
from trustfund.estates.service import today_in
from trustfund.ledger.money import ZERO, cell_number, parse_decimal
from trustfund.messages import Message, reason_of
from trustfund.reconciliation.schemas import MappingOut

#: The columns of a statement file. Columns a bank adds that trustfund does not keep
#: (对方账号, 交易时间, 渠道 …) are listed too, so a raw export imports as it is.
COLUMNS: tuple[Column, ...] = (
    Column(
        "date",
        "交易日期",
        "date",
        required=True,
        format="`2026-03-01`, `2026/3/1`, `20260301` or `2026年3月1日`; a time after the date "
        "is ignored",
        example="2026-03-01",
        aliases=("记账日期", "入账日期", "交易时间", "日期"),
    ),
    Column(
        "summary",
        "摘要",
        "summary",
        format="the bank's kind of transaction, at most 100 characters",
        example="转账",
        aliases=("交易摘要", "交易类型"),
    ),
    Column(
        "amount_in",
        "收入金额",
        "amount_in",
        format="yuan received, at most 2 decimals; empty, 0 or `-` on an outgoing line; "
        "give 收入金额 and 支出金额, or 交易金额",
        example="200.00",
        aliases=("收入", "贷方发生额", "贷方金额", "存入金额", "收入(元)", "收入金额(元)"),
    ),
    Column(
        "amount_out",
        "支出金额",
        "amount_out",
        format="yuan paid out (positive), at most 2 decimals; empty, 0 or `-` on an incoming line",
        example="350.00",
        aliases=("支出", "借方发生额", "借方金额", "支取金额", "支出(元)", "支出金额(元)"),
    ),
    Column(
        "amount",
        "交易金额",
        "amount",
        format="one signed column instead of 收入/支出: received positive, paid out negative "
        "(`-350.00`); or unsigned with a 借贷标志 column",
        example="-350.00",
        aliases=("发生额", "金额", "交易金额(元)"),
    ),
    Column(
        "direction",
        "借贷标志",
        "direction",
        format="with an unsigned 交易金额: 贷/收/收入/入 (money in) or 借/支/支出/出 (money out)",
        example="贷",
        aliases=("收支标志", "借贷方向", "收支方向"),
    ),
    Column(
        "balance",
        "余额",
        "balance",
        required=True,
        format="the account balance after the line, yuan; each line's = previous + in − out",
        example="10200.00",
        aliases=("账户余额", "当前余额", "余额(元)", "联机余额"),
    ),
    Column(
        "counterparty",
        "对方户名",
        "counterparty",
        format="who paid or was paid, at most 200 characters",
        example="国网浙江省电力有限公司",
        aliases=("对方账户名称", "对方名称", "对方户名称", "收/付方名称", "对方单位"),
    ),
    Column(
        "memo",
        "附言",
        "memo",
        format="the transfer's postscript or purpose, at most 300 characters",
        example="3-1-502 2026年服务费",
        aliases=("用途", "备注", "交易附言", "摘要附言"),
    ),
    Column(
        "serial",
        "流水号",
        "serial",
        required=True,
        format="the bank's serial number of the line, unique; a line already imported "
        "(same 流水号) is skipped",
        example="202603010001",
        aliases=("交易流水号", "流水号码", "交易序号", "业务流水号", "凭证号"),
    ),
    Column(
        "currency",
        "币种",
        "currency",
        format="not kept; when given, must be CNY (人民币/RMB)",
        example="人民币",
    ),
    Column(
        "counterparty_account",
        "对方账号",
        "counterparty_account",
        format="not kept (staff look it up in online banking)",
        example="6222020000000000",
        aliases=("对方账户", "对方卡号"),
    ),
    Column(
        "time",
        "时间",
        "time",
        format="not kept",
        example="10:32:05",
        aliases=("交易时刻",),
    ),
    Column(
        "channel",
        "交易渠道",
        "channel",
        format="not kept",
        example="网银",
        aliases=("渠道",),
    ),
)
FIELDS = tuple(c.field for c in COLUMNS)
MAX_HEADER = 50
MAX_SERIAL = 80
SUMMARY_ROWS = ("合计", "小计", "总计", "本页合计")
_THOUSANDS = re.compile(r"-?\d{1,3}(,\d{3})+(\.\d+)?")
_TIME_AFTER = re.compile(r"(\S+)[ T]\d{1,2}:\d{2}(:\d{2})?")
IN_WORDS = {"贷", "收", "收入", "入", "credit", "cr", "c"}
NEUTRAL = {"/", "中性", "中性交易", ""}
OUT_WORDS = {"借", "支", "支出", "出", "debit", "dr", "d"}
CURRENCIES = {"cny", "人民币", "rmb", "156"}


@dataclass(frozen=True)
class ParsedLine:
    row: int
    serial: str
    date: date
    amount: Decimal
    balance: Decimal | None  # None only in a layout without balances
    counterparty: str
    memo: str
    summary: str = ""  # the source's kind of transaction (摘要, 交易类型, 业务类型)


@dataclass(frozen=True)
class Layout:
    """How one source writes its file; the reader is the same for all (see the module)."""

    source: str
    columns: tuple[Column, ...]
    balance: bool = True  # lines carry a running balance, checked line by line
    preamble: bool = False  # the header row follows summary lines; ``#``/``-`` rows skipped
    negative_out: bool = False  # the 支出 column is printed negative (``-1.20``)


BANK_LAYOUT = Layout("bank", COLUMNS)


# --- the column mapping -------------------------------------------------------------------


def load_mapping(session: Session, estate_id: int) -> dict[str, str]:
    row = session.get(BankColumnMapping, estate_id)
    return dict(json.loads(row.columns)) if row is not None else {}


def columns_for(mapping: dict[str, str]) -> tuple[Column, ...]:
    """``COLUMNS`` with the estate's own header names added to their fields."""
    extra: dict[str, tuple[str, ...]] = {}
    for header, field in mapping.items():
        extra[field] = (*extra.get(field, ()), header)
    return tuple(replace(c, aliases=c.aliases + extra.get(c.field, ())) for c in COLUMNS)


def check_mapping(raw: dict[str, str]) -> dict[str, str]:
    """Raises ValidationError naming ``columns.<header>`` for an unknown field, an empty or
    long header, or a header that is already a standard name of another field."""
    standard = {header_key(n): c.field for c in COLUMNS for n in c.names}
    errors: list[FieldError] = []
    clean: dict[str, str] = {}
    for header, field in raw.items():
        where = f"columns.{header}"
        name = str(header).strip()
        if not name or len(name) > MAX_HEADER:
            errors.append(
                FieldError(where, Message("reconciliation.header_length", limit=MAX_HEADER))
            )
            continue
        if field not in FIELDS:
            errors.append(
                FieldError(
                    where,
                    Message(
                        "reconciliation.not_a_field", field=repr(field), choices=", ".join(FIELDS)
                    ),
                )
            )
            continue
        other = standard.get(header_key(name))
        if other is not None and other != field:
            errors.append(
                FieldError(
                    where,
                    Message("reconciliation.standard_name_taken", name=repr(name), other=other),
                )
            )
            continue
        clean[name] = field
    if errors:
        raise ValidationError(
            Message("reconciliation.mapping_invalid", problems=errors),
            errors=errors,
        )
    return clean


@command
def save_mapping(
    session: Session, estate: Estate, columns: dict[str, str], *, actor_user_id: int | None
) -> MappingOut:
    """The command that replaces the estate's column names. Raises ValidationError."""
    clean = check_mapping(columns)
    row = session.get(BankColumnMapping, estate.id)
    if row is None:
        row = BankColumnMapping(estate_id=estate.id)
        session.add(row)
    row.columns = json.dumps(clean, ensure_ascii=False, sort_keys=True)
    row.updated_by = actor_user_id
    session.flush()
    return mapping_view(session, estate)


def mapping_view(session: Session, estate: Estate) -> MappingOut:
    return {"columns": load_mapping(session, estate.id), "fields": list(FIELDS)}


# --- reading a file ------------------------------------------------------------------------


def _clean(value: Any) -> Any:
    """A cell without the tab or backtick WeChat and Alipay put before long numbers."""
    if isinstance(value, str):
        return value.strip().lstrip("`'\t").strip()
    return value


def _amount(value: Any, *, negative: bool) -> Decimal | None:
    """A bank's amount cell: None when empty or ``-``; ``1,234.50`` read as 1234.50."""
    text = cell_number(value).lstrip("¥￥")
    if text in ("", "-", "--", "—"):
        return None
    if _THOUSANDS.fullmatch(text):
        text = text.replace(",", "")
    return parse_decimal(text, places=2, negative=negative)


def _date(value: Any) -> date:
    if isinstance(value, (datetime, date)):
        return parse_date(value)
    text = cell_text(value) or ""
    found = _TIME_AFTER.fullmatch(text)
    return parse_date(found[1] if found else text)


def _serial(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return cell_text(value) or ""


def _check_header(fields: set[str]) -> None:
    errors: list[FieldError] = []
    split = fields & {"amount_in", "amount_out"}
    if "amount" in fields and split:
        errors.append(FieldError("columns", Message("reconciliation.amount_columns_both")))
    elif "amount" not in fields and split != {"amount_in", "amount_out"}:
        errors.append(
            FieldError(
                "columns.amount",
                Message("reconciliation.amount_columns_missing"),
            )
        )
    if "direction" in fields and "amount" not in fields:
        errors.append(
            FieldError("columns.direction", Message("reconciliation.direction_needs_amount"))
        )
    if errors:
        raise ValidationError(Message("reconciliation.header_no_amounts"), errors=errors)


def _row_amount(
    row: dict[str, Any], where: str, errors: list[FieldError], layout: Layout = BANK_LAYOUT
) -> Decimal | None:
    try:
        if "amount" in row:
            direction = (cell_text(row.get("direction")) or "").lower()
            if direction in NEUTRAL and "提现" in (cell_text(row.get("summary")) or ""):
                direction = "出"  # a withdrawal to the bank card, 中性交易 in WeChat's words
            signed = "direction" not in row
            value = _amount(row["amount"], negative=signed)
            if value is None or value == ZERO:
                errors.append(FieldError(f"{where}.amount", Message("reconciliation.amount_empty")))
                return None
            if not signed:
                if direction in IN_WORDS:
                    return value
                if direction in OUT_WORDS:
                    return -value
                errors.append(
                    FieldError(
                        f"{where}.direction",
                        Message("reconciliation.direction_invalid", direction=repr(direction)),
                    )
                )
                return None
            return value
        got_in = _amount(row.get("amount_in"), negative=False)
        got_out = _amount(row.get("amount_out"), negative=layout.negative_out)
        got_out = abs(got_out) if got_out is not None else None
    except ValueError as exc:
        field = "amount" if "amount" in row else _which_amount(row)
        errors.append(
            FieldError(
                f"{where}.{field}", Message("reconciliation.amount_invalid", reason=reason_of(exc))
            )
        )
        return None
    got_in = got_in or ZERO
    got_out = got_out or ZERO
    if got_in and got_out:
        errors.append(FieldError(f"{where}.amount_in", Message("reconciliation.amount_both")))
        return None
    if not got_in and not got_out:
        errors.append(FieldError(f"{where}.amount_in", Message("reconciliation.amount_neither")))
        return None
    return got_in - got_out


def _which_amount(row: dict[str, Any]) -> str:
    for field in ("amount_in", "amount_out"):
        try:
            _amount(row.get(field), negative=False)
        except ValueError:
            return field
    return "amount_in"


def _is_summary(cells: list[Any]) -> bool:
    first = next((cell_text(c) for c in cells if cell_text(c)), "") or ""
    return first.startswith(SUMMARY_ROWS)


def _find_table(
    header: list[Any], rows: list[tuple[int, list[Any]]], columns: tuple[Column, ...]
) -> tuple[list[Any], list[tuple[int, list[Any]]]]:
    """For a layout with a preamble: the header row — the first row whose cells are all
    columns of the layout and hold the required ones — and the rows after it, footer rows
    (starting with ``#`` or ``-``) left out. Raises ValidationError (``columns``)."""
    names = {header_key(n): c.field for c in columns for n in c.names}
    required = {c.field for c in columns if c.required}
    candidates = [(1, header), *rows]
    for i, (_, cells) in enumerate(candidates):
        keys = [header_key(_clean(c)) for c in cells if header_key(_clean(c))]
        if keys and all(k in names for k in keys) and required <= {names[k] for k in keys}:
            body = [
                (n, c)
                for n, c in candidates[i + 1 :]
                if not (cell_text(_clean(c[0])) or "").startswith(("#", "-"))
            ]
            return [_clean(c) for c in cells], body
    raise ValidationError.field(
        "columns",
        Message(
            "bank.no_header_row",
            columns=", ".join(c.zh for c in columns if c.required),
        ),
    )


def parse_file(
    data: bytes, filename: str, mapping: dict[str, str], layout: Layout = BANK_LAYOUT
) -> tuple[list[ParsedLine], list[FieldError]]:
    """The file's lines in date order (oldest first) and every row error found. Raises
    ValidationError for a file or header that cannot be read at all."""
    table = importer.read_table(data, filename)
    known = columns_for(mapping) if layout is BANK_LAYOUT else layout.columns
    header, rows = table.header, table.rows
    if layout.preamble:
        header, rows = _find_table(header, rows, known)
    columns = map_columns(header, known)
    _check_header(set(columns.values()))
    errors: list[FieldError] = []
    lines: list[ParsedLine] = []
    seen: dict[str, int] = {}
    for number, cells in rows:
        if _is_summary(cells):
            continue
        row = {field: _clean(cells[i]) if i < len(cells) else None for i, field in columns.items()}
        where = f"rows[{number}]"
        before = len(errors)
        on: date | None = None
        balance: Decimal | None = None
        try:
            on = _date(row["date"])
        except ValueError as exc:
            errors.append(
                FieldError(
                    f"{where}.date", Message("reconciliation.date_invalid", reason=reason_of(exc))
                )
            )
        amount = _row_amount(row, where, errors, layout)
        try:
            balance = _amount(row.get("balance"), negative=True)
            if balance is None and layout.balance:
                errors.append(
                    FieldError(f"{where}.balance", Message("reconciliation.balance_empty"))
                )
        except ValueError as exc:
            errors.append(
                FieldError(
                    f"{where}.balance",
                    Message("reconciliation.balance_invalid", reason=reason_of(exc)),
                )
            )
        serial = _serial(row["serial"])
        if not serial:
            errors.append(FieldError(f"{where}.serial", Message("reconciliation.serial_empty")))
        elif len(serial) > MAX_SERIAL:
            errors.append(
                FieldError(
                    f"{where}.serial", Message("reconciliation.serial_too_long", limit=MAX_SERIAL)
                )
            )
        elif serial in seen:
            errors.append(
                FieldError(
                    f"{where}.serial",
                    Message("reconciliation.serial_twice", serial=serial, row=seen[serial]),
                )
            )
        else:
            seen[serial] = number
        currency = (cell_text(row.get("currency")) or "").lower()
        if "currency" in row and currency and currency not in CURRENCIES:
            errors.append(
                FieldError(
                    f"{where}.currency",
                    Message("reconciliation.currency_not_cny", currency=repr(currency)),
                )
            )
        counterparty = cell_text(row.get("counterparty")) or ""
        if len(counterparty) > 200:
            errors.append(
                FieldError(f"{where}.counterparty", Message("reconciliation.counterparty_too_long"))
            )
        summary = cell_text(row.get("summary")) or ""
        postscript = cell_text(row.get("memo")) or ""
        if len(summary) > 100:
            errors.append(
                FieldError(f"{where}.summary", Message("reconciliation.summary_too_long"))
            )
        if len(postscript) > 300:
            errors.append(FieldError(f"{where}.memo", Message("reconciliation.memo_too_long")))
        goods = cell_text(row.get("goods")) or ""
        order = cell_text(row.get("order")) or ""
        memo = " / ".join(t for t in (summary, goods, order, postscript) if t and t != "/")
        if len(memo) > 500:
            errors.append(FieldError(f"{where}.memo", Message("reconciliation.memo_too_long")))
        if len(errors) == before:
            assert on is not None and amount is not None
            assert balance is not None or not layout.balance
            lines.append(
                ParsedLine(number, serial, on, amount, balance, counterparty, memo, summary)
            )
    if not lines and not errors:
        errors.append(FieldError("file", Message("reconciliation.no_lines")))
    if lines and lines[0].date > lines[-1].date:
        lines.reverse()  # exported newest first
    errors.extend(_chain_errors(lines) if layout.balance else _order_errors(lines))
    return lines, errors


def _order_errors(lines: list[ParsedLine]) -> list[FieldError]:
    return [
        FieldError(
            f"rows[{line.row}].date",
            Message(
                "reconciliation.date_order", date=line.date, row=previous.row, date2=previous.date
            ),
        )
        for previous, line in itertools.pairwise(lines)
        if line.date < previous.date
    ]


def _chain_errors(lines: list[ParsedLine]) -> list[FieldError]:
    errors: list[FieldError] = _order_errors(lines)
    for previous, line in itertools.pairwise(lines):
        where = f"rows[{line.row}]"
        assert previous.balance is not None and line.balance is not None
        expected = previous.balance + line.amount
        if line.balance != expected:
            errors.append(
                FieldError(
                    f"{where}.balance",
                    Message(
                        "reconciliation.balance_breaks",
                        balance=line.balance,
                        row=previous.row,
                        balance2=previous.balance,
                        sign="+" if line.amount > 0 else "−",
                        amount=abs(line.amount),
                        expected=expected,
                    ),
                )
            )
    return errors


# --- against the stored statement ---------------------------------------------------------


def stored_lines(session: Session, estate_id: int) -> list[BankStatementLine]:
    """Every stored line of the estate, in statement order."""
    return list(
        session.scalars(
            select(BankStatementLine)
            .where(BankStatementLine.estate_id == estate_id)
            .order_by(BankStatementLine.date, BankStatementLine.import_id, BankStatementLine.row)
        )
    )


def _stored_errors(lines: list[ParsedLine], stored: list[BankStatementLine]) -> list[FieldError]:
    errors: list[FieldError] = []
    by_serial = {s.serial: s for s in stored}
    for line in lines:
        known = by_serial.get(line.serial)
        if known is not None and (known.date, known.amount, known.balance) != (
            line.date,
            line.amount,
            line.balance,
        ):
            errors.append(
                FieldError(
                    f"rows[{line.row}].serial",
                    Message(
                        "reconciliation.line_changed",
                        serial=line.serial,
                        date=known.date,
                        amount=known.amount,
                        balance=known.balance,
                    ),
                )
            )
    if not lines or errors:
        return errors
    serials = {line.serial for line in lines}
    others = [s for s in stored if s.serial not in serials]
    first, last = lines[0], lines[-1]
    assert first.balance is not None and last.balance is not None  # the bank's layout
    inside = [s for s in others if first.date < s.date < last.date]
    for s in inside[:5]:
        errors.append(
            FieldError(
                "file",
                Message(
                    "reconciliation.line_missing",
                    serial=s.serial,
                    date=s.date,
                    date2=first.date,
                    date3=last.date,
                ),
            )
        )
    before = [s for s in others if s.date < first.date]
    if before and first.serial not in by_serial:
        prev = before[-1]
        if first.balance - first.amount != prev.balance:
            errors.append(
                FieldError(
                    f"rows[{first.row}].balance",
                    Message(
                        "reconciliation.gap_before",
                        balance=first.balance,
                        serial=prev.serial,
                        date=prev.date,
                        balance2=prev.balance,
                    ),
                )
            )
    after = [s for s in others if s.date > last.date]
    if after and last.serial not in by_serial:
        nxt = after[0]
        if nxt.balance - nxt.amount != last.balance:
            errors.append(
                FieldError(
                    f"rows[{last.row}].balance",
                    Message(
                        "reconciliation.gap_after",
                        balance=last.balance,
                        serial=nxt.serial,
                        date=nxt.date,
                        balance2=nxt.balance,
                    ),
                )
            )
    return errors


@dataclass(frozen=True)
class ImportOutcome:
    rows: int
    new_lines: int
    known_lines: int
    first_date: date
    last_date: date
    import_id: int | None
    new_line_dates: tuple[date, ...]


def import_statement(
    session: Session,
    estate: Estate,
    data: bytes,
    filename: str,
    *,
    through: date | None,
    actor_user_id: int | None,
) -> ImportOutcome:
    """Check the whole file, then store its new lines (flushes; the caller commits).

    Raises ValidationError: ``rows[N].field`` for every bad cell and every break of the
    running balance, ``file`` / ``columns`` for what cannot be read, ``through`` for a date
    before the last line or in the future."""
    lines, errors = parse_file(data, filename, load_mapping(session, estate.id))
    stored = stored_lines(session, estate.id)
    errors.extend(_stored_errors(lines, stored))
    today = today_in(estate)
    if lines and lines[-1].date > today:
        errors.append(FieldError("file", Message("reconciliation.lines_after_today", today=today)))
    if through is not None and lines and not lines[-1].date <= through <= today:
        errors.append(
            FieldError(
                "through", Message("reconciliation.through_out_of_range", date=lines[-1].date)
            )
        )
    raise_if_rows(errors, or_file=True)
    known = {s.serial for s in stored}
    new = [line for line in lines if line.serial not in known]
    first, last = lines[0].date, lines[-1].date
    covered = max((i.through for i in _imports(session, estate.id)), default=None)
    until = through or last
    if not new and covered is not None and covered >= until:
        return ImportOutcome(len(lines), 0, len(lines), first, last, None, ())
    record = BankStatementImport(
        estate_id=estate.id,
        filename=filename[:200] or "statement",
        sha256=hashlib.sha256(data).hexdigest(),
        rows=len(lines),
        new_lines=len(new),
        first_date=first,
        last_date=last,
        through=until,
        imported_by=actor_user_id,
    )
    session.add(record)
    session.flush()
    session.add_all(
        BankStatementLine(
            estate_id=estate.id,
            import_id=record.id,
            row=line.row,
            serial=line.serial,
            date=line.date,
            amount=line.amount,
            balance=line.balance,
            counterparty=line.counterparty,
            memo=line.memo,
        )
        for line in new
    )
    session.flush()
    return ImportOutcome(
        len(lines),
        len(new),
        len(lines) - len(new),
        first,
        last,
        record.id,
        tuple(sorted({line.date for line in new})),
    )


def _imports(session: Session, estate_id: int) -> list[BankStatementImport]:
    return list(
        session.scalars(
            select(BankStatementImport).where(BankStatementImport.estate_id == estate_id)
        )
    )


def covered_through(session: Session, estate_id: int) -> date | None:
    """The last day the imported statement is complete for."""
    return max((i.through for i in _imports(session, estate_id)), default=None)
