"""The collection code's bill on the staff bank page (收款码账单), through the HTTP client on an
estate built from an empty database through the API (``wallet_world``): the steward uploads the
WeChat bill and sees each line with what it matched, what is left on both sides, and matches
again; a bad file is refused whole with its rows named in Chinese and nothing written; a
committee member may read but neither import nor match (403, as the API), and a user of no
role in the estate may not even read."""

from __future__ import annotations

import html
import re

from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy.orm import Session

from tests.integration.estates.test_staff_forms import said
from tests.integration.reconciliation.bank_world import SAMPLES, ok
from tests.integration.reconciliation.test_wallet_bills import (
    bank,
    counts,
    seq_of,
    wallet_world,
)
from tests.integration.reconciliation.test_wallet_confirm import LINE_A, confirm_world

PAGE = "/staff/xinhe/bank/wallets"


def _row(text: str, serial: str) -> str:
    match = re.search(rf'<tr data-serial="{serial}">(.*?)</tr>', text, re.S)
    assert match, serial
    return html.unescape(re.sub(r"<[^>]+>", " ", match[1]))


def _section(text: str, ident: str) -> str:
    match = re.search(rf'<section class="card" id="{ident}">(.*?)</section>', text, re.S)
    assert match, ident
    return html.unescape(re.sub(r"<[^>]+>", " ", match[1]))


