"""Households after import, over HTTP from a new installation: corrections, moves and
occupancy changes with their history, the rule for charges, and the insider's attempts."""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration.estates.public_setup import Headers, Installation
from tests.integration.estates.test_import_samples import charges_ready, estate_with_register
from tests.integration.fees.test_api import SCHEDULE

H = "/api/v1/estates/yh/households"


@pytest.fixture
def yh(installation: Installation) -> tuple[Installation, Headers, Headers]:
    """Estate ``yh`` with the sample register; its steward and a committee member."""
    steward, committee = estate_with_register(installation)
    return installation, steward, committee


def code_at(tf: Installation, headers: Headers, building: str, room: str, slug: str = "yh") -> str:
    found = tf.client.get(
        f"/api/v1/estates/{slug}/households",
        params={"building": building, "room": room},
        headers=headers,
    ).json()["items"]
    assert len(found) == 1, found
    return str(found[0]["code"])


def history(tf: Installation, headers: Headers, code: str) -> list[tuple[Any, ...]]:
    answer = tf.client.get(f"{H}/{code}/changes", headers=headers)
    assert answer.status_code == 200, answer.text
    return [
        (c["kind"], c["field"], c["old_value"], c["new_value"], c["changed_by"], c["via"])
        for c in answer.json()
    ]


def test_corrections_keep_the_code_and_are_kept_in_history(
    yh: tuple[Installation, Headers, Headers],
) -> None:
    tf, steward, _ = yh
    code = code_at(tf, steward, "1", "101")
    fixed = tf.client.patch(
        f"{H}/{code}",
        json={
            "room": "103室",
            "owner_name": "王芳芳",
            "phone": "139 0000 0001",
            "area_m2": "90.00",
            "note": "门牌写错",
        },
        headers=steward,
    )
    assert fixed.status_code == 200, fixed.text
    body = fixed.json()
    assert body["code"] == code
    assert (body["room"], body["owner_name"], body["phone"], body["area_m2"]) == (
        "103",
        "王芳芳",
        "13900000001",
        "90.00",
    )
    assert code_at(tf, steward, "1", "103") == code
    assert history(tf, steward, code) == [
        ("correct", "room", "101", "103", "steward", "api"),
        ("correct", "owner_name", "王芳", "王芳芳", "steward", "api"),
        ("correct", "phone", "13800000001", "13900000001", "steward", "api"),
        ("correct", "area_m2", "89.50", "90.00", "steward", "api"),
    ]
    notes = {c["note"] for c in tf.client.get(f"{H}/{code}/changes", headers=steward).json()}
    assert notes == {"门牌写错"}

    cleared = tf.client.patch(f"{H}/{code}", json={"phone": None}, headers=steward)
    assert cleared.status_code == 200 and cleared.json()["phone"] is None
    assert history(tf, steward, code)[-1] == (
        "correct",
        "phone",
        "13900000001",
        None,
        "steward",
        "api",
    )

    moved_building = tf.client.patch(f"{H}/{code}", json={"building": "5幢"}, headers=steward)
    assert moved_building.status_code == 200, moved_building.text
    buildings = tf.client.get("/api/v1/estates/yh/buildings", headers=steward).json()
    assert {b["number"] for b in buildings} == {"1", "3", "5"}

    taken = tf.client.patch(f"{H}/{code}", json={"building": "1", "room": "102"}, headers=steward)
    assert taken.status_code == 409, taken.text
    assert taken.json()["errors"][0]["field"] == "room"
    bad = tf.client.patch(
        f"{H}/{code}", json={"phone": "12345", "area_m2": "-3", "room": ""}, headers=steward
    )
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {"phone", "area_m2", "room"}
    nothing = tf.client.patch(f"{H}/{code}", json={"note": "只写备注"}, headers=steward)
    assert nothing.status_code == 422
    after = tf.client.get(f"{H}/{code}", headers=steward).json()
    assert (after["building"], after["room"], after["area_m2"]) == ("5", "103", "90.00")
    assert len(history(tf, steward, code)) == 6  # refused requests left no trace


def test_move_out_and_a_new_owner_moving_in(yh: tuple[Installation, Headers, Headers]) -> None:
    tf, steward, _ = yh
    code = code_at(tf, steward, "3", "501")
    out = tf.client.post(
        f"{H}/{code}/move-out", json={"on": "2026-07-01", "note": "出售"}, headers=steward
    )
    assert out.status_code == 201, out.text
    assert [(r["status"], r["effective_from"]) for r in out.json()["occupancy_history"]] == [
        ("occupied", "2026-01-01"),
        ("vacant", "2026-07-01"),
    ]
    again = tf.client.post(f"{H}/{code}/move-out", json={"on": "2026-08-01"}, headers=steward)
    assert again.status_code == 422  # already vacant
    back = tf.client.post(f"{H}/{code}/move-in", json={"on": "2026-06-01"}, headers=steward)
    assert back.status_code == 409  # before the latest change: history is never rewritten
    moved_in = tf.client.post(
        f"{H}/{code}/move-in",
        json={"on": "2026-09-01", "owner_name": "周新", "phone": "13700000009"},
        headers=steward,
    )
    assert moved_in.status_code == 201, moved_in.text
    assert (moved_in.json()["occupancy"], moved_in.json()["owner_name"]) == ("occupied", "周新")
    occupied = tf.client.post(f"{H}/{code}/move-in", json={"on": "2026-10-01"}, headers=steward)
    assert occupied.status_code == 422
    assert history(tf, steward, code) == [
        ("move_out", "occupancy", "occupied", "vacant", "steward", "api"),
        ("move_in", "occupancy", "vacant", "occupied", "steward", "api"),
        ("move_in", "owner_name", "陈静", "周新", "steward", "api"),
        ("move_in", "phone", "13800000005", "13700000009", "steward", "api"),
    ]


