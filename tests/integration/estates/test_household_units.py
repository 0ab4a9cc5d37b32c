"""Merging and splitting units (合户 / 分户) over HTTP and the CLI, from a new installation:
who stays, who closes, the history, the rule for charges (issued charges stay where they
are, the next year charges the new shape once), and the insider's attempts."""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration.estates.public_setup import Headers, Installation
from tests.integration.estates.test_household_changes import code_at, history
from tests.integration.estates.test_import_samples import (
    SAMPLES,
    charges_ready,
    estate_with_register,
)
from tests.integration.fees.test_api import SCHEDULE
from trustfund.cli import main
from trustfund.estates.rules import CODE_RE

H = "/api/v1/estates/yh/households"
FEES = "/api/v1/estates/yh/fees"


@pytest.fixture
def yh(installation: Installation) -> tuple[Installation, Headers, Headers]:
    """Estate ``yh`` with the sample register (all since 2026-01-01) and its 2026 charges
    issued; its steward and a committee member."""
    steward, committee = estate_with_register(installation)
    charges_ready(installation, "yh", steward, committee)
    return installation, steward, committee


def account(tf: Installation, headers: Headers, code: str, year: int) -> dict[str, Any] | None:
    answer = tf.client.get(f"{FEES}/households/{code}/{year}", headers=headers)
    if answer.status_code == 404:
        return None
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def issue(tf: Installation, steward: Headers, committee: Headers, year: int) -> dict[str, Any]:
    """Approve ``year``'s schedule (if not yet) and issue its charges."""
    if tf.client.get(f"{FEES}/schedules/{year}", headers=steward).status_code == 404:
        saved = tf.client.put(f"{FEES}/schedules/{year}", json=SCHEDULE, headers=steward)
        assert saved.status_code == 200, saved.text
        approved = tf.client.post(
            f"{FEES}/schedules/{year}/approve",
            json={"content_hash": saved.json()["content_hash"]},
            headers=committee,
        )
        assert approved.status_code == 200, approved.text
    issued = tf.client.post(f"{FEES}/charges/{year}", headers=steward)
    assert issued.status_code == 200, issued.text
    return dict(issued.json())


def pay(tf: Installation, steward: Headers, code: str, year: int, amount: str, key: str) -> Any:
    return tf.client.post(
        f"{FEES}/payments",
        json={
            "method": "cash",
            "amount": amount,
            "paid_on": "2026-11-20",
            "allocations": [{"household_code": code, "fee_year": year, "amount": amount}],
        },
        headers={**steward, "Idempotency-Key": key},
    )


def arrears(tf: Installation, headers: Headers, year: int) -> dict[str, Any]:
    answer = tf.client.get(f"{FEES}/collection/{year}", headers=headers)
    assert answer.status_code == 200, answer.text
    return dict(answer.json()["overall"])


