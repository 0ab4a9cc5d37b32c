"""``trustfund estate create|list`` and ``trustfund households import``."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from trustfund.cli import main


def test_create_list_and_import(db_url: str, tmp_path: Path) -> None:
    runner = CliRunner(env={"TRUSTFUND_DATABASE_URL": db_url, "TRUSTFUND_VAR_DIR": str(tmp_path)})
    created = runner.invoke(
        main, ["estate", "create", "youhe", "--name", "游河小区", "--community", "游河社区"]
    )
    assert created.exit_code == 0, created.output
    bad = runner.invoke(main, ["estate", "create", "Bad", "--name", "x"])
    assert bad.exit_code == 1
    assert "slug" in bad.output and "name" in bad.output
    listed = runner.invoke(main, ["estate", "list"])
    assert "youhe\t游河小区\t游河社区" in listed.output

    good = tmp_path / "good.csv"
    good.write_bytes("幢,单元,室,状态\n1,1,101,自住\n1,1,102,空户\n".encode("gb18030"))
    imported = runner.invoke(main, ["households", "import", "youhe", str(good)])
    assert imported.exit_code == 0, imported.output
    assert "2 rows: 2 households created, 0 unchanged" in imported.output
    again = runner.invoke(main, ["households", "import", "youhe", str(good)])
    assert "0 households created, 2 unchanged" in again.output

    bad_file = tmp_path / "bad.csv"
    bad_file.write_text("幢,单元,室,状态\n1,1,103,自住\n1,,104,住着\n2,1,101,空户\n", "utf-8")
    failed = runner.invoke(main, ["households", "import", "youhe", str(bad_file)])
    assert failed.exit_code == 1
    assert "rows[3].entrance: 单元 (entrance) is required" in failed.output
    assert "rows[3].occupancy" in failed.output
    assert "rows[2]" not in failed.output and "rows[4]" not in failed.output
    missing = runner.invoke(main, ["households", "import", "nowhere", str(good)])
    assert missing.exit_code == 1 and "No estate 'nowhere'" in missing.output
