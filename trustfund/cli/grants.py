"""``trustfund grants``: the autonomy fund from the command line — list projects and write
funder reports (HTML or PDF)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import click

from trustfund.cli.context import CliContext, estate_of, pass_cli
from trustfund.grants import service
from trustfund.grants.common import project_by_code
from trustfund.grants.reports import report_html, report_pdf


@click.group()
def grants() -> None:
    """Autonomy fund (自治基金): projects and funder reports."""


@grants.command("projects")
@click.argument("estate_slug")
@pass_cli
def projects_command(cli: CliContext, estate_slug: str) -> None:
    """List the estate's projects: code, status, budget, committed, title."""
    with cli.session() as session:
        estate = estate_of(session, estate_slug)
        for p in service.list_projects(session, estate.id):
            committed = sum((Decimal(x["committed"]) for x in p["lines"]), Decimal("0.00"))
            click.echo(
                f"{p['code']:<8} {p['status']:<12} budget {p['budget_total']:>10} "
                f"committed {committed:>10}  {p['title']}"
            )


@grants.command("report")
@click.argument("estate_slug")
@click.option("--project", "project_code", help="project code, e.g. KLGY")
@click.option("--source", "source_id", type=int, help="source id (see the API /grants/sources)")
@click.option("--format", "fmt", type=click.Choice(["html", "pdf"]), default="html")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@pass_cli
def report_command(
    cli: CliContext,
    estate_slug: str,
    project_code: str | None,
    source_id: int | None,
    fmt: str,
    output: Path,
) -> None:
    """Write the funder report of a project or a source: received, spent on what, what
    remains. Public document: anonymous donors appear as 匿名."""
    if (project_code is None) == (source_id is None):
        raise click.UsageError("give exactly one of --project CODE or --source ID")
    with cli.session() as session:
        estate = estate_of(session, estate_slug)
        if project_code is not None:
            project = project_by_code(session, estate.id, project_code)
            if project is None:
                raise click.ClickException(f"No project {project_code!r} in {estate_slug}.")
            report = service.report(session, estate, project_id=project.id)
        else:
            report = service.report(session, estate, source_id=source_id)
    if fmt == "pdf":
        output.write_bytes(report_pdf(report))
    else:
        output.write_text(report_html(report), encoding="utf-8")
    click.echo(f"wrote {output} ({output.stat().st_size} bytes)")


COMMANDS: list[click.Command] = [grants]
