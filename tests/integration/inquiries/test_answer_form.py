"""The committee's answer form on the staff questions page, through the HTTP client: every
refusal is said in Chinese from the catalog next to the question it answers, and nothing is
published — an empty or too long answer, one naming an owner, one by the steward (whom the
rule does not name), a second answer to an answered question."""

from __future__ import annotations

import html

from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy.orm import Session

from tests.integration.inquiries.test_inquiries import OWNER, PHONE, asking_world
from trustfund.inquiries import service
from trustfund.messages import Message
from trustfund.web.staff import zh


def said(code: str, **params: object) -> str:
    return zh.say(Message(code, **params))


def test_refused_answers_are_said_in_chinese_and_publish_nothing(
    session: Session, client: TestClient[Litestar]
) -> None:
    world = asking_world(session, client)
    estate = world.estate
    question = world.question("二月电费为什么这么高？")
    url = f"/staff/{estate.slug}/inquiries/{question['id']}/answer"
    member = estate.people["member1"]

    def answers() -> object:
        return client.get(world.public, params={"line": f"exp-{world.claim_seq}"}).json()

    before = answers()
    cases = [
        ("  ", said("web.answer_required")),
        ("长" * (service.MAX_ANSWER + 1), said("web.answer_too_long", limit=service.MAX_ANSWER)),
        (f"请联系{OWNER}，电话 {PHONE}", said("web.answer_personal_data")),
    ]
    for text, chinese in cases:
        refused = client.post(url, data={"text": text}, headers=member)
        assert refused.status_code == 422, (text[:20], refused.text[:300])
        page = html.unescape(refused.text)
        assert chinese in page, text[:20]
        assert text.strip() == "" or text[:50] in page  # what was typed is kept
    assert answers() == before

    done = client.post(url, data={"text": "电费单见凭证。"}, headers=member, follow_redirects=False)
    assert done.status_code == 303
    published = answers()
    again = client.post(url, data={"text": "再答一次"}, headers=member)
    assert again.status_code == 409
    assert said("web.answered_already") in html.unescape(again.text)
    assert answers() == published
    missing = client.post(
        f"/staff/{estate.slug}/inquiries/99999/answer", data={"text": "答"}, headers=member
    )
    assert missing.status_code == 404
