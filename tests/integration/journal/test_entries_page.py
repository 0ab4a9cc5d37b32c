"""The steward's page for general journal entries (记账分录), through the HTTP client on an estate
built from an empty database through the CLI and the API (``open_estate``: books opened with
500.00 in the bank): the steward proposes bank → steward's cash, chosen by Chinese account
names; the committee sees it readably on the approvals page and approves it there, and it is
posted; the steward then proposes its reversal. Bad input is refused at 4xx with the catalog's
Chinese under the field and nothing written; the committee member (no Action.RECORD) gets 403
proposing, the proposer cannot approve her own entry, and a user of no role in the estate is
answered as the API answers."""

from __future__ import annotations

import html
import re
from typing import Any

from tests.integration.estates.public_setup import Installation
from tests.integration.estates.test_staff_forms import said
from tests.integration.staff_setup import entries, field_error, installation, open_estate  # noqa: F401

PAGE = "/staff/yh/entries"
BANK, CASH = "Assets:Bank:Committee", "Assets:Cash:Steward"


def _form(**fields: str) -> dict[str, str]:
    return {"date": "2026-01-10", "narration": "从银行取现备用", **fields}


def _bank_to_cash(amount: str = "100.00") -> dict[str, str]:
    return _form(account_0=BANK, amount_0=f"-{amount}", account_2=CASH, amount_2=amount)


def _proposals(call: Any) -> list[dict[str, Any]]:
    return list(call("GET", "steward", "/ledger/proposals"))


def _audited(tf: Installation) -> list[tuple[str, str, str, int]]:
    """The audit log's records of this page's forms, oldest first: (action, path, outcome,
    status), read by the administrator through the API."""
    records = tf.client.get("/api/v1/audit", params={"limit": 500}, headers=tf.admin).json()
    return [
        (r["action"], r["path"], r["outcome"], r["status_code"])
        for r in reversed(records)
        if r["path"].startswith(PAGE)
    ]


def test_propose_approve_and_reverse_through_the_pages(installation: Installation) -> None:  # noqa: F811
    tf = installation
    call = open_estate(tf)
    steward, committee = tf.people["steward"], tf.people["committee"]
    # the staff home links the page; the accounts are offered by their Chinese names
    assert 'href="/staff/yh/entries/"' in tf.client.get("/staff", headers=steward).text
    shown = tf.client.get(f"{PAGE}/", headers=steward)
    assert shown.status_code == 200
    options = re.findall(r'<option value="Assets:[^"]*"[^>]*>([^<]*)<', shown.text)
    assert {"业委会银行账户", "管家现金"} <= set(options)
    assert all(":" not in name for name in options)
    assert "Liabilities:Payable" not in shown.text  # only claims move payables

    before = entries(call)
    answer = tf.client.post(
        f"{PAGE}/propose", data=_bank_to_cash(), headers=steward, follow_redirects=False
    )
    assert answer.status_code == 303, answer.text[:500]
    [proposal] = _proposals(call)
    assert answer.headers["location"] == f"{PAGE}/?done={proposal['id']}"
    assert [(leg["account"], leg["amount"]) for leg in proposal["legs"]] == [
        (BANK, "-100.00"),
        (CASH, "100.00"),
    ]
    assert entries(call) == before  # nothing posted before the committee approves
    done = html.unescape(tf.client.get(answer.headers["location"], headers=steward).text)
    assert "已提交业委会审批：2026-01-10 从银行取现备用" in done

    # the proposer may not approve her own entry; the committee reads it in Chinese
    request_id = proposal["approval_request_id"]
    assert request_id is not None
    own = tf.client.post(
        f"/staff/yh/approvals/{request_id}/decision",
        data={"decision": "approve"},
        headers=steward,
    )
    assert own.status_code == 403
    card = html.unescape(tf.client.get(f"/staff/yh/approvals/{request_id}", headers=committee).text)
    assert "业委会银行账户" in card and "管家现金" in card and BANK not in card
    decided = tf.client.post(
        f"/staff/yh/approvals/{request_id}/decision",
        data={"decision": "approve"},
        headers=committee,
        follow_redirects=False,
    )
    assert decided.status_code == 303, decided.text[:500]
    [posted] = _proposals(call)
    assert posted["status"] == "posted" and posted["entry_seq"] is not None
    assert entries(call) == before + 2  # the entry and the cash account's open (first needed)

    # its reversal, proposed from the page, also for approval
    page = tf.client.get(f"{PAGE}/", headers=steward).text
    assert f'<option value="{posted["entry_seq"]}"' in page
    reversed_ = tf.client.post(
        f"{PAGE}/reverse",
        data={
            "reverses_seq": str(posted["entry_seq"]),
            "reversal_date": "2026-01-11",
            "reason": "取现未用，存回",
        },
        headers=steward,
        follow_redirects=False,
    )
    assert reversed_.status_code == 303, reversed_.text[:500]
    reversal = _proposals(call)[0]
    assert reversal["reverses_seq"] == posted["entry_seq"] and reversal["status"] == "pending"
    assert entries(call) == before + 2
    # each form is audited under its own action
    assert _audited(tf) == [
        ("web.entry_propose", f"{PAGE}/propose", "ok", 303),
        ("web.entry_reverse", f"{PAGE}/reverse", "ok", 303),
    ]


