"""Residents' questions (质询, issue 18.5) from an empty database, through the API and the
public pages only: a household proves itself with its code and a receipt's check code, asks
on a published line, the committee answers, and both are published next to the line with no
personal data; nobody edits or deletes either; an unanswered question becomes an alert after
the estate's number of days (dates, not sleeping)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy import text
from sqlalchemy.orm import Session

from tests.integration.journal.api_setup import (
    NewEstate,
    approve_schedule_and_charge,
    decide,
    new_estate,
)
from tests.integration.reconciliation.bank_world import ok, paid_claim, pay
from trustfund.estates.service import today_in
from trustfund.inquiries import service as inquiries_service

OWNER = "欧阳明珠"
PHONE = "13912345678"


@dataclass
class Asking:
    estate: NewEstate
    version_id: int
    code: str  # household code of the asker (building 3)
    check_code: str
    other_code: str  # a household in building 1, never paid: no receipt
    claim_seq: int

    @property
    def public(self) -> str:
        return f"/api/v1/public/estates/{self.estate.slug}/inquiries/{self.version_id}"

    def ask(self, body: dict[str, Any], **kw: Any) -> Any:
        return self.estate.client.post(self.public, json=body, **kw)

    def question(self, text_: str, line: str | None = None) -> dict[str, Any]:
        body = {"line": line or f"exp-{self.claim_seq}", "household_code": self.code,
                "check_code": self.check_code, "text": text_}  # fmt: skip
        return dict(ok(self.ask(body), 201))


def _household(estate: NewEstate, building: str, room: str, **extra: str) -> str:
    body = {"building": building, "entrance": "1", "room": room, "site": "一区",
            "occupancy": "occupied", "since": "2024-01-01", **extra}  # fmt: skip
    return str(ok(estate.post("steward", "/households", body), 201)["code"])


def asking_world(session: Session, client: TestClient[Litestar]) -> Asking:
    estate = new_estate(session, client)
    estate.add_person("council1", "council")
    other = _household(estate, "1", "102", owner_name=OWNER, phone=PHONE)
    codes = [_household(estate, "3", f"{100 + i}") for i in range(1, 11)]  # 10 in building 3
    proposal = ok(
        estate.post(
            "steward",
            "/books/opening",
            {"date": "2026-01-01", "funds": [
                {"fund": "electricity", "bank": "3000.00"},
                {"fund": "maintenance", "bank": "5000.00"},
                {"fund": "garbage", "bank": "2000.00"}]},
        ),
        201,
    )  # fmt: skip
    ok(decide(estate, "member1", proposal["approval_request_id"]))
    approve_schedule_and_charge(estate, 2026)
    paid = pay(estate, codes[0], "2026-02-10", "bank_transfer", "p-1")
    receipt_no = paid["receipts"][0]["receipt_no"]
    claim = paid_claim(estate, "国网浙江省电力有限公司", "二月公共电费", "350.00", "2026-02-20",
                       "2026-02-25")  # fmt: skip
    made = ok(estate.post("steward", "/disclosures/", {"period": "2026Q1"}), 201)
    ok(estate.post("member1", f"/disclosures/{made['id']}/decision", {"decision": "approve"}), 201)
    ok(estate.post("steward", f"/disclosures/{made['id']}/publish"), 201)
    # the receipt the steward printed for the household carries its check code
    receipt = ok(estate.get("steward", f"/fees/receipts/{receipt_no}"))
    assert re.fullmatch(r"[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}", receipt["check_code"])
    statement = ok(client.get(f"/api/v1/public/estates/{estate.slug}/disclosures/{made['id']}"))
    seq = next(
        line["seq"]
        for line in statement["statement"]["expenditure"]["lines"]
        if line["amount"] == "350.00"
    )
    assert claim["status"] == "paid"
    return Asking(estate, int(made["id"]), codes[0], receipt["check_code"], other, seq)


def test_a_household_asks_the_committee_answers_and_both_are_published(
    session: Session, client: TestClient[Litestar]
) -> None:
    world = asking_world(session, client)
    estate = world.estate
    # a wrong check code, an unknown household, a household without a receipt: one answer
    refusals = [
        world.ask({"line": f"exp-{world.claim_seq}", "household_code": code, "check_code": cc,
                   "text": "这笔电费为什么比一月多？"})
        for code, cc in ((world.code, "ABCD-EFGH"), ("H-ZZZZZZ", world.check_code),
                         (world.other_code, world.check_code))
    ]  # fmt: skip
    assert [r.status_code for r in refusals] == [422, 422, 422]
    bodies = [r.json() for r in refusals]
    assert all(b["errors"] == bodies[0]["errors"] and b["detail"] == bodies[0]["detail"]
               for b in bodies)  # fmt: skip
    assert {e["field"] for e in bodies[0]["errors"]} == {"household_code", "check_code"}
    # nothing was published by the refusals
    assert ok(client.get(world.public))["lines"] == []

    # the code is typed as residents type it: lower case, without the dash
    asked = world.ask({"line": f"exp-{world.claim_seq}", "household_code": world.code.lower(),
                       "check_code": world.check_code.replace("-", "").lower(),
                       "text": "这笔电费为什么比一月多？"})  # fmt: skip
    assert asked.status_code == 201, asked.text
    question = asked.json()
    assert question["asker"] == "3幢住户"
    assert question["answer"] is None
    assert world.code not in asked.text

    # personal data in the text is refused (it would be published): an owner's name here,
    # a phone number in the rate-limit test
    r = world.ask({"line": f"exp-{world.claim_seq}", "household_code": world.code,
                   "check_code": world.check_code, "text": f"请{OWNER}解释"})  # fmt: skip
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "text", r.text
    # a line the disclosure does not have
    r = world.ask({"line": "exp-99999", "household_code": world.code,
                   "check_code": world.check_code, "text": "这是什么？"})  # fmt: skip
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "line"

    # the steward whose books are questioned cannot answer; nor can a council member while
    # the estate's rule says committee
    answer_path = f"/inquiries/{question['id']}/answer"
    assert estate.post("steward", answer_path, {"text": "电价调整"}).status_code == 403
    assert estate.post("council1", answer_path, {"text": "电价调整"}).status_code == 403
    # nor someone who is both the steward and a committee member (the guard lets a committee
    # member through; the service refuses the steward whose books are questioned)
    estate.add_person("both", "steward", "committee")
    assert estate.post("both", answer_path, {"text": "电价调整"}).status_code == 403
    # the staff list shows it waiting
    listed = ok(estate.get("member1", "/inquiries/"))
    assert listed["open"] == 1 and listed["answerer_role"] == "committee"
    assert "二月公共电费" in listed["questions"][0]["line"]["text"]
    assert listed["questions"][0]["days_open"] == 0

    answered = ok(
        estate.post(
            "member1", answer_path, {"text": "二月天冷，楼道灯开得久，电表读数附在凭证里。"}
        ),
        201,
    )
    assert answered["answer"]["by_role"] == "业委会"
    assert answered["answer"]["by_name"] == "member1"
    assert answered["answer"]["answered_on"] == today_in_estate(session, estate)
    # answered once: a second answer (an edit by another name) is refused
    again = estate.post("member2", answer_path, {"text": "改一下答复"})
    assert again.status_code == 409
    # no route edits or deletes a question or an answer
    for method in ("put", "patch", "delete"):
        for path in (f"/inquiries/{question['id']}", answer_path):
            r = getattr(client, method)(estate.base + path, headers=estate.admin)
            assert r.status_code in (404, 405), (method, path, r.status_code)
        r = getattr(client, method)(world.public, headers=estate.admin)
        assert r.status_code in (404, 405)

    # published: the API and the disclosure page show question and answer with their dates
    published = ok(client.get(world.public))
    [line] = published["lines"]
    assert line["ref"] == f"exp-{world.claim_seq}" and line["amount"] == "350.00"
    [shown] = line["questions"]
    assert shown["text"] == "这笔电费为什么比一月多？"
    assert shown["answer"]["text"].startswith("二月天冷")
    assert set(shown) == {"id", "version_id", "line_ref", "asker", "text", "asked_on", "answer"}
    assert set(shown["answer"]) == {"text", "answered_on", "by_role"}
    page = client.get(f"/e/{estate.slug}/d/{world.version_id}", headers={"Accept": "text/html"})
    assert page.status_code == 200
    for words in ("3幢住户", "这笔电费为什么比一月多？", "二月天冷", "业委会"):
        assert words in page.text
    for secret in (world.code, world.check_code, "member1", OWNER, PHONE, "3幢1单元101"):
        assert secret not in page.text and secret not in published.__repr__()
    line_page = client.get(
        f"/e/{estate.slug}/d/{world.version_id}/q/exp-{world.claim_seq}",
        headers={"Accept": "text/html"},
    )
    assert line_page.status_code == 200 and "二月天冷" in line_page.text
    assert world.code not in line_page.text

    # the rule can name the council instead: then the council answers, the committee not
    second = world.question("一月的服务费收入对吗？", line="fee-electricity")
    r = client.put(
        estate.base + "/approvals/rules/inquiry",
        json={"tiers": [{"up_to": None, "approvals_needed": 1, "approver_role": "council"}]},
        headers=estate.admin,
    )
    assert r.status_code == 200, r.text
    path2 = f"/inquiries/{second['id']}/answer"
    assert estate.post("member1", path2, {"text": "对"}).status_code == 403
    assert (
        ok(estate.post("council1", path2, {"text": "对，见收缴情况。"}), 201)["answer"]["by_role"]
        == "理事会"
    )


def today_in_estate(session: Session, estate: NewEstate) -> str:
    from trustfund.disclosure.public import estate_by_slug

    return today_in(estate_by_slug(session, estate.slug)).isoformat()


def test_wrong_codes_and_too_many_questions_are_rate_limited(
    session: Session, client: TestClient[Litestar]
) -> None:
    world = asking_world(session, client)
    wrong = {"line": f"exp-{world.claim_seq}", "household_code": world.code,
             "check_code": "2222-2222", "text": "问"}  # fmt: skip
    tries = inquiries_service.LIMITS.failures - 1
    assert [world.ask(wrong).status_code for _ in range(tries)] == [422] * tries
    # a text refused for personal data counts like a wrong code (trying owners' names one
    # after another must be as slow as guessing codes)
    phone = f"联系我 {PHONE[:3]} {PHONE[3:7]} {PHONE[7:]}"
    r = world.ask({**wrong, "check_code": world.check_code, "text": phone})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "text"
    # from this address even the right code now waits
    blocked = world.ask({**wrong, "check_code": world.check_code})
    assert blocked.status_code == 429 and blocked.json()["retry_after"] > 0


def test_questions_per_household_a_day(session: Session, client: TestClient[Litestar]) -> None:
    world = asking_world(session, client)
    for i in range(inquiries_service.LIMITS.per_household_day):
        world.question(f"第{i + 1}个问题")
    r = world.ask({"line": f"exp-{world.claim_seq}", "household_code": world.code,
                   "check_code": world.check_code, "text": "再问一个"})  # fmt: skip
    assert r.status_code == 429


def test_an_unanswered_question_is_an_alert_after_n_days_and_not_before(
    session: Session, client: TestClient[Litestar], monkeypatch: pytest.MonkeyPatch
) -> None:
    world = asking_world(session, client)
    estate = world.estate
    question = world.question("这笔电费的发票在哪里？")
    asked_on = date.fromisoformat(question["asked_on"])
    r = client.put(
        estate.base + "/alerts/thresholds",
        json={"thresholds": {"inquiry_days": "10"}},
        headers=estate.admin,
    )
    assert r.status_code == 200 and r.json()["inquiry_days"] == "10"

    def alerts_on(day: date) -> list[dict[str, Any]]:
        monkeypatch.setattr("trustfund.oversight.service.today_in", lambda _estate: day)
        found = ok(estate.get("member1", "/alerts/"))["alerts"]
        return [a for a in found if a["rule"] == "inquiry_unanswered"]

    assert alerts_on(asked_on) == []
    assert alerts_on(asked_on + timedelta(days=10)) == []  # 10 days: not older than 10
    [alert] = alerts_on(asked_on + timedelta(days=11))
    assert alert["key"] == f"inquiry:{question['id']}"
    assert "11 天未答复" in alert["title"]
    assert alert["links"][0]["api"] == f"/api/v1/estates/xinhe/inquiries/{question['id']}"
    assert alert["links"][0]["page"] == f"/staff/xinhe/inquiries#q{question['id']}"
    # the supervisor sees it too
    estate.add_person("sup", "supervisor")
    monkeypatch.setattr(
        "trustfund.oversight.service.today_in", lambda _e: asked_on + timedelta(days=11)
    )
    assert any(
        a["rule"] == "inquiry_unanswered" for a in ok(estate.get("sup", "/alerts/"))["alerts"]
    )
    # answered: the alert is gone
    ok(estate.post("member1", f"/inquiries/{question['id']}/answer", {"text": "见凭证 PZ-000001。"}),
       201)  # fmt: skip
    assert alerts_on(asked_on + timedelta(days=30)) == []


def test_published_questions_and_answers_cannot_be_changed_in_the_database(
    session: Session, client: TestClient[Litestar]
) -> None:
    """PostgreSQL refuses UPDATE and DELETE of questions and answers, whoever connects."""
    world = asking_world(session, client)
    question = world.question("这笔电费的发票在哪里？")
    ok(world.estate.post("member1", f"/inquiries/{question['id']}/answer", {"text": "在凭证里。"}),
       201)  # fmt: skip
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("the append-only triggers are PostgreSQL's")
    for statement in (
        "UPDATE inquiries SET text = 'changed'",
        "DELETE FROM inquiries",
        "UPDATE inquiry_answers SET text = 'changed'",
        "DELETE FROM inquiry_answers",
    ):
        with (
            pytest.raises(Exception, match="never changed"),
            session.get_bind().begin() as connection,
        ):
            connection.execute(text(statement))


def test_staff_pages_answer_a_question_and_acknowledge_its_alert(
    session: Session, client: TestClient[Litestar], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The committee's pages (token sign-in, form posts): the question list with its answer
    form, the alert page with its acknowledgement form; the steward sees neither form."""
    world = asking_world(session, client)
    estate = world.estate
    question = world.question("这笔电费的发票在哪里？")
    page_path = f"/staff/{estate.slug}/inquiries"
    steward_page = client.get(page_path, headers=estate.people["steward"])
    assert steward_page.status_code == 200 and "这笔电费的发票在哪里？" in steward_page.text
    assert "发布答复" not in steward_page.text and "待业委会答复" in steward_page.text
    member_page = client.get(page_path, headers=estate.people["member1"])
    assert "发布答复" in member_page.text and world.code not in member_page.text
    # the steward cannot post the form either
    refused = client.post(
        f"{page_path}/{question['id']}/answer",
        data={"text": "我来答"},
        headers=estate.people["steward"],
        follow_redirects=False,
    )
    assert refused.status_code == 403
    empty = client.post(
        f"{page_path}/{question['id']}/answer",
        data={"text": "  "},
        headers=estate.people["member1"],
        follow_redirects=False,
    )
    assert empty.status_code == 422 and "请写下答复" in empty.text
    done = client.post(
        f"{page_path}/{question['id']}/answer",
        data={"text": "发票见凭证。"},
        headers=estate.people["member1"],
        follow_redirects=False,
    )
    assert done.status_code == 303
    shown = client.get(done.headers["location"], headers=estate.people["member1"])
    assert "答复已发布" in shown.text and "发票见凭证。" in shown.text

    # alerts page: a planted unanswered question 20 days old
    second = world.question("一月的收入对吗？", line="fee-electricity")
    later = date.fromisoformat(second["asked_on"]) + timedelta(days=20)
    monkeypatch.setattr("trustfund.oversight.service.today_in", lambda _e: later)
    alerts_path = f"/staff/{estate.slug}/alerts"
    assert client.get(alerts_path, headers=estate.people["steward"]).status_code == 403
    listed = client.get(alerts_path, headers=estate.people["member1"])
    assert listed.status_code == 200 and "质询未答复" in listed.text
    # thresholds named in Chinese, every one of them
    from trustfund.oversight.alerts import DEFAULTS

    assert not [name for name in DEFAULTS if f"<dt>{name}</dt>" in listed.text]
    assert "质询几天未答复（天）" in listed.text
    assert f'href="/staff/{estate.slug}/inquiries#q{second["id"]}"' in listed.text
    key = f"inquiry:{second['id']}"
    no_note = client.post(
        f"{alerts_path}/acknowledge",
        data={"key": key, "note": ""},
        headers=estate.people["member1"],
        follow_redirects=False,
    )
    assert no_note.status_code == 422 and "请写明" in no_note.text
    acked = client.post(
        f"{alerts_path}/acknowledge",
        data={"key": key, "note": "已请业委会下次例会答复"},
        headers=estate.people["member1"],
        follow_redirects=False,
    )
    assert acked.status_code == 303
    after = client.get(acked.headers["location"], headers=estate.people["member1"])
    assert "已请业委会下次例会答复" in after.text and "已确认" in after.text