def test_the_steward_uploads_the_wechat_bill_and_sees_what_matched(
    session: Session, client: TestClient[Litestar]
) -> None:
    estate, _ = wallet_world(session, client)
    steward = estate.people["steward"]
    first = seq_of(estate, "收据2026-000001")
    ok(bank(estate), 201)
    # the bank page links to both wallets
    bank_page = client.get("/staff/xinhe/bank/", headers=steward)
    assert f'href="{PAGE}/wechat/"' in bank_page.text
    assert f'href="{PAGE}/alipay/"' in bank_page.text
    empty = client.get(f"{PAGE}/wechat/", headers=steward)
    assert empty.status_code == 200 and "还没有导入账单" in empty.text

    answer = client.post(
        f"{PAGE}/wechat/import",
        files={"file": ("wechat-bill.csv", (SAMPLES / "wechat-bill.csv").read_bytes(), "text/csv")},
        headers=steward,
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text[:300]
    assert answer.headers["location"] == f"{PAGE}/wechat/?done=imported-5-4"
    shown = client.get(answer.headers["location"], headers=steward)
    text = shown.text
    assert "账单已导入：新增 5 笔" in html.unescape(text)
    assert f"收费分录 #{first}" in _row(text, "4200002026030100000001")
    assert "提现" in _row(text, "1000050001202603030000001")
    assert "银行到账流水已对上" in _row(text, "1000050001202603030000001")
    assert "未对上" in _row(text, "4200002026030500000005")
    # 100.00 collected but not recorded; 104's WeChat payment of 03-06 not in the bill
    assert "4200002026030500000005" in _section(text, "wallet-unmatched-lines")
    assert "2026-000003" in _section(text, "wallet-unmatched-payments")

    # matching again after nothing changed: nothing new, said on the page
    again = client.post(f"{PAGE}/wechat/match", headers=steward, follow_redirects=False)
    assert again.status_code == 303
    assert again.headers["location"] == f"{PAGE}/wechat/?done=matched-0"
    # the committee reads the same page, without the forms
    member = client.get(f"{PAGE}/wechat/", headers=estate.people["member1"])
    assert member.status_code == 200 and "wallet-import" not in member.text
    assert f"收费分录 #{first}" in _row(member.text, "4200002026030100000001")


def test_a_bad_bill_is_refused_on_the_page_row_by_row_and_nothing_is_written(
    session: Session, client: TestClient[Litestar]
) -> None:
    estate, _ = wallet_world(session, client)
    steward = estate.people["steward"]
    text = (SAMPLES / "wechat-bill.csv").read_bytes().decode("utf-8-sig")
    broken = text.replace("¥100.00", "¥1OO.00").replace("2026-03-02 08:15", "2026-02-30 08:15")
    answer = client.post(
        f"{PAGE}/wechat/import",
        files={"file": ("bad.csv", broken.encode(), "text/csv")},
        headers=steward,
    )
    assert answer.status_code == 422, answer.text[:300]
    refused = _section(answer.text, "wallet-import")
    assert "第 18 行" in refused and "第 21 行" in refused and "rows[" not in refused
    assert counts(session) == (0, 0, 0)
    # no file chosen: the catalog's Chinese, not the API's English
    nothing = client.post(
        f"{PAGE}/alipay/import",
        files={"file": ("", b"", "application/octet-stream")},
        headers=steward,
    )
    assert nothing.status_code == 422
    assert said("input.file_required") in _section(nothing.text, "wallet-import")
    assert counts(session) == (0, 0, 0)
    # a wallet that does not exist
    assert client.get(f"{PAGE}/unionpay/", headers=steward).status_code == 404
    unknown = client.post(
        f"{PAGE}/unionpay/import",
        files={"file": ("w.csv", (SAMPLES / "wechat-bill.csv").read_bytes(), "text/csv")},
        headers=steward,
    )
    assert unknown.status_code == 404


def test_a_committee_member_or_an_outsider_cannot_go_around_the_role(
    session: Session, client: TestClient[Litestar]
) -> None:
    estate, _ = wallet_world(session, client)
    estate.add_person("outsider")
    bill = (SAMPLES / "wechat-bill.csv").read_bytes()
    member = estate.people["member1"]
    for source in ("wechat", "alipay"):
        imported = client.post(
            f"{PAGE}/{source}/import", files={"file": ("w.csv", bill, "text/csv")}, headers=member
        )
        assert imported.status_code == 403, imported.text[:200]
        assert client.post(f"{PAGE}/{source}/match", headers=member).status_code == 403
        # no role in the estate: the page answers as the API does (the estate is not shown)
        outsider = estate.people["outsider"]
        api = client.get(f"{estate.base}/bank/wallets/{source}", headers=outsider).status_code
        assert api in (403, 404)
        assert client.get(f"{PAGE}/{source}/", headers=outsider).status_code == api
        assert client.post(f"{PAGE}/{source}/match", headers=outsider).status_code == api
    assert counts(session) == (0, 0, 0)


def test_the_steward_confirms_a_candidate_on_the_page_and_undoes_it(
    session: Session, client: TestClient[Litestar]
) -> None:
    estate, ids, lines = confirm_world(session, client)
    steward = estate.people["steward"]
    shown = client.get(f"{PAGE}/wechat/", headers=steward)
    proposed = _section(shown.text, "wallet-proposed")
    assert "就是这笔" in proposed and "2026-000004" in proposed
    action = f"{PAGE}/wechat/lines/{lines[LINE_A]}/confirm"
    assert f'action="{action}"' in shown.text
    before = counts(session)
    # a cash payment posted through the form: refused next to the line, in Chinese
    cash = client.post(action, data={"payment_id": str(ids["cash"])}, headers=steward)
    assert cash.status_code == 422, cash.text[:300]
    assert "这笔收费记的是现金，不是微信支付" in _section(cash.text, "wallet-proposed")
    not_an_id = client.post(action, data={"payment_id": "abc"}, headers=steward)
    assert not_an_id.status_code == 422
    assert said("web.choose_from_list") in _section(not_an_id.text, "wallet-proposed")
    other = client.post(action, data={"payment_id": str(ids["other"])}, headers=steward)
    assert other.status_code == 404 and "这个小区没有这笔收费" in html.unescape(other.text)
    assert counts(session) == before
    # the committee may not confirm
    member = client.post(
        action, data={"payment_id": str(ids["103"])}, headers=estate.people["member1"]
    )
    assert member.status_code == 403
    done = client.post(
        action, data={"payment_id": str(ids["103"])}, headers=steward, follow_redirects=False
    )
    assert (
        done.status_code == 303 and done.headers["location"] == f"{PAGE}/wechat/?done=confirmed-0"
    )
    page = client.get(done.headers["location"], headers=steward)
    assert "已确认匹配" in page.text
    assert "steward 确认" in _row(page.text, LINE_A)
    undo = f"{PAGE}/wechat/lines/{lines[LINE_A]}/unmatch"
    assert f'action="{undo}"' in page.text
    assert client.post(undo, headers=estate.people["member1"]).status_code == 403
    undone = client.post(undo, headers=steward, follow_redirects=False)
    assert undone.status_code == 303 and undone.headers["location"] == f"{PAGE}/wechat/?done=undone"
    twice = client.post(undo, headers=steward)
    assert twice.status_code == 409 and "还没有对上" in _row(twice.text, LINE_A)
