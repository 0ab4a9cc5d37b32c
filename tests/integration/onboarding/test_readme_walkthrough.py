"""The README's walk-through (a new estate from ``estate create`` to its first receipt) run
exactly as written, line by line, through click's runner on an empty database — so the
README cannot promise a command that does not work.

The block is plain shell with two conveniences a reader uses too: ``NAME=$(trustfund … |
cut -f1)`` keeps the first field of the first line, and ``$NAME`` uses it. Passwords are typed
at the prompt (never on the command line), so the runner types them.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from tests.integration.onboarding.helpers import Cli
from trustfund.cli import main
from trustfund.settings import Settings

ROOT = Path(__file__).resolve().parents[3]
README = ROOT / "README.md"
ASSIGN = re.compile(r"^(\w+)=\$\((trustfund .+) \| cut -f1\)$")
#: The steps the issue asks the walk-through to show, in this order.
STEPS = [
    "user add",  # the first administrator, before anything else
    "estate create",
    "user grant",
    "households import",
    "fees schedule propose",
    "fees schedule approve",
    "books propose-opening",
    "books decide",
    "fees charges issue",
    "fees payments record",
    "fees receipt",
]


def walkthrough() -> list[str]:
    """The commands of the README block after ``<!-- walkthrough -->``, one per line,
    continuation lines joined and trailing comments removed."""
    text = README.read_text("utf-8")
    block = text.split("<!-- walkthrough -->", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    lines = block.replace("\\\n", " ").splitlines()
    commands = [re.sub(r"\s+#\s.*$", "", line).strip() for line in lines]
    return [c for c in commands if c and not c.startswith("#")]


def test_the_walkthrough_names_every_step_in_order() -> None:
    commands = walkthrough()
    positions = []
    for step in STEPS:
        found = [i for i, c in enumerate(commands) if f"trustfund {step} " in c + " "]
        assert found, f"the README walk-through has no `trustfund {step}`"
        positions.append(found[0])
    assert positions == sorted(positions), "the README walk-through is out of order"


def test_the_readme_walkthrough_runs_as_written(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli = Cli.of(settings)
    monkeypatch.chdir(tmp_path)  # files the commands write land here
    variables: dict[str, str] = {}
    outputs: list[str] = []
    for line in walkthrough():
        for name, value in variables.items():
            line = line.replace(f"${name}", value)
        target = None
        if match := ASSIGN.match(line):
            target, line = match[1], match[2]
        args = shlex.split(line)
        assert args[0] == "trustfund", line
        args = [str(ROOT / a) if a.startswith("tests/data/") else a for a in args[1:]]
        typed = None
        if args[:2] == ["user", "add"] and "--password" not in args:
            typed = "a password of the walk-through\n" * 2
        result = cli.runner.invoke(main, args, input=typed)
        assert result.exit_code == 0, (line, result.output, result.exception)
        outputs.append(result.stdout)
        if target:
            variables[target] = result.stdout.splitlines()[0].split("\t")[0]

    assert variables["CODE"].startswith("H-")
    progress = [o for o in outputs if o.startswith("set-up of lanyuan")]
    assert len(progress) == 2
    assert "✓ households: 20 imported" in progress[0]
    assert "✗ books: not open" in progress[0] and "payments can be taken: no" in progress[0]
    assert "✗" not in progress[1] and "payments can be taken: yes" in progress[1]
    paid = next(o for o in outputs if '"receipt_no": "2025-000001"' in o)
    assert '"amount": "200.00"' in paid
    pdf = tmp_path / "receipt-2025-000001.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
