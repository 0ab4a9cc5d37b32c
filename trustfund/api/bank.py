"""The committee bank account's statement, its matches to the books and the month-end
reconciliation, and the steward's cash counts (``trustfund.reconciliation``). Reads need
Action.READ; imports, matches (statement and wallet bills: confirmed and undone), preparing a
month and counting the cash need Action.RECORD;
the committee decides on the generic approvals route."""

from __future__ import annotations

from datetime import date
from typing import Any

from litestar import Controller, Response, get, post, put
from litestar.params import FromPath, FromQuery, JSONBody, MultipartBody
from pydantic import BaseModel, Field

from trustfund.api.access import estate_route
from trustfund.api.common import Ctx, imported_response
from trustfund.api.uploads import MultipartForm, form_file
from trustfund.auth.principal import Action
from trustfund.errors import ValidationError
from trustfund.estates.columns import describe
from trustfund.messages import Message
from trustfund.reconciliation import cash_counts, months, service, statements, wallets
from trustfund.reconciliation.schemas import (
    CashBookOut,
    CashCountOut,
    LineWithMatchesOut,
    MappingOut,
    MatchConfirmedOut,
    MatchingOut,
    MatchRunOut,
    MatchUndoneOut,
    MonthOut,
    MonthRowOut,
    StatementImportOut,
    WalletImportOut,
    WalletMatchConfirmedOut,
    WalletMatchRunOut,
    WalletMatchUndoneOut,
    WalletOut,
)


class MappingIn(BaseModel):
    columns: dict[str, str] = Field(
        description='`{header as your bank writes it: field}`, e.g. `{"贷方金额(元)": '
        '"amount_in"}`; fields: ' + ", ".join(statements.FIELDS)
    )


class MatchIn(BaseModel):
    line_id: int = Field(description="the statement line")
    entry_seqs: list[int] = Field(
        max_length=100,
        description="the journal entries it is (one, or several summing to the line)",
    )
    note: str = Field(
        default="", max_length=200, description="why; required beyond ±3 days, ≤ 200 characters"
    )


class WalletMatchIn(BaseModel):
    line_id: int = Field(description="the bill line: a collection (收款) of this wallet")
    payment_id: int = Field(
        description="the fee payment it is: recorded with this wallet's method, of the same "
        "amount (a candidate's `payment_id` in `GET …/bank/wallets/{source}` `proposed`)"
    )
    note: str = Field(
        default="", max_length=200, description="why; required beyond ±3 days, ≤ 200 characters"
    )


class CashCountIn(BaseModel):
    counted_on: date = Field(
        description="the day counted (YYYY-MM-DD, estate time): the count is compared with the "
        "books' cash at the end of that day; from the books' opening to today"
    )
    counts: dict[str, int] = Field(
        max_length=len(cash_counts.KEYS),
        description="pieces counted per denomination, `{denomination in yuan: pieces}`, e.g. "
        '`{"100": 3, "50": 1, "0.5": 4}`; denominations: '
        + ", ".join(f"`{key}` ({label})" for key, _, label in cash_counts.DENOMINATIONS)
        + f"; whole numbers 0–{cash_counts.MAX_PIECES:,}; leave out what you do not have",
    )
    note: str = Field(
        default="",
        max_length=cash_counts.MAX_NOTE,
        description="required when the count differs from the books: why (≤ 200 characters)",
    )


def _through(value: Any) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ValidationError.field("through", Message("input.not_a_date")) from None


