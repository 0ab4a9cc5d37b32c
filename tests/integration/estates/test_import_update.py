"""Re-importing a register with added columns: update mode shows the changes first and
applies exactly what was shown (issue 13 item 2), from a new installation over HTTP."""

from __future__ import annotations

import csv
import io

import pytest

from tests.integration.estates.public_setup import Headers, Installation
from tests.integration.estates.test_import_samples import SAMPLES

H = "/api/v1/estates/yh/households"


def sample_rows() -> list[list[str]]:
    text = (SAMPLES / "households.csv").read_text(encoding="utf-8")
    return list(csv.reader(io.StringIO(text)))


def as_file(rows: list[list[str]]) -> dict[str, tuple[str, bytes, str]]:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return {"file": ("register.csv", out.getvalue().encode("utf-8"), "text/csv")}


FULL = sample_rows()
#: the first register had only the address, status and date (columns 0–5 of the sample)
BARE = [row[:6] for row in FULL]


@pytest.fixture
def yh(installation: Installation) -> tuple[Installation, Headers]:
    tf = installation
    tf.estate("yh")
    steward = tf.person("steward", "steward", "yh")
    first = tf.client.post(f"{H}/import", files=as_file(BARE), headers=steward)
    assert first.status_code == 201, first.text
    return tf, steward


def owners(tf: Installation, steward: Headers) -> dict[str, str | None]:
    items = tf.client.get(H, headers=steward).json()["items"]
    return {f"{h['building']}-{h['entrance']}-{h['room']}": h["owner_name"] for h in items}


def test_update_previews_then_applies_the_added_columns(yh: tuple[Installation, Headers]) -> None:
    tf, steward = yh
    plain = tf.client.post(f"{H}/import", files=as_file(FULL), headers=steward)
    assert plain.status_code == 422
    assert "update mode" in plain.json()["errors"][0]["reason"]

    preview = tf.client.post(
        f"{H}/import", params={"mode": "update"}, files=as_file(FULL), headers=steward
    )
    assert preview.status_code == 200, preview.text
    body = preview.json()
    assert body["applied"] is False and len(body["token"]) == 32
    assert (body["rows"], body["created"], body["changed"]) == (8, 0, 8)
    first = [c for c in body["changes"] if c["row"] == 2]
    assert [(c["address"], c["field"], c["old"], c["new"]) for c in first] == [
        ("1幢1单元101室", "owner_name", None, "王芳"),
        ("1幢1单元101室", "phone", None, "13800000001"),
        ("1幢1单元101室", "area_m2", None, "89.50"),
    ]
    # 3-1-503 has an empty owner cell: an empty cell changes nothing
    assert {c["field"] for c in body["changes"] if c["row"] == 8} == {"phone"}
    assert set(owners(tf, steward).values()) == {None}  # the preview wrote nothing

    wrong = tf.client.post(
        f"{H}/import",
        params={"mode": "update", "confirm": "0" * 32},
        files=as_file(FULL),
        headers=steward,
    )
    assert wrong.status_code == 409
    assert set(owners(tf, steward).values()) == {None}

    applied = tf.client.post(
        f"{H}/import",
        params={"mode": "update", "confirm": body["token"]},
        files=as_file(FULL),
        headers=steward,
    )
    assert applied.status_code == 201, applied.text
    assert applied.json()["applied"] is True
    assert applied.json()["changes"] == body["changes"]
    assert owners(tf, steward)["1-1-101"] == "王芳"
    assert owners(tf, steward)["3-1-503"] is None
    code = tf.client.get(H, params={"room": "101"}, headers=steward).json()["items"][0]["code"]
    changes = tf.client.get(f"{H}/{code}/changes", headers=steward).json()
    assert [(c["kind"], c["field"], c["new_value"], c["changed_by"]) for c in changes] == [
        ("import", "owner_name", "王芳", "steward"),
        ("import", "phone", "13800000001", "steward"),
        ("import", "area_m2", "89.50", "steward"),
    ]
    again = tf.client.post(
        f"{H}/import", params={"mode": "update"}, files=as_file(FULL), headers=steward
    ).json()
    assert (again["changed"], again["unchanged"], again["changes"]) == (0, 8, [])


def test_a_stale_preview_is_refused_and_occupancy_needs_a_later_date(
    yh: tuple[Installation, Headers],
) -> None:
    tf, steward = yh
    preview = tf.client.post(
        f"{H}/import", params={"mode": "update"}, files=as_file(FULL), headers=steward
    ).json()
    code = tf.client.get(H, params={"room": "102"}, headers=steward).json()["items"][0]["code"]
    meanwhile = tf.client.patch(f"{H}/{code}", json={"owner_name": "别人"}, headers=steward)
    assert meanwhile.status_code == 200
    stale = tf.client.post(
        f"{H}/import",
        params={"mode": "update", "confirm": preview["token"]},
        files=as_file(FULL),
        headers=steward,
    )
    assert stale.status_code == 409, stale.text
    assert owners(tf, steward)["1-1-101"] is None

    moved = [row[:] for row in BARE]
    moved[1][4] = "空户"  # 1-1-101 vacant, still "since 2026-01-01": would rewrite history
    refused = tf.client.post(
        f"{H}/import", params={"mode": "update"}, files=as_file(moved), headers=steward
    )
    assert refused.status_code == 422
    assert [e["field"] for e in refused.json()["errors"]] == ["rows[2].occupancy"]
    moved[1][5] = "2026-05-01"
    later = tf.client.post(
        f"{H}/import", params={"mode": "update"}, files=as_file(moved), headers=steward
    ).json()
    assert [(c["field"], c["old"], c["new"], c["effective_from"]) for c in later["changes"]] == [
        ("occupancy", "occupied", "vacant", "2026-05-01")
    ]
    done = tf.client.post(
        f"{H}/import",
        params={"mode": "update", "confirm": later["token"]},
        files=as_file(moved),
        headers=steward,
    )
    assert done.status_code == 201, done.text
    code = tf.client.get(H, params={"room": "101"}, headers=steward).json()["items"][0]["code"]
    history = tf.client.get(f"{H}/{code}", headers=steward).json()["occupancy_history"]
    assert [(r["status"], r["effective_from"]) for r in history] == [
        ("occupied", "2026-01-01"),
        ("vacant", "2026-05-01"),
    ]


def test_only_the_steward_updates_the_register(yh: tuple[Installation, Headers]) -> None:
    tf, _ = yh
    committee = tf.person("committee", "committee", "yh")
    answer = tf.client.post(
        f"{H}/import", params={"mode": "update"}, files=as_file(FULL), headers=committee
    )
    assert answer.status_code == 403
