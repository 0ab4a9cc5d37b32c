"""What the onboarding tests share: the ``trustfund`` command run through click's runner
against the test's database, and the people of a new estate created the way an installer
creates them (the first administrator exists only through ``trustfund user add --admin``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner, Result

from trustfund.cli import main
from trustfund.settings import Settings

DATA = Path(__file__).resolve().parents[2] / "data"
HOUSEHOLDS_FILE = DATA / "new_estate_households.csv"
PASSWORDS = {
    "admin": "admin-pass-1",
    "wangfang": "steward-pass-1",
    "lijun": "committee-pass-1",
    "zhaomin": "committee-pass-2",
}


@dataclass
class Cli:
    """``trustfund …`` on the test's database, ledger directory and var directory."""

    runner: CliRunner

    @classmethod
    def of(cls, settings: Settings) -> Cli:
        return cls(
            CliRunner(
                env={
                    "TRUSTFUND_DATABASE_URL": settings.database_url,
                    "TRUSTFUND_VAR_DIR": str(settings.var_dir),
                    "TRUSTFUND_LEDGER_DIR": str(settings.ledger_dir),
                    "TRUSTFUND_SECRET_KEY": settings.secret_key or "",
                }
            )
        )

    def run(self, *args: str, ok: bool = True) -> Result:
        result = self.runner.invoke(main, list(args))
        if ok:
            assert result.exit_code == 0, (args, result.output, result.exception)
        return result

    def ok(self, *args: str) -> str:
        return self.run(*args).stdout


def installer_creates_admin(cli: Cli) -> None:
    """The first administrator: there is no sign-up page, the installer runs this."""
    cli.ok(
        "user",
        "add",
        "admin",
        "--display-name",
        "管理员",
        "--password",
        PASSWORDS["admin"],
        "--admin",
    )