class BankController(Controller):
    path = "/api/v1/estates/{estate_slug:str}/bank"
    tags = ["bank"]

    @estate_route(
        post,
        "/statements/import",
        Action.RECORD,
        summary="Import the committee account's bank statement (CSV/XLSX, all rows or none)",
        description=(
            "Multipart form with one `file` field (the export of online banking: CSV in UTF-8 "
            "or GB18030, or XLSX, header in row 1) and optionally `through` (YYYY-MM-DD: the "
            "statement is complete up to that day, e.g. the query period's end; default the "
            "last line's date). Samples: `docs/samples/bank-statement-split.csv` (收入/支出 "
            "columns) and `docs/samples/bank-statement-signed.xlsx` (one signed 交易金额). "
            "Lines already imported (same 流水号, same figures) are skipped, so re-importing "
            "changes nothing. All rows or none: the 422 lists every bad cell as "
            "`rows[N].field` (N = spreadsheet row), including every break of the running "
            "balance (each 余额 = previous 余额 + in − out) and a 流水号 imported before with "
            "other figures; an unknown header is refused (field `columns`) — save your bank's "
            "names once with `PUT …/bank/mapping`. New lines are matched to the books where "
            "amount and date (±3 days) agree uniquely; a prepared month whose figures change "
            "loses its approval (`reconciliations_voided`).\n\n" + describe(statements.COLUMNS)
        ),
    )
    def import_statement(
        self, ctx: Ctx, data: MultipartBody[MultipartForm]
    ) -> Response[StatementImportOut]:
        result = service.import_statement(
            ctx.session,
            ctx.estate,
            *form_file(data),
            through=_through((data or {}).get("through")),
            actor_user_id=ctx.user_id,
        )
        return imported_response(result, created=bool(result["new_lines"]))

    @estate_route(
        get, "/mapping", Action.READ, summary="The estate's own names for statement columns"
    )
    def get_mapping(self, ctx: Ctx) -> MappingOut:
        return statements.mapping_view(ctx.session, ctx.estate)

    @estate_route(
        put,
        "/mapping",
        Action.RECORD,
        summary="Save the estate's own names for statement columns",
        description="Replaces the mapping. A header is 1–50 characters and may not be the "
        "standard name of another field; 422 names `columns.<header>`.",
    )
    def put_mapping(self, ctx: Ctx, data: JSONBody[MappingIn]) -> MappingOut:
        return statements.save_mapping(
            ctx.session, ctx.estate, data.columns, actor_user_id=ctx.user_id
        )

    @estate_route(
        get,
        "/lines",
        Action.READ,
        summary="Statement lines, with the journal entries each is matched to",
    )
    def lines(
        self, ctx: Ctx, start: FromQuery[date | None] = None, end: FromQuery[date | None] = None
    ) -> list[LineWithMatchesOut]:
        return service.list_lines(ctx.session, ctx.estate, start, end)

    @estate_route(
        get,
        "/matches",
        Action.READ,
        summary="Matches made, matches proposed, and what is unmatched on either side",
        description="`proposed`: lines with several book movements of the same amount within "
        "±3 days, for a person to confirm; `unmatched_lines` / `unmatched_entries`: the rest. "
        "Each match says whether it was `auto` or `confirmed` and by whom.",
    )
    def matches(self, ctx: Ctx) -> MatchingOut:
        return service.overview(ctx.session, ctx.estate)

    @estate_route(
        post,
        "/match",
        Action.RECORD,
        summary="Match again what agrees uniquely (after new entries were posted)",
        status_code=200,
    )
    def run_matching(self, ctx: Ctx) -> MatchRunOut:
        return service.run_matching(ctx.session, ctx.estate)

    @estate_route(
        post,
        "/matches",
        Action.RECORD,
        summary="Confirm a match: a statement line is these journal entries",
        description="The entries must move bank money, not be reversed, not be matched "
        "already (409), and sum exactly to the line's signed amount (422 `entry_seqs`); "
        "beyond ±3 days a `note` is required. The match records who confirmed it; the "
        "journal is not touched. A prepared month whose figures change loses its approval.",
    )
    def confirm(self, ctx: Ctx, data: JSONBody[MatchIn]) -> MatchConfirmedOut:
        return service.confirm_match(
            ctx.session,
            ctx.estate,
            data.line_id,
            data.entry_seqs,
            data.note,
            actor_user_id=ctx.user_id,
        )

    @estate_route(
        post,
        "/lines/{line_id:int}/unmatch",
        Action.RECORD,
        summary="Undo a line's matches (kept as history with who undid them)",
        status_code=200,
    )
    def unmatch(self, ctx: Ctx, line_id: FromPath[int]) -> MatchUndoneOut:
        return service.undo_match(ctx.session, ctx.estate, line_id, actor_user_id=ctx.user_id)

    @estate_route(
        post,
        "/wallets/{source:str}/import",
        Action.RECORD,
        summary="Import the collection code's WeChat Pay or Alipay bill (all rows or none)",
        description=(
            "`source` is `wechat` (微信支付 账单明细 CSV: summary lines, then 交易时间, 交易类型, "
            "交易对方, 商品, 收/支, 金额(元), 支付方式, 当前状态, 交易单号, 商户单号, 备注) or "
            "`alipay` (支付宝 账务明细 CSV, GBK: `#` lines around 账务流水号, 业务流水号, 商户订单号, "
            "商品名称, 发生时间, 对方账号, 收入金额（+元）, 支出金额（-元）, 账户余额（元）, 交易渠道, "
            "业务类型, 备注); multipart field `file`. Samples: `docs/samples/wechat-bill.csv`, "
            "`docs/samples/alipay-bill.csv`. A tab or backtick before a number and a ¥ before "
            "an amount are dropped. Lines already imported (same 交易单号 / 账务流水号, same "
            "date and amount) are skipped; with other figures the file is refused. The 422 "
            "names every bad cell `rows[N].field` (N = the file's line). Collections are "
            "matched to fee payments recorded with that method (same amount, ±3 days; the "
            "payment's reference = the 交易单号 or the receipt number in 备注 break ties), "
            "withdrawals (提现) to the bank statement line that received them, and that bank "
            "line to the payments the withdrawal carried when they sum exactly to it. How the "
            "wallet is modelled: `trustfund/reconciliation/wallets.py`.\n\n"
            + describe(wallets.WECHAT_COLUMNS)
            + "\n\n"
            + describe(wallets.ALIPAY_COLUMNS)
        ),
    )
    def import_wallet(
        self, ctx: Ctx, source: FromPath[str], data: MultipartBody[MultipartForm]
    ) -> Response[WalletImportOut]:
        result = wallets.import_bill(
            ctx.session, ctx.estate, source, *form_file(data), actor_user_id=ctx.user_id
        )
        return imported_response(result, created=bool(result["new_lines"]))

    @estate_route(
        get,
        "/wallets/{source:str}",
        Action.READ,
        summary="A wallet's bill lines, what they are matched to, and what is unmatched",
        description="`proposed`: collections with several payments of the same amount within "
        "±3 days — confirm one with `POST …/wallets/{source}/matches`; `unmatched_lines`: bill lines the books do not hold (money collected but "
        "not recorded, the wallet's fees, refunds); `unmatched_payments`: payments recorded "
        "with that method, dated within the bill's days (±3), that the bill does not show. "
        "404 for a source other than wechat or alipay.",
    )
    def wallet(self, ctx: Ctx, source: FromPath[str]) -> WalletOut:
        return wallets.overview(ctx.session, ctx.estate, source)

    @estate_route(
        post,
        "/wallets/{source:str}/match",
        Action.RECORD,
        summary="Match a wallet's bill again (after payments were recorded)",
        status_code=200,
    )
    def match_wallet(self, ctx: Ctx, source: FromPath[str]) -> WalletMatchRunOut:
        return wallets.run_matching(ctx.session, ctx.estate, source)

    @estate_route(
        post,
        "/wallets/{source:str}/matches",
        Action.RECORD,
        summary="Confirm a match: a wallet's collection is this recorded fee payment",
        description="For a collection the bill could not match alone (`proposed`: several "
        "payments of the same amount within ±3 days). The payment must be of this estate "
        "(404 `payment_id`), recorded with the wallet's method — a WeChat line is never a cash, "
        "bank or Alipay payment — still in the books (not voided), matched to no other line "
        "(409 `payment_id`), and of exactly the line's amount (422 `payment_id`); the line "
        "must be a collection of this wallet (404 `line_id`; 422 `line_id` for a withdrawal, "
        "fee or refund, or a line before the books opened) not matched yet (409 `line_id`). "
        "Beyond ±3 days a `note` is required (422 `note`). The match records who confirmed "
        "it; the journal is not touched. What that leaves unique is then matched "
        "automatically (`matched`), and the bank line of a withdrawal whose collections are "
        "now all matched may match the payments it carried (`bank_matched`); a prepared "
        "month whose figures change loses its approval.",
        status_code=201,
    )
    def confirm_wallet(
        self, ctx: Ctx, source: FromPath[str], data: JSONBody[WalletMatchIn]
    ) -> WalletMatchConfirmedOut:
        return wallets.confirm_match(
            ctx.session,
            ctx.estate,
            source,
            data.line_id,
            data.payment_id,
            data.note,
            actor_user_id=ctx.user_id,
        )

    @estate_route(
        post,
        "/wallets/{source:str}/lines/{line_id:int}/unmatch",
        Action.RECORD,
        summary="Undo a wallet line's match (kept as history with who undid it)",
        description="Any matched line of the bill: a collection's payment or a withdrawal's "
        "bank line, automatic or confirmed. The bank statement's automatic match that rested "
        "on it (the bank line a withdrawal reached, matched to the payments it carried) is "
        "undone with it (`bank_unmatched`); a match confirmed on the bank page stays. A line "
        "whose match was undone is not matched automatically again — confirm the right "
        "payment with `POST …/wallets/{source}/matches`. 404 `line_id` for a line of another "
        "wallet or estate, 409 `line_id` for a line not matched. A prepared month whose "
        "figures change loses its approval.",
        status_code=200,
    )
    def unmatch_wallet(
        self, ctx: Ctx, source: FromPath[str], line_id: FromPath[int]
    ) -> WalletMatchUndoneOut:
        return wallets.undo_match(
            ctx.session, ctx.estate, source, line_id, actor_user_id=ctx.user_id
        )

    @estate_route(
        get,
        "/reconciliations",
        Action.READ,
        summary="Every month since the books opened: reconciled or not, and the difference",
    )
    def months(self, ctx: Ctx) -> list[MonthRowOut]:
        return months.list_months(ctx.session, ctx.estate)

    @estate_route(
        get,
        "/reconciliations/{month:str}",
        Action.READ,
        summary="A month's bank reconciliation (银行余额调节表)",
        description="Statement balance at month end + book items not yet on the statement = "
        "book balance + statement items not yet in the books. `status`: not_prepared, "
        "pending, reconciled (approved, and the figures are still today's), rejected, void "
        "(changed after it was prepared or approved). `problems` say why it cannot be "
        "prepared. 422 for a month that is not YYYY-MM.",
    )
    def month(self, ctx: Ctx, month: FromPath[str]) -> MonthOut:
        return months.view(ctx.session, ctx.estate, month)

    @estate_route(
        post,
        "/reconciliations/{month:str}/prepare",
        Action.RECORD,
        summary="Prepare the month and submit it to the committee",
        description="Only an ended month whose statement is imported through its last day and "
        "whose adjusted balances agree (409 lists the `problems`). Submitted as approval "
        "subject `bank_reconciliation` (one committee approver; whoever prepared it or "
        "confirmed one of its matches cannot decide) — decide with "
        "`POST /api/v1/estates/{slug}/approvals/{approval_request_id}/decision`. The approval "
        "is bound to the figures, both lists of items and the matches with who confirmed "
        "them; any later change voids it.",
        status_code=201,
    )
    def prepare(self, ctx: Ctx, month: FromPath[str]) -> MonthOut:
        return months.prepare(ctx.session, ctx.estate, month, actor_user_id=ctx.user_id)


