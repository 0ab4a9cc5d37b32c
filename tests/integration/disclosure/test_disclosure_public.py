"""Public pages, files and JSON carry no owner name or phone; the supervisor overview; CLI."""

from __future__ import annotations

import io
import re
import subprocess
from pathlib import Path

from click.testing import CliRunner
from litestar import Litestar
from litestar.testing import TestClient
from openpyxl import load_workbook

from tests.factories import auth_headers, make_user
from tests.integration.disclosure.conftest import (
    OWNERS,
    REPORTER,
    VOUCHER_FILENAME,
    Settled,
    World,
)
from trustfund.cli import main
from trustfund.settings import Settings

BASE = "/api/v1/estates/youhe/disclosures"
PUBLIC = "/api/v1/public/estates/youhe/disclosures"


def _publish(client: TestClient[Litestar], w: World, period: str) -> int:
    r = client.post(BASE + "/", json={"period": period}, headers=auth_headers(w.steward[1]))
    vid = int(r.json()["id"])
    assert (
        client.post(
            f"{BASE}/{vid}/decision",
            json={"decision": "approve"},
            headers=auth_headers(w.committee1[1]),
        ).status_code
        == 201
    )
    assert (
        client.post(f"{BASE}/{vid}/publish", headers=auth_headers(w.steward[1])).status_code == 201
    )
    return vid


def _texts(client: TestClient[Litestar], vid: int, tmp_path: Path) -> dict[str, str]:
    out: dict[str, str] = {}
    for path in (
        "/",
        "/e/youhe",
        f"/e/youhe/d/{vid}",
        "/e/youhe/verify",
        PUBLIC + "/",
        f"{PUBLIC}/{vid}",
        f"{PUBLIC}/{vid}.csv",
        "/api/v1/public/estates/youhe/ledger.beancount",
    ):
        r = client.get(path)
        assert r.status_code == 200, path
        out[path] = r.content.decode("utf-8")
    book = load_workbook(io.BytesIO(client.get(f"{PUBLIC}/{vid}.xlsx").content))
    out["xlsx"] = "\n".join(
        str(cell.value)
        for ws in book.worksheets
        for row in ws.iter_rows()
        for cell in row
        if cell.value is not None
    )
    pdf = tmp_path / f"{vid}.pdf"
    pdf.write_bytes(client.get(f"{PUBLIC}/{vid}.pdf").content)
    out["pdf"] = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return out


def test_no_owner_name_or_phone_in_anything_public(
    client: TestClient[Litestar], settled: Settled, tmp_path: Path
) -> None:
    """With settlements in the books too: a claim whose voucher is marked personal (file name
    with an owner's name), a work order whose reporter is an owner with a phone, a reason and
    a donated-goods slip naming owners. The sections reach every public output — and none of
    the personal data does."""
    world = settled.world
    vids = [_publish(client, world, p) for p in ("2026Q1", "2026Q2", "2026-07")]
    staff_only = [REPORTER, VOUCHER_FILENAME, "王师傅", "13511112222", "业主本人"]
    scanned = 0
    texts = {vid: _texts(client, vid, tmp_path) for vid in vids}
    for vid in vids:
        for where, body in texts[vid].items():
            squeezed = re.sub(r"[\s-]", "", body)
            for name, phone in OWNERS:
                assert name not in body, (where, name)
                assert re.sub(r"\D", "", phone) not in squeezed, (where, phone)
            for secret in staff_only:
                assert secret not in body, (where, secret)
            scanned += 1
    assert scanned == 30
    # the settlement sections did reach the public Q2 outputs (so the scan above means something)
    q2 = texts[vids[1]]
    for where in (f"/e/youhe/d/{vids[1]}", "pdf", f"{PUBLIC}/{vids[1]}"):
        body = re.sub(r"\s", "", q2[where])  # the PDF wraps table cells
        assert settled.voucher_number in body, where
        assert "业委会委员" in body and "甬安维修" in body, where
        assert "原厂配件" in body and "分类垃圾桶" in body, where
    assert "40.00" in q2[f"/e/youhe/d/{vids[1]}"]


