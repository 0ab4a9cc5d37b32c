"""The command-line steps of setting up fee collection: households list, fee schedule
propose/approve (four eyes: the proposer and someone without the approve action are refused),
charges, and a payment that is refused with the reason while the books are not open."""

from __future__ import annotations

import json

from litestar import Litestar
from litestar.testing import TestClient

from tests.integration.onboarding.helpers import (
    HOUSEHOLDS_FILE,
    PASSWORDS,
    Cli,
    installer_creates_admin,
)
from trustfund.settings import Settings

COMPONENTS = [
    "--component",
    "electricity:公共电费:50.00",
    "--component",
    "maintenance:公共设施维护:90.00",
    "--component",
    "garbage:生活垃圾清运费:60.00",
]


def test_schedule_is_proposed_and_approved_by_two_people(
    settings: Settings, client: TestClient[Litestar]
) -> None:
    cli = Cli.of(settings)
    installer_creates_admin(cli)
    cli.ok("estate", "create", "lanyuan", "--name", "兰苑小区")
    for username, role in (("wangfang", "steward"), ("lijun", "committee")):
        cli.ok(
            "user", "add", username, "--display-name", username, "--password", PASSWORDS[username]
        )
        cli.ok("user", "grant", username, role, "--estate", "lanyuan")
    cli.ok("households", "import", "lanyuan", str(HOUSEHOLDS_FILE))

    listed = cli.ok("households", "list", "lanyuan", "--building", "2", "--entrance", "2")
    rows = [line.split("\t") for line in listed.splitlines()]
    assert [r[1:] for r in rows] == [
        ["2幢2单元101室", "occupied"],
        ["2幢2单元201室", "occupied"],
        ["2幢2单元301室", "vacant"],
        ["2幢2单元401室", "occupied"],
    ]
    assert all(r[0].startswith("H-") for r in rows)

    bad = cli.run(
        "fees",
        "schedule",
        "propose",
        "lanyuan",
        "2025",
        "--component",
        "electricity:电:-1",
        "--user",
        "wangfang",
        ok=False,
    )
    assert bad.exit_code == 1 and "components[0].amount: must be positive" in bad.output
    # the committee member may not propose (record), the steward may
    refused = cli.run(
        "fees", "schedule", "propose", "lanyuan", "2025", *COMPONENTS, "--user", "lijun", ok=False
    )
    assert refused.exit_code == 1 and "lijun may not record" in refused.output
    proposed = json.loads(
        cli.ok(
            "fees",
            "schedule",
            "propose",
            "lanyuan",
            "2025",
            *COMPONENTS,
            "--vacancy-percent",
            "50",
            "--user",
            "wangfang",
        )
    )
    assert (proposed["status"], proposed["total"], proposed["vacant_total"]) == (
        "draft",
        "200.00",
        "100.00",
    )
    content_hash = proposed["content_hash"]

    progress = cli.ok("fees", "setup", "lanyuan")  # the newest year with a schedule
    assert "set-up of lanyuan for fee year 2025:" in progress
    assert "✗ fee schedule 2025: proposed, not approved" in progress
    assert "trustfund fees schedule approve lanyuan 2025" in progress
    assert "opening balances not proposed" in progress
    early = cli.run("fees", "charges", "issue", "lanyuan", "2025", ok=False)
    assert early.exit_code == 1 and "not approved by the committee" in early.output
    own = cli.run(
        "fees",
        "schedule",
        "approve",
        "lanyuan",
        "2025",
        "--hash",
        content_hash,
        "--user",
        "wangfang",
        ok=False,
    )
    assert own.exit_code == 1 and "wangfang may not approve" in own.output
    stale = cli.run(
        "fees",
        "schedule",
        "approve",
        "lanyuan",
        "2025",
        "--hash",
        "0" * 64,
        "--user",
        "lijun",
        ok=False,
    )
    assert stale.exit_code == 1 and "changed since you reviewed it" in stale.output
    approved = json.loads(
        cli.ok(
            "fees",
            "schedule",
            "approve",
            "lanyuan",
            "2025",
            "--hash",
            content_hash,
            "--user",
            "lijun",
        )
    )
    assert approved["approved"] is True
    issued = json.loads(cli.ok("fees", "charges", "issue", "lanyuan", "2025"))
    assert (issued["issued"], issued["occupied"], issued["vacant"]) == (20, 16, 4)

    code = rows[0][0]
    unknown = cli.run(
        "fees",
        "payments",
        "record",
        "lanyuan",
        code,
        "2025",
        "200.00",
        "--user",
        "nobody",
        ok=False,
    )
    assert unknown.exit_code == 1 and "No active user 'nobody'" in unknown.output

    # Who did what from the command line is in the audit log the administrator reads.
    token = cli.ok("user", "token", "admin", "--name", "audit").strip()
    log = client.get("/api/v1/audit?limit=100", headers={"Authorization": f"Bearer {token}"})
    assert log.status_code == 200, log.text
    commands = {(r["action"], r["detail"].get("user")) for r in log.json() if r["method"] == "CLI"}
    assert ("cli.fees_schedule_propose", "wangfang") in commands
    assert ("cli.fees_schedule_approve", "lijun") in commands