class CashCountController(Controller):
    path = "/api/v1/estates/{estate_slug:str}/cash-counts"
    tags = ["bank"]

    @estate_route(
        get,
        "/",
        Action.READ,
        summary="The steward's cash counts (现金盘点), newest day first, with their approval",
        description="Each count with the books' cash for its day as the books say now: "
        "`status` pending, approved (and the books' cash for that day unchanged since), "
        "rejected, or void (an entry posted on or before that day changed the books' cash "
        "after it was prepared). At most the last 100.",
    )
    def list_counts(self, ctx: Ctx) -> list[CashCountOut]:
        return cash_counts.list_counts(ctx.session, ctx.estate)

    @estate_route(
        get,
        "/book",
        Action.READ,
        summary="What a count is compared with: the books' cash at the end of a day",
        description="`on` (YYYY-MM-DD, default today in the estate): the balance of "
        "`Assets:Cash:Steward` at the end of that day, and the denominations a count lists.",
    )
    def book(self, ctx: Ctx, on: FromQuery[date | None] = None) -> CashBookOut:
        return cash_counts.book_view(ctx.session, ctx.estate, on)

    @estate_route(
        post,
        "/",
        Action.RECORD,
        summary="Count the cash on hand by denomination and submit the count to the committee",
        description="The steward (Action.RECORD) records the pieces counted per denomination "
        "on a day; their sum is compared with the books' cash at the end of that day, and a "
        "difference needs a `note` (422 `note` says both figures). The count is submitted as "
        "approval subject `cash_count` (one committee approver; whoever prepared it cannot "
        "decide it) — decide with `POST /api/v1/estates/{slug}/approvals/"
        "{approval_request_id}/decision`. The approval is bound to the pieces, the note and the "
        "books' cash for that day: an entry posted later on or before that day voids it. "
        "Nothing is booked; a count is never changed (count again instead). 422 names "
        "`counted_on` (books not open, in the future, before the books opened) or "
        "`counts.<denomination>` (unknown, negative, not whole, too many).",
        status_code=201,
    )
    def prepare(self, ctx: Ctx, data: JSONBody[CashCountIn]) -> CashCountOut:
        return cash_counts.prepare(
            ctx.session,
            ctx.estate,
            counted_on=data.counted_on,
            counts=data.counts,
            note=data.note,
            actor_user_id=ctx.user_id,
        )

    @estate_route(
        get,
        "/{count_id:int}",
        Action.READ,
        summary="One cash count with its denominations and approval",
        description="404 for a count of another estate.",
    )
    def count(self, ctx: Ctx, count_id: FromPath[int]) -> CashCountOut:
        return cash_counts.get_view(ctx.session, ctx.estate, count_id)


CONTROLLERS: list[Any] = [BankController, CashCountController]
