"""``trustfund households import --update [--apply]``, ``households set`` and ``history``:
the register updated and one household corrected from the command line, by the same rules
and into the same history as the API."""

from __future__ import annotations

from pathlib import Path

from tests.integration.estates.public_setup import Installation
from tests.integration.estates.test_import_update import BARE, FULL, as_file
from trustfund.cli import main

H = "/api/v1/estates/yh/households"


def test_update_preview_apply_set_and_history(installation: Installation, tmp_path: Path) -> None:
    tf = installation
    tf.estate("yh")
    steward = tf.person("steward", "steward", "yh")
    tf.person("committee", "committee", "yh")
    bare, full = tmp_path / "bare.csv", tmp_path / "full.csv"
    bare.write_bytes(as_file(BARE)["file"][1])
    full.write_bytes(as_file(FULL)["file"][1])
    assert "8 households created" in tf.cli("households", "import", "yh", str(bare))

    preview = tf.cli("households", "import", "yh", str(full), "--update")
    assert "row 2\tH-" in preview and "1幢1单元101室\towner_name: - -> 王芳" in preview
    assert "would create 0 households and change 8" in preview
    assert "Nothing was written" in preview
    items = tf.client.get(H, headers=steward).json()["items"]
    assert {h["owner_name"] for h in items} == {None}

    lone = tf.runner.invoke(main, ["households", "import", "yh", str(full), "--apply"])
    assert lone.exit_code == 2  # --apply without --update is a usage error
    refused = tf.runner.invoke(
        main,
        ["households", "import", "yh", str(full), "--update", "--apply", "--user", "committee"],
    )
    assert refused.exit_code == 1 and "may not record" in refused.output
    applied = tf.cli(
        "households", "import", "yh", str(full), "--update", "--apply", "--user", "steward"
    )
    assert "0 households created, 8 changed, 0 unchanged" in applied
    first = tf.client.get(H, params={"room": "101"}, headers=steward).json()["items"][0]
    assert first["owner_name"] == "王芳"

    code = first["code"]
    denied = tf.runner.invoke(
        main, ["households", "set", "yh", code, "--owner-name", "冒名", "--user", "committee"]
    )
    assert denied.exit_code == 1
    done = tf.cli(
        "households",
        "set",
        "yh",
        code,
        "--room",
        "105",
        "--phone",
        "",
        "--note",
        "纸质台账",
        "--user",
        "steward",
    )
    assert done.startswith(f"{code}\t1幢1单元105室\t王芳\t-\t89.50")
    missing = tf.runner.invoke(main, ["households", "set", "yh", "H-ZZZZZZ", "--room", "1"])
    assert missing.exit_code == 1 and "No household" in missing.output

    lines = tf.cli("households", "history", "yh", code).splitlines()
    assert [line.split("\t")[1:5] for line in lines] == [
        ["steward", "cli", "import", "owner_name: - -> 王芳"],
        ["steward", "cli", "import", "phone: - -> 13800000001"],
        ["steward", "cli", "import", "area_m2: - -> 89.50"],
        ["steward", "cli", "correct", "room: 101 -> 105"],
        ["steward", "cli", "correct", "phone: 13800000001 -> -"],
    ]
    assert lines[-1].endswith("纸质台账")
