"""One rule for importing a household register (issue 14.10): the estate's steward — whoever
holds ``Action.RECORD`` there, which an administrator also does — on the API, the staff page
and the command line; a committee member, a supervisor or another estate's steward cannot."""

from __future__ import annotations

from pathlib import Path

from tests.integration.estates.public_setup import Installation
from trustfund.cli import main

REGISTER = "幢,单元,室,状态\n1,1,101,自住\n"


def files(name: str = "h.csv") -> dict[str, tuple[str, bytes, str]]:
    return {"file": (name, REGISTER.encode(), "text/csv")}


def test_api_page_and_cli_apply_the_same_rule(installation: Installation, tmp_path: Path) -> None:
    tf = installation
    tf.estate("yh")
    tf.estate("lt", "柳亭小区")
    steward = tf.person("steward", "steward", "yh")
    committee = tf.person("committee", "committee", "yh")
    other = tf.person("other", "steward", "lt")

    api = "/api/v1/estates/yh/households/import"
    assert tf.client.post(api, files=files(), headers=committee).status_code == 403
    assert tf.client.post(api, files=files(), headers=other).status_code == 404
    done = tf.client.post(api, files=files(), headers=steward)
    assert done.status_code == 201 and done.json()["created"] == 1

    page = "/staff/yh/import"
    assert tf.client.get(page, headers=committee).status_code == 403
    assert tf.client.post(page, files=files(), headers=committee).status_code == 403
    assert tf.client.get(page, headers=other).status_code == 404
    shown = tf.client.get(page, headers=steward)
    assert shown.status_code == 200 and "导入住户" in shown.text
    posted = tf.client.post(page, files=files(), headers=steward)
    assert posted.status_code == 200, posted.text
    assert "1 户无变化" in posted.text
    home = tf.client.get("/staff", headers=steward)
    assert 'href="/staff/yh/import"' in home.text
    assert 'href="/staff/yh/import"' not in tf.client.get("/staff", headers=committee).text

    register = tmp_path / "h.csv"
    register.write_text("幢,单元,室,状态\n1,1,102,空户\n", encoding="utf-8")
    refused = tf.runner.invoke(
        main, ["households", "import", "yh", str(register), "--user", "committee"]
    )
    assert refused.exit_code == 1
    assert "committee may not record in estate yh" in refused.output
    refused = tf.runner.invoke(
        main, ["households", "import", "yh", str(register), "--user", "other"]
    )
    assert refused.exit_code == 1
    by_steward = tf.cli("households", "import", "yh", str(register), "--user", "steward")
    assert "1 households created" in by_steward
    listed = tf.client.get("/api/v1/estates/yh/households", headers=steward).json()
    assert [h["room"] for h in listed["items"]] == ["101", "102"]
    audit = tf.client.get("/api/v1/audit", headers=tf.admin).json()
    cli_imports = [a for a in audit if a["action"] == "cli.households_import"]
    assert [a["detail"]["user"] for a in cli_imports] == ["steward"]