def test_merge_keeps_the_debt_where_it_was_and_charges_the_joined_unit_once(
    yh: tuple[Installation, Headers, Headers],
) -> None:
    tf, steward, committee = yh
    a, b = code_at(tf, steward, "1", "101"), code_at(tf, steward, "1", "102")
    assert pay(tf, steward, a, 2026, "200.00", "a-2026").status_code == 201
    before = arrears(tf, steward, 2026)
    assert account(tf, steward, b, 2026)["outstanding"] == "100.00"  # type: ignore[index]

    merged = tf.client.post(
        f"{H}/merge",
        json={"into": a, "codes": [b], "on": "2026-07-01", "note": "业主买下隔壁打通"},
        headers=steward,
    )
    assert merged.status_code == 201, merged.text
    body = merged.json()
    assert (body["kind"], body["closed"], body["charged_from"]) == ("merge", [b], 2027)
    survivor = body["households"][0]
    assert (survivor["code"], survivor["room"], survivor["area_m2"]) == (a, "101", "165.50")
    assert (survivor["owner_name"], survivor["closed_on"]) == ("王芳", None)
    assert body["kept_charges"] == [
        {"code": b, "fee_year": 2026, "charged": "100.00", "outstanding": "100.00"}
    ]
    closed = tf.client.get(f"{H}/{b}", headers=steward).json()
    assert closed["closed_on"] == "2026-07-01"
    listed = {h["code"]: h for h in tf.client.get(H, headers=steward).json()["items"]}
    assert listed[b]["closed_on"] == "2026-07-01"  # still listed

    assert history(tf, steward, a) == [
        ("merge", "area_m2", "89.50", "165.50", "steward", "api"),
        ("merge", "merged_from", None, b, "steward", "api"),
    ]
    assert history(tf, steward, b) == [("merge", "merged_into", None, a, "steward", "api")]

    # the debt was not hidden: still owed by b, still in the arrears, still payable to b
    assert arrears(tf, steward, 2026) == before
    assert account(tf, steward, b, 2026)["outstanding"] == "100.00"  # type: ignore[index]
    assert account(tf, steward, a, 2026)["outstanding"] == "0.00"  # type: ignore[index]
    assert pay(tf, steward, b, 2026, "100.00", "b-2026").status_code == 201
    assert account(tf, steward, b, 2026)["outstanding"] == "0.00"  # type: ignore[index]

    # a closed household is history: it changes no more, and is not merged again
    assert tf.client.patch(f"{H}/{b}", json={"phone": None}, headers=steward).status_code == 409
    refused = tf.client.post(f"{H}/{b}/move-in", json={"on": "2026-09-01"}, headers=steward)
    assert refused.status_code == 409 and refused.json()["errors"][0]["field"] == "code"
    again = tf.client.post(
        f"{H}/merge", json={"into": b, "codes": [a], "on": "2026-09-01"}, headers=steward
    )
    assert again.status_code == 409 and again.json()["errors"][0]["field"] == "into"

    # nor through the register: an update import may not change a closed household
    sample = (SAMPLES / "households.csv").read_text(encoding="utf-8")
    changed = sample.replace("李强,13800000002", "李强强,13800000002").encode()
    imported = tf.client.post(
        f"{H}/import",
        params={"mode": "update"},
        files={"file": ("households.csv", changed, "text/csv")},
        headers=steward,
    )
    assert imported.status_code == 422, imported.text
    assert [e["field"] for e in imported.json()["errors"]] == ["rows[3].room"]
    assert "closed on 2026-07-01" in imported.json()["errors"][0]["reason"]

    issued = issue(tf, steward, committee, 2027)
    assert (issued["issued"], issued["already_charged"]) == (7, 0)  # 8 households, b closed
    assert account(tf, steward, a, 2027)["charged"] == "200.00"  # type: ignore[index]
    assert account(tf, steward, b, 2027) is None
    assert issue(tf, steward, committee, 2027)["issued"] == 0  # the survivor once only


def test_split_makes_new_households_charged_from_the_next_year(
    yh: tuple[Installation, Headers, Headers],
) -> None:
    tf, steward, committee = yh
    original = code_at(tf, steward, "3", "501")
    before = arrears(tf, steward, 2026)
    split = tf.client.post(
        f"{H}/{original}/split",
        json={
            "on": "2026-08-01",
            "note": "大套分成两户",
            "parts": [
                {"room": "501-1", "area_m2": "60"},
                {
                    "room": "501-2",
                    "area_m2": "45.00",
                    "occupancy": "vacant",
                    "owner_name": "陈新",
                    "phone": "13700000011",
                },
            ],
        },
        headers=steward,
    )
    assert split.status_code == 201, split.text
    body = split.json()
    assert (body["kind"], body["closed"], body["charged_from"]) == ("split", [original], 2027)
    made = body["households"]
    codes = [h["code"] for h in made]
    assert all(CODE_RE.fullmatch(c) for c in codes) and original not in codes
    assert len(set(codes)) == 2
    assert [(h["room"], h["area_m2"], h["owner_name"], h["formed_on"]) for h in made] == [
        ("501-1", "60.00", "陈静", "2026-08-01"),
        ("501-2", "45.00", "陈新", "2026-08-01"),
    ]
    assert [h["occupancy_history"][0]["status"] for h in made] == ["occupied", "vacant"]
    assert body["kept_charges"] == [  # the unpaid 2026 charge stays with the original
        {"code": original, "fee_year": 2026, "charged": "200.00", "outstanding": "200.00"}
    ]
    assert arrears(tf, steward, 2026) == before
    assert history(tf, steward, original) == [
        ("split", "split_into", None, codes[0], "steward", "api"),
        ("split", "split_into", None, codes[1], "steward", "api"),
    ]
    assert history(tf, steward, codes[1]) == [
        ("split", "split_from", None, original, "steward", "api")
    ]

    # the year of the split stays charged to the original only
    assert issue(tf, steward, committee, 2026)["issued"] == 0
    assert all(account(tf, steward, c, 2026) is None for c in codes)
    assert account(tf, steward, original, 2026)["charged"] == "200.00"  # type: ignore[index]
    issued = issue(tf, steward, committee, 2027)
    assert issued["issued"] == 9  # 7 untouched + 2 new; the original not
    assert account(tf, steward, original, 2027) is None
    assert [account(tf, steward, c, 2027)["charged"] for c in codes] == [  # type: ignore[index]
        "200.00",
        "100.00",
    ]