def test_supervisor_overview(client: TestClient[Litestar], world: World, session) -> None:  # type: ignore[no-untyped-def]
    from tests.factories import make_estate

    make_estate(session, "elsewhere", community="西湖社区")
    r = client.get("/api/v1/supervisor/overview", headers=auth_headers(world.supervisor[1]))
    assert r.status_code == 200
    data = r.json()
    assert [e["slug"] for e in data["estates"]] == ["youhe"]
    youhe = data["estates"][0]
    # today (2026-11-23 on this machine, or any later day) the last finished quarter is unpublished
    assert youhe["overdue"] is True and data["overdue"] == ["youhe"]
    assert youhe["last_publication"] is None
    assert youhe["collection"]["households"] == 6
    vid = _publish(client, world, "2026Q3")  # the whole year 2026 has not ended yet
    data = client.get(
        "/api/v1/supervisor/overview", headers=auth_headers(world.supervisor[1])
    ).json()
    assert data["estates"][0]["last_publication"]["version_id"] == vid
    assert data["estates"][0]["overdue"] is (data["estates"][0]["due_period"] != "2026Q3")
    # a steward sees nothing here; an admin sees every estate; anonymous is refused
    assert (
        client.get("/api/v1/supervisor/overview", headers=auth_headers(world.steward[1])).json()[
            "estates"
        ]
        == []
    )
    _, admin = make_user(session, admin=True)
    assert (
        len(
            client.get("/api/v1/supervisor/overview", headers=auth_headers(admin)).json()["estates"]
        )
        == 2
    )
    assert client.get("/api/v1/supervisor/overview").status_code == 401
    page = client.get("/supervisor", headers=auth_headers(world.supervisor[1]))
    assert page.status_code == 200 and "监督总览" in page.text and "游河小区" in page.text


def test_signed_out_browser_is_sent_to_sign_in(client: TestClient[Litestar], world: World) -> None:
    browser = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
    r = client.get("/supervisor", headers=browser, follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == "/login?next=/supervisor"
    login = client.get(r.headers["location"])
    assert login.status_code == 200 and 'value="/supervisor"' in login.text
    # API clients (and */*) keep the 401 problem document
    for accept in ("application/json", "*/*"):
        r = client.get("/supervisor", headers={"Accept": accept}, follow_redirects=False)
        assert r.status_code == 401, accept
        assert r.headers["content-type"].startswith("application/problem+json")
    # signed in, the page itself
    page = client.get("/supervisor", headers={**browser, **auth_headers(world.supervisor[1])})
    assert page.status_code == 200 and "监督总览" in page.text


def test_cli_render_and_publish(world: World, settings: Settings, tmp_path: Path, session) -> None:  # type: ignore[no-untyped-def]
    env = {
        "TRUSTFUND_DATABASE_URL": settings.database_url,
        "TRUSTFUND_LEDGER_DIR": str(settings.ledger_dir),
        "TRUSTFUND_VAR_DIR": str(settings.var_dir),
        "TRUSTFUND_SECRET_KEY": "x" * 20,
    }
    session.rollback()
    runner = CliRunner()
    for fmt in ("json", "html", "pdf"):
        out = tmp_path / f"q1.{fmt}"
        r = runner.invoke(
            main,
            ["disclosure", "render", "youhe", "2026Q1", "--format", fmt, "-o", str(out)],
            env=env,
        )
        assert r.exit_code == 0, r.output
        assert out.stat().st_size > 500
    assert (tmp_path / "q1.pdf").read_bytes().startswith(b"%PDF")
    assert "草稿" in (tmp_path / "q1.html").read_text()
    bad = runner.invoke(
        main, ["disclosure", "render", "youhe", "2026Q7", "-o", str(tmp_path / "x")], env=env
    )
    assert bad.exit_code == 1 and "period" in bad.output
    from trustfund.db.models.auth import User

    steward = session.get(User, world.steward[0]).username
    c1 = session.get(User, world.committee1[0]).username
    session.rollback()
    r = runner.invoke(main, ["disclosure", "submit", "youhe", "2026Q1", "--user", steward], env=env)
    assert r.exit_code == 0, r.output
    vid = re.search(r'"version_id": (\d+)', r.output)[1]  # type: ignore[index]
    assert (
        runner.invoke(
            main, ["disclosure", "decide", "youhe", vid, "--user", steward], env=env
        ).exit_code
        == 1
    )
    assert (
        runner.invoke(main, ["disclosure", "decide", "youhe", vid, "--user", c1], env=env).exit_code
        == 0
    )
    r = runner.invoke(main, ["disclosure", "publish", "youhe", vid, "--user", steward], env=env)
    assert r.exit_code == 0, r.output
    listing = runner.invoke(main, ["disclosure", "versions", "youhe"], env=env).output
    assert "2026Q1\tv1\tpublished" in listing
