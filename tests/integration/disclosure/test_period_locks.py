"""Period locks that cannot freeze the books (issue 13 item 4), over HTTP on both backends.

The estate is made through the API by an administrator; its people get tokens from the
factories and its books are opened by ``open_books`` (the opening-books API is another
part of issue 13). Everything about disclosures, locks, claims and payments then goes
through the routes a client uses. Each attack is the one an insider with a committee token
would try: lock the future, publish the current period to stop today's payments.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy.orm import Session

from tests.factories import auth_headers, make_user
from trustfund.auth.principal import Role
from trustfund.db.models.estates import Estate
from trustfund.estates.service import today_in
from trustfund.journal.service import open_books

SLUG = "xinqiao"


@dataclass
class People:
    base: str
    steward: dict[str, str]
    members: list[dict[str, str]]  # three committee members
    member_ids: list[int]
    today: dt.date


def _people(client: TestClient[Litestar], session: Session) -> People:
    _, admin = make_user(session, admin=True)
    session.rollback()
    made = client.post(
        "/api/v1/estates/",
        json={"slug": SLUG, "name": "新桥小区", "community": "新桥社区"},
        headers=auth_headers(admin),
    )
    assert made.status_code == 201, made.text
    estate = session.query(Estate).filter_by(slug=SLUG).one()
    open_books(
        session,
        estate.id,
        on=dt.date(2026, 1, 1),
        opening_balances={"maintenance": "5000.00"},  # type: ignore[dict-item]
    )
    session.commit()
    _, steward = make_user(session, Role.STEWARD, estate)
    members = [make_user(session, Role.COMMITTEE, estate) for _ in range(3)]
    today = today_in(estate)
    session.rollback()
    return People(
        base=f"/api/v1/estates/{SLUG}",
        steward=auth_headers(steward),
        members=[auth_headers(token) for _, token in members],
        member_ids=[user.id for user, _ in members],
        today=today,
    )


def _publish(client: TestClient[Litestar], p: People, period: str, **extra: Any) -> int:
    """Submit (steward), approve (one member, the disclosure rule) and publish ``period``."""
    made = client.post(
        f"{p.base}/disclosures/", json={"period": period, **extra}, headers=p.steward
    )
    assert made.status_code == 201, made.text
    vid = int(made.json()["id"])
    decided = client.post(
        f"{p.base}/disclosures/{vid}/decision", json={"decision": "approve"}, headers=p.members[0]
    )
    assert decided.status_code == 201, decided.text
    published = client.post(f"{p.base}/disclosures/{vid}/publish", headers=p.steward)
    assert published.status_code == 201, published.text
    return vid


def _claim(
    client: TestClient[Litestar], p: People, work_date: dt.date, amount: str = "120.00"
) -> int:
    """A claim approved by the committee (free-text line), not yet paid."""
    body = {
        "payee": "甬安维修公司",
        "fund": "maintenance",
        "expense_item": "Repairs",
        "description": "楼道灯维修",
        "work_date": work_date.isoformat(),
        "lines": [{"description": "材料", "unit": "项", "quantity": "1", "unit_price": amount}],
    }
    made = client.post(f"{p.base}/claims", json=body, headers=p.steward)
    assert made.status_code == 201, made.text
    cid = int(made.json()["id"])
    assert client.post(f"{p.base}/claims/{cid}/submit", headers=p.steward).status_code == 200
    request_id = client.get(f"{p.base}/claims/{cid}", headers=p.steward).json()["approval"][
        "request_id"
    ]
    ok = client.post(
        f"{p.base}/approvals/{request_id}/decision",
        json={"decision": "approve"},
        headers=p.members[1],
    )
    assert ok.json()["status"] == "approved", ok.text
    return cid


def _pay(client: TestClient[Litestar], p: People, cid: int, on: dt.date, key: str) -> Any:
    return client.post(
        f"{p.base}/claims/{cid}/pay",
        json={"paid_on": on.isoformat()},
        headers={**p.steward, "Idempotency-Key": key},
    )


def _month(day: dt.date) -> str:
    return f"{day.year}-{day.month:02d}"


def test_nobody_can_lock_the_future(client: TestClient[Litestar], session: Session) -> None:
    """The manual lock route is gone: a committee member (or anyone) cannot lock 2027–2099."""
    p = _people(client, session)
    freeze = {"start": "2027-01-01", "end": "2099-12-31", "reason": "冻结账本"}
    for who in (p.members[0], p.steward):
        refused = client.post(f"{p.base}/ledger/period-locks", json=freeze, headers=who)
        assert refused.status_code == 405
    assert client.get(f"{p.base}/ledger/period-locks", headers=p.steward).json() == []
    # nor can a disclosure of a future period be submitted, by any route of the API
    for period in ("2027", "2099Q4", f"{p.today.year + 1}-01", "2027-01-01..2031-12-31"):
        refused = client.post(f"{p.base}/disclosures/", json={"period": period}, headers=p.steward)
        assert refused.status_code == 422, period
        assert refused.json()["errors"][0]["field"] == "period"
        assert "has not ended yet" in refused.json()["errors"][0]["reason"]
    assert client.get(f"{p.base}/disclosures/", headers=p.steward).json() == []


def test_the_current_period_cannot_be_disclosed(
    client: TestClient[Litestar], session: Session
) -> None:
    """Publishing the current year (or month, quarter, a range ending today) would lock
    today's payments: it is refused, naming the period."""
    p = _people(client, session)
    q = (p.today.month - 1) // 3 + 1
    current = [
        str(p.today.year),
        f"{p.today.year}Q{q}",
        _month(p.today),
        f"{p.today.replace(day=1).isoformat()}..{p.today.isoformat()}",
    ]
    for period in current:
        refused = client.post(f"{p.base}/disclosures/", json={"period": period}, headers=p.steward)
        assert refused.status_code == 422, period
        [error] = refused.json()["errors"]
        assert error["field"] == "period" and "only an ended period" in error["reason"]
        assert p.today.isoformat() in error["reason"]
    # a range that ended yesterday has ended
    yesterday = p.today - dt.timedelta(days=1)
    ended = f"{yesterday.replace(day=1).isoformat()}..{yesterday.isoformat()}"
    if yesterday.month == p.today.month:
        vid = _publish(client, p, ended)
        assert client.get(f"{p.base}/disclosures/{vid}", headers=p.steward).json()["published"]
    # and today's payment still posts
    cid = _claim(client, p, p.today)
    paid = _pay(client, p, cid, p.today, "today")
    assert paid.status_code == 200, paid.text