def test_bad_entries_are_refused_under_their_field_and_nothing_is_written(
    installation: Installation,  # noqa: F811
) -> None:
    tf = installation
    call = open_estate(tf)
    steward = tf.people["steward"]
    before = entries(call)

    no_date = tf.client.post(
        f"{PAGE}/propose", data=_bank_to_cash() | {"date": ""}, headers=steward
    )
    assert no_date.status_code == 422
    assert field_error(no_date.text, "date") == said("input.required")
    # the second filled line (form line 3) holds the bad amount: said under that line
    bad = tf.client.post(
        f"{PAGE}/propose", data=_bank_to_cash() | {"amount_2": "一百"}, headers=steward
    )
    assert bad.status_code == 422, bad.text[:300]
    assert field_error(bad.text, "amount-2") and field_error(bad.text, "amount-0") is None
    # an amount without its account
    lonely = tf.client.post(
        f"{PAGE}/propose", data=_form(account_0=BANK, amount_0="-5", amount_1="5"), headers=steward
    )
    assert lonely.status_code == 422
    assert field_error(lonely.text, "account-1") == said("web.choose_from_list")
    # an account only its workflow moves, sent by hand: the service's reason, in Chinese
    payable = tf.client.post(
        f"{PAGE}/propose",
        data=_form(
            account_0=BANK,
            amount_0="-5.00",
            account_1="Liabilities:Payable:Contractors",
            amount_1="5.00",
        ),
        headers=steward,
    )
    assert payable.status_code == 422
    assert field_error(payable.text, "account-1") == said("journal.payable_by_claim")
    # a reversal with no entry chosen and no reason
    reversal = tf.client.post(
        f"{PAGE}/reverse",
        data={"reverses_seq": "", "reversal_date": "2026-01-11", "reason": ""},
        headers=steward,
    )
    assert reversal.status_code == 422
    assert field_error(reversal.text, "reverses_seq") == said("web.choose_from_list")
    assert _proposals(call) == [] and entries(call) == before


def test_no_one_without_record_can_propose(installation: Installation) -> None:  # noqa: F811
    tf = installation
    call = open_estate(tf)
    tf.estate("other")
    tf.person("outsider", "steward", "other")  # a steward of another estate
    for who in ("committee", "council", "outsider"):
        headers = tf.people[who]
        proposed = tf.client.post(f"{PAGE}/propose", data=_bank_to_cash(), headers=headers)
        api = tf.client.post(
            "/api/v1/estates/yh/ledger/proposals",
            json={
                "date": "2026-01-10",
                "narration": "x",
                "legs": [
                    {"account": BANK, "amount": "-1.00"},
                    {"account": CASH, "amount": "1.00"},
                ],
            },
            headers=headers,
        )
        assert api.status_code in (403, 404)
        assert proposed.status_code == api.status_code, (who, proposed.status_code)
        reversal = tf.client.post(
            f"{PAGE}/reverse",
            data={"reverses_seq": "1", "reversal_date": "2026-01-11", "reason": "x"},
            headers=headers,
        )
        assert reversal.status_code == api.status_code
    # the committee reads the page, without the forms
    read = tf.client.get(f"{PAGE}/", headers=tf.people["committee"])
    assert read.status_code == 200 and "entry-form" not in read.text
    assert _proposals(call) == []