def test_refusals_name_the_field_and_write_nothing(
    yh: tuple[Installation, Headers, Headers],
) -> None:
    tf, steward, committee = yh
    tf.estate("lt", "柳亭小区")
    other = tf.person("other", "steward", "lt")
    foreign = tf.client.post(
        "/api/v1/estates/lt/households",
        json={"building": "1", "entrance": "1", "room": "103", "occupancy": "occupied"},
        headers=other,
    ).json()["code"]
    a, b = code_at(tf, steward, "1", "101"), code_at(tf, steward, "1", "102")
    c, d = code_at(tf, steward, "1", "201"), code_at(tf, steward, "3", "501")

    def merge(body: dict[str, Any], headers: Headers = steward) -> tuple[int, list[str]]:
        answer = tf.client.post(f"{H}/merge", json=body, headers=headers)
        return answer.status_code, [e["field"] for e in answer.json().get("errors", [])]

    def split(code: str, body: dict[str, Any]) -> tuple[int, list[str]]:
        answer = tf.client.post(f"{H}/{code}/split", json=body, headers=steward)
        return answer.status_code, [e["field"] for e in answer.json().get("errors", [])]

    on = "2026-07-01"
    # another estate's household reads as unknown here (its existence is not revealed)
    assert merge({"into": a, "codes": [foreign], "on": on}) == (422, ["codes[0]"])
    assert merge({"into": a, "codes": [b, b], "on": on}) == (422, ["codes[1]"])
    assert merge({"into": a, "codes": [a], "on": on}) == (422, ["codes[0]"])
    assert merge({"into": a, "codes": [], "on": on}) == (422, ["codes"])
    assert merge({"into": a, "codes": [d], "on": on}) == (422, ["codes[0]"])  # building 3
    assert merge({"into": a, "codes": [b], "on": "2099-01-01"}) == (422, ["on"])
    assert merge({"into": a, "codes": [b], "on": "2025-12-31"}) == (409, ["on"])
    assert merge({"into": a, "codes": [c], "on": on, "area_m2": "-1"}) == (422, ["area_m2"])
    assert merge({"into": a, "codes": [c], "on": on, "room": "102"}) == (409, ["room"])  # b's
    assert merge({"into": a, "codes": [c], "on": on, "phone": "123"}) == (422, ["phone"])
    # only the steward keeps the register; another estate's steward does not see this one
    assert merge({"into": a, "codes": [b], "on": on}, committee)[0] == 403
    assert merge({"into": a, "codes": [b], "on": on}, other)[0] == 404

    moved = tf.client.post(f"{H}/{c}/move-out", json={"on": "2026-09-01"}, headers=steward)
    assert moved.status_code == 201
    assert merge({"into": a, "codes": [c], "on": "2026-08-01"}) == (409, ["on"])

    parts = [{"room": "501-1", "area_m2": "60"}, {"room": "502", "area_m2": "45"}]
    assert split(d, {"on": on, "parts": parts}) == (409, ["parts[1].room"])  # 502 exists
    bad = [{"room": "", "area_m2": "0"}, {"room": "501-2", "area_m2": "abc"}]
    assert split(d, {"on": on, "parts": bad}) == (
        422,
        ["parts[0].room", "parts[0].area_m2", "parts[1].area_m2"],
    )
    same = [{"room": "501-1", "area_m2": "1"}, {"room": "501-1室", "area_m2": "2"}]
    assert split(d, {"on": on, "parts": same}) == (422, ["parts[1].room"])
    assert split(d, {"on": on, "parts": parts[:1]}) == (422, ["parts"])
    assert split(foreign, {"on": on, "parts": parts})[0] == 404

    # nothing half-written: the register and every history are as they were
    assert tf.client.get(H, headers=steward).json()["total"] == 8
    for code in (a, b, d):
        assert history(tf, steward, code) == []
    assert tf.client.get(f"{H}/{a}", headers=steward).json()["area_m2"] == "89.50"


