"""Explicit wiring (issue 15 item 4): the autonomy fund's budget guard applies to a claim
made payable by a program that imports settlements alone. It used to register itself into
``settlements.payouts`` when ``grants.disbursements`` was imported — a script importing only
settlements made claims on a project fund payable unchecked."""

from __future__ import annotations

import subprocess
import sys

ONLY_SETTLEMENTS = """
import sys
import trustfund.settlements.payouts as payouts
from trustfund import wiring
assert "trustfund.grants.disbursements" not in sys.modules, "settlements imported grants"
checks = wiring.payable_checks()
print(" ".join(f"{check.__module__}.{check.__qualname__}" for check in checks))
"""


def test_importing_settlements_alone_applies_the_grants_budget_check() -> None:
    """``_make_payable`` runs ``wiring.payable_checks()``; in a fresh interpreter that
    imported only ``settlements.payouts``, the grants guard is among them."""
    done = subprocess.run(
        [sys.executable, "-c", ONLY_SETTLEMENTS], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "trustfund.grants.disbursements.guard_payable" in done.stdout.split()


def test_every_statement_section_is_listed() -> None:
    from trustfund import wiring

    keys = {spec.key for spec, _ in wiring.statement_sections()}
    assert keys == {
        "bank_reconciliation",
        "cash_count",
        "reference_price_flags",
        "autonomy_projects",
        "goods_received",
    }