def test_an_insider_cannot_edit_what_is_not_theirs(
    yh: tuple[Installation, Headers, Headers],
) -> None:
    tf, steward, committee = yh
    tf.estate("lt", "柳亭小区")
    other = tf.person("other", "steward", "lt")
    theirs = tf.client.post(
        "/api/v1/estates/lt/households",
        json={"building": "1", "entrance": "1", "room": "101", "occupancy": "occupied"},
        headers=other,
    )
    assert theirs.status_code == 201
    foreign = theirs.json()["code"]
    code = code_at(tf, steward, "1", "102")
    patch = {"owner_name": "冒名"}
    # a committee member reads but does not keep the register
    assert tf.client.patch(f"{H}/{code}", json=patch, headers=committee).status_code == 403
    for action in ("move-out", "move-in"):
        refused = tf.client.post(
            f"{H}/{code}/{action}", json={"on": "2026-12-01"}, headers=committee
        )
        assert refused.status_code == 403
    # another estate's steward does not learn the estate exists
    assert tf.client.patch(f"{H}/{code}", json=patch, headers=other).status_code == 404
    assert tf.client.get(f"{H}/{code}/changes", headers=other).status_code == 404
    # nor can a steward reach another estate's household through their own estate
    assert tf.client.patch(f"{H}/{foreign}", json=patch, headers=steward).status_code == 404
    assert (
        tf.client.post(
            f"{H}/{foreign}/move-out", json={"on": "2026-12-01"}, headers=steward
        ).status_code
        == 404
    )
    assert tf.client.patch(f"{H}/{code}", json=patch).status_code == 401
    assert tf.client.get(f"{H}/{code}", headers=steward).json()["owner_name"] == "李强"
    assert history(tf, steward, code) == []
    assert (
        tf.client.get(f"/api/v1/estates/lt/households/{foreign}", headers=other).json()[
            "owner_name"
        ]
        is None
    )


def test_issued_charges_stay_a_change_counts_from_the_next_year(
    yh: tuple[Installation, Headers, Headers],
) -> None:
    tf, steward, committee = yh
    early = tf.client.post(
        H,
        json={
            "building": "9",
            "entrance": "1",
            "room": "101",
            "occupancy": "occupied",
            "since": "2025-01-01",
        },
        headers=steward,
    )
    assert early.status_code == 201, early.text
    early_code = early.json()["code"]
    charges_ready(tf, "yh", steward, committee)  # 2026 charged: 8 sample households + this one
    code = code_at(tf, steward, "1", "101")
    fees = "/api/v1/estates/yh/fees"

    def charged(household: str, year: int) -> str:
        answer = tf.client.get(f"{fees}/households/{household}/{year}", headers=steward)
        assert answer.status_code == 200, answer.text
        return str(answer.json()["charged"])

    assert charged(code, 2026) == "200.00"
    out = tf.client.post(f"{H}/{code}/move-out", json={"on": "2026-07-01"}, headers=steward)
    assert out.status_code == 201 and out.json()["charges_to_review"] == []
    assert charged(code, 2026) == "200.00"  # issued charges never change

    backdated = tf.client.post(
        f"{H}/{early_code}/occupancy",
        json={"status": "vacant", "effective_from": "2025-12-01", "note": "去年底已搬走"},
        headers=steward,
    )
    assert backdated.status_code == 201, backdated.text
    assert backdated.json()["charges_to_review"] == [2026]
    assert charged(early_code, 2026) == "200.00"
    assert tf.client.get(f"{H}/{early_code}", headers=steward).json()["charges_to_review"] == [2026]

    saved = tf.client.put(f"{fees}/schedules/2027", json=SCHEDULE, headers=steward)
    assert saved.status_code == 200, saved.text
    approved = tf.client.post(
        f"{fees}/schedules/2027/approve",
        json={"content_hash": saved.json()["content_hash"]},
        headers=committee,
    )
    assert approved.status_code == 200, approved.text
    issued = tf.client.post(f"{fees}/charges/2027", headers=steward)
    assert issued.status_code == 200, issued.text
    assert charged(code, 2027) == "100.00"  # vacant on 1 January 2027: the vacancy fee
    assert charged(early_code, 2027) == "100.00"
    assert tf.client.get(f"{H}/{code}", headers=steward).json()["charges_to_review"] == []
