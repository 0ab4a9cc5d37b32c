"""Submit → approve → publish over HTTP: four eyes, approval bound to the figures, the write-
once snapshot with the ledger head, the period lock, corrections, the public reads."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
from datetime import date
from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy import Engine, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from tests.factories import auth_headers
from tests.integration.disclosure.conftest import World, payout
from trustfund.db.models.disclosure import DisclosureSnapshot
from trustfund.db.models.journal import LedgerHead
from trustfund.disclosure.statements import canonical_json
from trustfund.errors import PeriodLockedError
from trustfund.journal import service

BASE = "/api/v1/estates/youhe/disclosures"
PUBLIC = "/api/v1/public/estates/youhe/disclosures"


def _submit(client: TestClient[Litestar], w: World, **body: object) -> dict:  # type: ignore[type-arg]
    r = client.post(
        BASE + "/", json={"period": "2026Q1", **body}, headers=auth_headers(w.steward[1])
    )
    assert r.status_code == 201, r.text
    return r.json()  # type: ignore[no-any-return]


def _approve(client: TestClient[Litestar], w: World, vid: int, token: str) -> object:
    return client.post(
        f"{BASE}/{vid}/decision", json={"decision": "approve"}, headers=auth_headers(token)
    )


def _publish(client: TestClient[Litestar], w: World, vid: int) -> object:
    return client.post(f"{BASE}/{vid}/publish", headers=auth_headers(w.steward[1]))


def test_draft_preview_and_period_errors(client: TestClient[Litestar], world: World) -> None:
    r = client.get(
        BASE + "/draft", params={"period": "2026Q1"}, headers=auth_headers(world.committee1[1])
    )
    assert r.status_code == 200
    assert r.json()["statement"]["period"]["title"] == "2026年第一季度"
    bad = client.get(
        BASE + "/draft", params={"period": "2026Q9"}, headers=auth_headers(world.steward[1])
    )
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "period"


def test_full_workflow(
    client: TestClient[Litestar], world: World, session: Session, engine: Engine
) -> None:
    w = world
    version = _submit(client, w, note="一季度公示")
    vid = version["id"]
    assert version["status"] == "submitted" and version["approval_status"] == "pending"
    # the submitter cannot approve (nor can a steward: wrong role)
    assert _approve(client, w, vid, w.steward[1]).status_code == 403  # type: ignore[attr-defined]
    # not approved yet: publishing is refused
    assert _publish(client, w, vid).status_code == 409  # type: ignore[attr-defined]
    r = _approve(client, w, vid, w.committee1[1])
    assert r.status_code == 201, r.text  # type: ignore[attr-defined]
    assert r.json()["approval_status"] == "approved"  # type: ignore[attr-defined]

    # a posting dated in the period after approval changes the figures: publishing refused
    service.post_entry(
        session,
        w.estate.id,
        payout(date(2026, 3, 30), "45.00", payee="五金店", voucher="PZ-9"),
        idempotency_key="late-q1",
    )
    session.commit()
    refused = _publish(client, w, vid)
    assert refused.status_code == 409  # type: ignore[attr-defined]
    assert refused.json()["figures_changed"] is True  # type: ignore[attr-defined]
    assert client.get(PUBLIC + "/").json()["disclosures"] == []
    # nothing was locked by the refused publication
    session.rollback()
    assert service.period_locks(session, w.estate.id) == []
    session.rollback()

    # resubmit with the new figures; the old approval does not carry over
    again = client.post(f"{BASE}/{vid}/submit", headers=auth_headers(w.steward[1]))
    assert again.status_code == 201 and again.json()["approval_status"] == "pending"
    assert _publish(client, w, vid).status_code == 409  # type: ignore[attr-defined]
    assert _approve(client, w, vid, w.committee2[1]).status_code == 201  # type: ignore[attr-defined]
    published = _publish(client, w, vid)
    assert published.status_code == 201, published.text  # type: ignore[attr-defined]
    facts = published.json()["published"]  # type: ignore[attr-defined]

    head = session.get(LedgerHead, w.estate.id)
    assert head is not None
    assert (facts["ledger_seq"], facts["ledger_hash"]) == (head.last_seq, head.last_hash)
    snap = session.scalars(select(DisclosureSnapshot)).one()
    assert hashlib.sha256(snap.pdf).hexdigest() == facts["pdf_sha256"] == snap.pdf_sha256
    assert hashlib.sha256(snap.html.encode()).hexdigest() == snap.html_sha256
    assert hashlib.sha256(snap.statement_json.encode()).hexdigest() == snap.json_sha256
    assert snap.pdf.startswith(b"%PDF")
    statement = json.loads(snap.statement_json)
    assert canonical_json(statement).decode() == snap.statement_json
    assert "五金店" in snap.html  # the late posting is in what was published
    original_pdf = snap.pdf
    session.rollback()

    # the period is locked: postings dated in it are refused, later dates are fine
    with pytest.raises(PeriodLockedError):
        service.post_entry(
            session,
            w.estate.id,
            payout(date(2026, 2, 1), "10.00", payee="五金店", voucher="PZ-10"),
            idempotency_key="after-publish",
        )
    session.rollback()
    service.post_entry(
        session,
        w.estate.id,
        payout(date(2026, 4, 2), "10.00", payee="五金店", voucher="PZ-11"),
        idempotency_key="q2",
    )
    session.commit()
    posted = client.post(
        "/api/v1/estates/youhe/ledger/entries",
        json={
            "date": "2026-03-15",
            "narration": "补记",
            "legs": [
                {"account": "Expenses:Maintenance:Materials", "amount": "5.00"},
                {"account": "Expenses:Maintenance:Repairs", "amount": "-5.00"},
            ],
        },
        headers={**auth_headers(w.steward[1]), "Idempotency-Key": "k1"},
    )
    assert posted.status_code == 409 and posted.json()["type"].endswith("period-locked")

    # a second plain version of a published period is refused; a correction is accepted
    dup = client.post(BASE + "/", json={"period": "2026Q1"}, headers=auth_headers(w.steward[1]))
    assert dup.status_code == 409
    no_reason = client.post(
        BASE + "/",
        json={"period": "2026Q1", "supersedes_id": vid},
        headers=auth_headers(w.steward[1]),
    )
    assert no_reason.status_code == 422
    correction = _submit(client, w, supersedes_id=vid, correction_reason="补充期初余额来源说明")
    cid = correction["id"]
    assert correction["number"] == 2
    assert _approve(client, w, cid, w.committee1[1]).status_code == 201  # type: ignore[attr-defined]
    assert _publish(client, w, cid).status_code == 201  # type: ignore[attr-defined]

    listing = client.get(PUBLIC + "/").json()["disclosures"]
    assert [
        (d["version_id"], d["number"], d["superseded_by_id"], d["supersedes_id"]) for d in listing
    ] == [
        (cid, 2, None, vid),
        (vid, 1, cid, None),
    ]
    doc = client.get(f"{PUBLIC}/{cid}").json()
    assert doc["publication"]["supersedes"] == {"version_id": vid, "number": 1}
    assert doc["publication"]["correction_reason"] == "补充期初余额来源说明"
    assert [a["role"] for a in doc["publication"]["signatures"]["approved"]] == ["业委会委员"]
    pdf = client.get(f"{PUBLIC}/{vid}.pdf")
    assert pdf.status_code == 200 and pdf.content == original_pdf  # still the original, unchanged
    assert client.get(f"{PUBLIC}/{vid}.csv").status_code == 200
    assert client.get(f"{PUBLIC}/{vid}.xlsx").content[:2] == b"PK"
    assert client.get(f"{PUBLIC}/{vid}.doc").status_code == 404
    assert client.get(f"{PUBLIC}/999").status_code == 404
    for path in ("/e/youhe", f"/e/youhe/d/{vid}", f"/e/youhe/d/{cid}", "/e/youhe/verify"):
        page = client.get(path)
        assert page.status_code == 200 and '<html lang="zh-CN">' in page.text
    assert facts["ledger_hash"] in client.get("/e/youhe/verify").text
    receipt = client.get("/e/youhe/receipt", params={"no": "2026-000001"}, follow_redirects=False)
    assert (
        receipt.status_code in (301, 302, 303, 307)
        and receipt.headers["location"] == "/r/youhe/2026-000001"
    )


def test_no_code_path_alters_a_snapshot_and_submitter_cannot_publish_unapproved(
    client: TestClient[Litestar], world: World
) -> None:
    import trustfund.disclosure as package

    sources = "".join(p.read_text() for p in Path(package.__file__).parent.glob("*.py"))
    assert "update(DisclosureSnapshot" not in sources and "delete(DisclosureSnapshot" not in sources
    assert "snapshot." + "pdf =" not in sources


@pytest.mark.postgres_only
def test_postgres_refuses_update_and_delete_of_snapshots(
    client: TestClient[Litestar], world: World, engine: Engine
) -> None:
    vid = _submit(client, world)["id"]
    assert _approve(client, world, vid, world.committee1[1]).status_code == 201  # type: ignore[attr-defined]
    assert _publish(client, world, vid).status_code == 201  # type: ignore[attr-defined]
    for statement in (
        "UPDATE disclosure_snapshots SET html = 'forged'",
        "UPDATE disclosure_snapshots SET ledger_hash = 'x'",
        "DELETE FROM disclosure_snapshots",
        "TRUNCATE disclosure_snapshots CASCADE",
    ):
        with engine.connect() as conn, pytest.raises(DBAPIError, match="write-once"):
            conn.execute(text(statement))
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM disclosure_snapshots")).scalar() == 1


def test_pdf_text_has_chinese_footer_hash_and_page_numbers(
    client: TestClient[Litestar], world: World, tmp_path: Path
) -> None:
    vid = _submit(client, world)["id"]
    _approve(client, world, vid, world.committee1[1])
    facts = _publish(client, world, vid).json()["published"]  # type: ignore[attr-defined]
    pdf = tmp_path / "d.pdf"
    pdf.write_bytes(client.get(f"{PUBLIC}/{vid}.pdf").content)
    out = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "游河小区 2026年第一季度财务收支公示" in out
    assert facts["ledger_hash"] in out
    assert re.search(r"第\s*1\s*页\s*/\s*共\s*\d+\s*页", out)
    assert "账实相符" in out
    fonts = subprocess.run(
        ["pdffonts", str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    assert "Noto-Sans-CJK-SC" in fonts