def test_a_charge_issued_for_a_later_year_refuses_the_merge(
    yh: tuple[Installation, Headers, Headers],
) -> None:
    """The 2027 charges were issued in advance and b prepaid: merging b away before
    1 January 2027 would leave b charged (and paid) for a year it does not exist in, or move
    its money silently. Refused; b's prepayment stays where it was paid."""
    tf, steward, committee = yh
    a, b = code_at(tf, steward, "3", "503"), code_at(tf, steward, "3", "504")
    issue(tf, steward, committee, 2027)
    assert pay(tf, steward, b, 2027, "200.00", "b-2027").status_code == 201
    refused = tf.client.post(
        f"{H}/merge", json={"into": a, "codes": [b], "on": "2026-11-30"}, headers=steward
    )
    assert refused.status_code == 409, refused.text
    problem = refused.json()
    assert problem["errors"][0]["field"] == "on" and "2027" in problem["errors"][0]["reason"]
    split = tf.client.post(
        f"{H}/{b}/split",
        json={
            "on": "2026-11-30",
            "parts": [{"room": "504-1", "area_m2": "40"}, {"room": "504-2", "area_m2": "48"}],
        },
        headers=steward,
    )
    assert split.status_code == 409 and split.json()["errors"][0]["field"] == "on"
    assert account(tf, steward, b, 2027)["paid"] == "200.00"  # type: ignore[index]
    assert history(tf, steward, a) == [] and history(tf, steward, b) == []

    # the survivor's own advance charge is no obstacle: it goes on being charged
    late = tf.client.post(
        H,
        json={
            "building": "3",
            "entrance": "1",
            "room": "505",
            "occupancy": "vacant",
            "since": "2026-11-01",
        },
        headers=steward,
    )
    assert late.status_code == 201, late.text
    newcomer = late.json()["code"]
    into_b = tf.client.post(
        f"{H}/merge", json={"into": b, "codes": [newcomer], "on": "2026-11-30"}, headers=steward
    )
    assert into_b.status_code == 201, into_b.text
    assert issue(tf, steward, committee, 2027)["issued"] == 0  # the newcomer closed in 2026
    assert account(tf, steward, newcomer, 2027) is None
    assert account(tf, steward, b, 2027)["charged"] == "200.00"  # type: ignore[index]


def test_merge_and_split_from_the_command_line(
    yh: tuple[Installation, Headers, Headers],
) -> None:
    tf, steward, _ = yh
    a, b = code_at(tf, steward, "1", "201"), code_at(tf, steward, "1", "202")
    out = tf.cli(
        "households",
        "merge",
        "yh",
        a,
        b,
        "--on",
        "2026-06-01",
        "--room",
        "201-202",
        "--area",
        "150",
        "--user",
        "steward",
        "--note",
        "合户",
    )
    assert f"{a}\t1幢2单元201-202室\toccupied\t150.00 m²" in out
    assert f"closed from 2026-06-01: {b}" in out and "from fee year 2027" in out
    assert f"kept with {b}: 2026 charged 200.00, outstanding 200.00" in out
    listed = tf.cli("households", "list", "yh", "--building", "1")
    assert f"{b}\t1幢2单元202室\toccupied\tclosed 2026-06-01" in listed
    shown = tf.cli("households", "history", "yh", b)
    assert f"steward\tcli\tmerge\tmerged_into: - -> {a} from 2026-06-01\t合户" in shown

    d = code_at(tf, steward, "3", "501")
    out = tf.cli(
        "households",
        "split",
        "yh",
        d,
        "--on",
        "2026-06-01",
        "--part",
        "501-1:60",
        "--part",
        "501-2:45:vacant",
    )
    assert f"closed from 2026-06-01: {d}" in out
    assert "3幢1单元501-1室\toccupied\t60.00 m²" in out
    assert "3幢1单元501-2室\tvacant\t45.00 m²" in out

    refused = tf.runner.invoke(
        main,
        ["households", "merge", "yh", a, b, "--on", "2026-07-01"],
    )
    assert refused.exit_code != 0 and "closed" in refused.output
    committee_try = tf.runner.invoke(
        main,
        [
            "households",
            "split",
            "yh",
            a,
            "--on",
            "2026-07-01",
            "--part",
            "1:1",
            "--part",
            "2:2",
            "--user",
            "committee",
        ],
    )
    assert committee_try.exit_code != 0
    assert tf.client.get(f"{H}/{a}", headers=steward).json()["closed_on"] is None
    for command in ("merge", "split"):
        helped = tf.cli("households", command, "--help")
        assert "1 January" in helped and "--on" in helped


def test_the_openapi_description_states_the_rule_for_charges(installation: Installation) -> None:
    paths = installation.client.get("/schema/openapi.json").json()["paths"]
    base = "/api/v1/estates/{estate_slug}/households"
    for path in (f"{base}/merge", f"{base}/{{code}}/split"):
        described = paths[path]["post"]["description"]
        assert "Charges already issued stay with the household they were issued to" in described
        assert "never a silent transfer" in described and "409" in described