def test_publishing_an_ended_period_locks_it_and_today_still_posts(
    client: TestClient[Litestar], session: Session
) -> None:
    p = _people(client, session)
    inside = _claim(client, p, dt.date(2026, 2, 10))
    _publish(client, p, "2026Q1")
    locks = client.get(f"{p.base}/ledger/period-locks", headers=p.steward).json()
    assert [(lock["start"], lock["end"]) for lock in locks] == [("2026-01-01", "2026-03-31")]
    # a payment dated inside the published quarter is refused, naming the period …
    refused = _pay(client, p, inside, dt.date(2026, 3, 20), "in-q1")
    assert refused.status_code == 409 and refused.json()["type"].endswith("period-locked")
    assert refused.json()["period"] == {"start": "2026-01-01", "end": "2026-03-31"}
    # … while today's payments post as before
    today_claim = _claim(client, p, p.today)
    assert _pay(client, p, today_claim, p.today, "today").status_code == 200


def test_work_in_a_locked_period_is_paid_after_it(
    client: TestClient[Litestar], session: Session
) -> None:
    """A claim for work done in February, approved before the first quarter was published,
    is paid in April: the payment's own date decides, and the cost is booked on that day
    (the locked quarter's published figures do not change)."""
    p = _people(client, session)
    cid = _claim(client, p, dt.date(2026, 2, 10), "300.00")
    vid = _publish(client, p, "2026Q1")
    paid_on = dt.date(2026, 4, 2)
    paid = _pay(client, p, cid, paid_on, "april")
    assert paid.status_code == 200, paid.text
    claim = paid.json()
    assert claim["status"] == "paid" and claim["paid_on"] == "2026-04-02"
    assert claim["payable_on"] == "2026-04-02"  # booked on the payment day, not in February
    entries = client.get(f"{p.base}/ledger/entries", headers=p.steward).json()["items"]
    payable = next(e for e in entries if e["kind"] == "payable")
    assert payable["date"] == "2026-04-02" and payable["meta"]["work_date"] == "2026-02-10"
    # the published quarter still matches the books: a fresh draft has the same figures
    published = client.get(f"{p.base}/disclosures/{vid}", headers=p.steward).json()
    draft = client.get(
        f"{p.base}/disclosures/draft", params={"period": "2026Q1"}, headers=p.steward
    ).json()
    assert draft["figures_sha256"] == published["figures_sha256"]
    # a claim whose work date is open keeps its work date
    later = _claim(client, p, dt.date(2026, 4, 5), "50.00")
    paid = _pay(client, p, later, dt.date(2026, 4, 9), "later")
    assert paid.json()["payable_on"] == "2026-04-05"


def test_ended_means_ended_in_the_estates_own_time_zone(
    client: TestClient[Litestar], session: Session
) -> None:
    """Whether a day has ended is decided by the estate's local date, not the server's UTC
    one. At any moment one of these zones (UTC+14, UTC−11) is on another date than UTC."""
    _, admin = make_user(session, admin=True)
    session.rollback()
    utc_today = dt.datetime.now(dt.UTC).date()
    for slug, zone in (("kiri", "Pacific/Kiritimati"), ("pago", "Pacific/Pago_Pago")):
        made = client.post(
            "/api/v1/estates/",
            json={"slug": slug, "name": "时区小区", "timezone": zone},
            headers=auth_headers(admin),
        )
        assert made.status_code == 201, made.text
        estate = session.query(Estate).filter_by(slug=slug).one()
        local_today = today_in(estate)
        _, steward = make_user(session, Role.STEWARD, estate)
        session.rollback()
        if local_today == utc_today:
            continue
        # the last day before the estate's today has ended there; its today has not
        for day, ended in ((local_today - dt.timedelta(days=1), True), (local_today, False)):
            answer = client.post(
                f"/api/v1/estates/{slug}/disclosures/",
                json={"period": f"{day.isoformat()}..{day.isoformat()}"},
                headers=auth_headers(steward),
            )
            assert answer.status_code == (201 if ended else 422), (zone, day, answer.text)
        return
    raise AssertionError("one of the two zones is always on another date than UTC")
