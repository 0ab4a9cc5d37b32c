"""Build the derived files of this folder from their sources: each ``.xlsx`` from its
``.csv`` (the same cells; text stays text, numbers the way a steward's spreadsheet holds
them), and ``README.md`` with the column tables of the importers (``COLUMNS`` of each).
Run from the repository root: ``python docs/samples/build.py``; tests check both stay equal.
"""

from __future__ import annotations

import csv
from decimal import Decimal, InvalidOperation
from pathlib import Path

import openpyxl

from trustfund.estates import importer
from trustfund.estates.columns import describe
from trustfund.fees import imports
from trustfund.fees.rules import METHODS_ACCEPTED
from trustfund.reconciliation import statements, wallets
from trustfund.settlements import prices

HERE = Path(__file__).parent
WALLET_BILLS = {"wechat-bill", "alipay-bill"}
#: Columns kept as text even when they look like numbers (a phone, a code, a date).
TEXT = {"电话", "日期", "起始日期", "编码", "户号", "地址", "交易日期", "记账日期", "流水号"}
TEXT |= {"交易流水号", "对方账号"}

README = """# Sample import files

One sample per import, as CSV (UTF-8) and as XLSX with the same cells. Each imports cleanly
into a new estate, in this order (a test, `tests/integration/estates/test_import_samples.py`,
does exactly that through the API on SQLite and PostgreSQL):

1. `households.csv` / `.xlsx` — the household register (住户名册):
   `POST /api/v1/estates/{{slug}}/households/import`, or
   `trustfund households import SLUG docs/samples/households.csv`, or the staff page
   住户导入 (`/staff/{{slug}}/import`). Needs the steward role of the estate (or admin).
2. `prices.csv` / `.xlsx` — a government reference price list (政府参考价格):
   `POST /api/v1/estates/{{slug}}/prices/import?effective_from=2026-01-01`, or
   `trustfund prices import SLUG docs/samples/prices.csv --effective 2026-01-01`.
3. `payments.csv` / `.xlsx` — fee payments (收费记录), households named by address:
   `POST /api/v1/estates/{{slug}}/fees/payments/import`, or
   `trustfund fees payments import SLUG docs/samples/payments.csv`.
   Needs open books (`POST …/books/opening`, approved by the committee), an approved 2026
   fee schedule (200 yuan, vacant 50 %) and issued charges.
4. `bank-statement-split.csv` / `.xlsx` and `bank-statement-signed.csv` / `.xlsx` — the
   committee account's bank statement (银行对账单) in two layouts online banking exports:
   收入金额/支出金额 in two columns, or one signed 交易金额 (the second file continues the
   first and overlaps it by two lines, which are skipped):
   `POST /api/v1/estates/{{slug}}/bank/statements/import`, or
   `trustfund bank import SLUG docs/samples/bank-statement-split.csv --user STEWARD`.
   Needs the steward role; lines before the books opened are kept but not reconciled.
   `tests/integration/reconciliation/test_bank_api.py` imports both into an estate whose
   books hold the matching payments, deposit and payouts.

Every import is all rows or none: a bad file changes nothing and the 422 answer lists every
bad cell as `rows[N].field` (N is the row number the spreadsheet shows; the header is row 1).
A header cell that is not one of the columns below is refused (422, field `columns`, naming
the cell and its column letter): an ignored column would silently lose its data.
Headers may be Chinese or English (or an alias), in any order; spaces, case and full-width
characters do not matter. CSV may be UTF-8 (with or without BOM) or GB18030.

The tables below are the ones the OpenAPI description of each route shows (`/schema`);
a test keeps them equal.

## Households (`households.csv`)

{households}

## Payments (`payments.csv`)

Name each household by 户号, by 地址 (`3-1-502` or `3幢1单元502室`) or by the three columns
幢, 单元, 室. Payment methods: {methods}; the API and exports use the English value,
pages show the Chinese word.

{payments}

## Reference prices (`prices.csv`)

{prices}

## Bank statements (`bank-statement-split.csv`, `bank-statement-signed.csv`)

Give 收入金额 and 支出金额, or one 交易金额 (signed, or unsigned with 借贷标志). Each line's
余额 must equal the previous line's plus in minus out (a file listed newest first is read
backwards); a break is a row error. A 流水号 imported before is skipped when its figures are
the same and refused when they differ. Columns the bank adds that trustfund does not keep
(对方账号, 时间, 交易渠道) are accepted; a bank whose headers differ saves its own names once:
`PUT /api/v1/estates/{{slug}}/bank/mapping` with `{{"columns": {{"贷方金额(元)": "amount_in"}}}}`.
Summary rows starting with 合计/小计/总计 are skipped.

{bank}

## WeChat Pay and Alipay bills (`wechat-bill.csv`, `alipay-bill.csv`)

An estate that collects through a collection code (收款码) imports the wallet's bill as the
wallet exports it — no XLSX copy, no editing: `wechat-bill.csv` is a 微信支付 账单明细 (UTF-8
with BOM, summary lines before the table, a tab or backtick before long numbers, ¥ before
amounts), `alipay-bill.csv` a 支付宝 账务明细 (GBK, `#` lines before and after the table,
支出 printed negative). Synthetic data: no real person, account or transaction.
`POST /api/v1/estates/{{slug}}/bank/wallets/wechat/import` (or `…/alipay/import`), or
`trustfund bank wallet-import SLUG wechat docs/samples/wechat-bill.csv --user STEWARD`.
Idempotent by 交易单号 / 账务流水号; all rows or none. Collections are matched to the fee
payments recorded with that method, withdrawals (提现) to the bank statement line that
received them (`trustfund/reconciliation/wallets.py` says how the wallet is modelled).
`tests/integration/reconciliation/test_wallet_bills.py` imports both into an estate whose
books hold the payments.

WeChat Pay:

{wechat}

Alipay:

{alipay}

## Regenerating the XLSX files

`python docs/samples/build.py` writes each `.xlsx` from its `.csv` and the column tables
of this page from the importers' column lists.
"""


def cell(header: str, value: str) -> object:
    if value == "" or header in TEXT:
        return value or None
    try:
        number = Decimal(value)
    except InvalidOperation:
        return value
    if number == number.to_integral_value() and "." not in value:
        return int(number)
    return float(number)


def readme() -> str:
    return README.format(
        households=describe(importer.COLUMNS),
        payments=describe(imports.COLUMNS),
        prices=describe(prices.COLUMNS),
        bank=describe(statements.COLUMNS),
        wechat=describe(wallets.WECHAT_COLUMNS),
        alipay=describe(wallets.ALIPAY_COLUMNS),
        methods=METHODS_ACCEPTED,
    )


def main() -> None:
    for path in sorted(HERE.glob("*.csv")):
        if path.stem in WALLET_BILLS:
            continue  # as the wallet exports them: no spreadsheet copy
        rows = list(csv.reader(path.read_text(encoding="utf-8").splitlines()))
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        assert sheet is not None
        sheet.title = path.stem
        sheet.append(rows[0])
        for row in rows[1:]:
            sheet.append([cell(h, v) for h, v in zip(rows[0], row, strict=True)])
        workbook.save(path.with_suffix(".xlsx"))
    (HERE / "README.md").write_text(readme(), encoding="utf-8")


if __name__ == "__main__":
    main()
