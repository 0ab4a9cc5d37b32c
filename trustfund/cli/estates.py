"""``trustfund estate create|list`` and ``trustfund households import|set|history|list``."""

from __future__ import annotations

from pathlib import Path

import click

from trustfund.auth.audit import record_command
from trustfund.auth.principal import Action
from trustfund.cli.context import CliContext, acting, pass_cli
from trustfund.estates import changes, importer, schemas, service
from trustfund.estates import households as household_service
from trustfund.estates.changes import Actor


@click.group()
def estate() -> None:
    """Estates (小区)."""


@estate.command("create")
@click.argument("slug")
@click.option("--name", required=True, help="Chinese name, e.g. 游河小区.")
@click.option("--address", default="", help="Street address.")
@click.option("--community", default="", help="社区; its supervisors will see the estate.")
@click.option("--street-office", default="", help="街道.")
@click.option("--timezone", default=None, help="IANA zone (default TRUSTFUND_TIMEZONE).")
@pass_cli
def estate_create(
    cli: CliContext,
    slug: str,
    name: str,
    address: str,
    community: str,
    street_office: str,
    timezone: str | None,
) -> None:
    """Create the estate SLUG (lowercase letters, digits, hyphens; used in URLs)."""
    data = schemas.EstateCreate(
        slug=slug,
        name=name,
        address=address,
        community=community,
        street_office=street_office,
        timezone=timezone,
    )
    with cli.session() as session:
        created = service.create_estate(session, data, default_timezone=cli.settings.timezone)
        click.echo(f"created estate {created.slug} {created.name}")


@estate.command("list")
@pass_cli
def estate_list(cli: CliContext) -> None:
    """Every estate, with its community and street office."""
    with cli.session() as session:
        estates = service.list_estates(session)
        for item in estates:
            click.echo(
                f"{item.slug}\t{item.name}\t{item.community or '-'}\t{item.street_office or '-'}"
            )
        if not estates:
            click.echo("no estates yet (trustfund estate create SLUG --name 名称)")


@click.group()
def households() -> None:
    """Households (户) of an estate."""


AS_USER = click.option(
    "--user",
    "username",
    default=None,
    help="Act as this user, who must be the estate's steward (or an administrator), as on "
    "the API and the staff pages; recorded in the audit log. Without it the operator of the "
    "installation acts as administrator.",
)


@households.command("import")
@click.argument("estate_slug", metavar="ESTATE")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--update",
    is_flag=True,
    help="Rows of existing households may change them (owner, phone, area, occupancy): "
    "print the changes and write nothing, unless --apply is given too.",
)
@click.option("--apply", "apply", is_flag=True, help="With --update: apply the changes.")
@AS_USER
@pass_cli
def households_import(
    cli: CliContext,
    estate_slug: str,
    file: Path,
    update: bool,
    apply: bool,
    username: str | None,
) -> None:
    """Import households from FILE (CSV or XLSX) into ESTATE: every row or none.

    Columns (Chinese or English header): 小区片区/site (optional), 幢/building,
    单元/entrance, 室/room, 状态/occupancy, 起始日期/since, 业主/owner_name, 电话/phone,
    面积/area_m2 (all optional after occupancy). An unknown column is refused. Sample:
    docs/samples/households.csv (columns described in docs/samples/README.md). On any bad
    row nothing is imported, every bad row is printed and the exit status is 1. Importing
    the same file again creates nothing; a row that differs from an existing household is
    an error unless --update (then the changes are listed; --update --apply applies them
    and keeps them in each household's history; an empty cell changes nothing).
    """
    if apply and not update:
        raise click.UsageError("--apply applies an --update: give both")
    data = file.read_bytes()
    with cli.session() as session:
        target = service.get_estate(session, estate_slug)
        user_id = acting(session, username, Action.RECORD, target).user_id if username else None
        actor = Actor(user_id, "cli")
        result = importer.import_households(session, target, data, file.name, update=update)
        if apply:
            result = importer.import_households(
                session, target, data, file.name, update=True, confirm=result.token, actor=actor
            )
    for change in result.changes:
        since = f" from {change.effective_from}" if change.effective_from else ""
        click.echo(
            f"row {change.row}\t{change.code}\t{change.address}\t{change.field}: "
            f"{change.old or '-'} -> {change.new or '-'}{since}"
        )
    if not result.applied:
        click.echo(
            f"{result.rows} rows: would create {result.created} households and change "
            f"{result.changed}; {result.unchanged} unchanged. Nothing was written: run again "
            "with --update --apply to apply."
        )
        return
    record_command(
        cli.session_factory,
        "households import",
        {
            "estate": estate_slug,
            "file": file.name,
            "user": username,
            "created": result.created,
            "changed": result.changed,
        },
    )
    changed = f"{result.changed} changed, " if update else ""
    click.echo(
        f"{result.rows} rows: {result.created} households created, "
        f"{changed}{result.unchanged} unchanged; "
        f"{result.sites_created} sites and {result.buildings_created} buildings created"
    )


@households.command("set")
@click.argument("estate_slug", metavar="ESTATE")
@click.argument("code")
@click.option("--building", default=None, help="Corrected 幢.")
@click.option("--entrance", default=None, help="Corrected 单元.")
@click.option("--room", default=None, help="Corrected 室.")
@click.option("--site", default=None, help="Site of a building new to the estate.")
@click.option("--owner-name", default=None, help="Owner's name ('' clears it).")
@click.option("--phone", default=None, help="Phone ('' clears it).")
@click.option("--area", "area_m2", default=None, help="Floor area in m² ('' clears it).")
@click.option("--note", default="", help="Why (kept in the history).")
@AS_USER
@pass_cli
def households_set(
    cli: CliContext,
    /,
    estate_slug: str,
    code: str,
    note: str,
    username: str | None,
    **fields: str | None,
) -> None:
    """Correct household CODE of ESTATE: only the options given change; the code never
    does. Each change is kept in the household's history (trustfund households history)."""
    given = {k: (v or None) for k, v in fields.items() if v is not None}
    with cli.session() as session:
        target = service.get_estate(session, estate_slug)
        user_id = acting(session, username, Action.RECORD, target).user_id if username else None
        patch = schemas.HouseholdPatch.model_validate({**given, "note": note})
        done = changes.correct_household(session, target, code, patch, Actor(user_id, "cli"))
    record_command(
        cli.session_factory,
        "households set",
        {"estate": estate_slug, "code": code, "user": username, "fields": sorted(given)},
    )
    click.echo(
        f"{done.code}\t{done.building}幢{done.entrance}单元{done.room}室\t"
        f"{done.owner_name or '-'}\t{done.phone or '-'}\t{done.area_m2 or '-'}"
    )


@households.command("history")
@click.argument("estate_slug", metavar="ESTATE")
@click.argument("code")
@pass_cli
def households_history(cli: CliContext, estate_slug: str, code: str) -> None:
    """Every change of household CODE: when, who, via, field, old -> new."""
    with cli.session() as session:
        target = service.get_estate(session, estate_slug)
        rows = changes.history(session, target, code)
    for c in rows:
        since = f" from {c.effective_from}" if c.effective_from else ""
        click.echo(
            f"{c.changed_at:%Y-%m-%d %H:%M}\t{c.changed_by or 'operator'}\t{c.via}\t{c.kind}\t"
            f"{c.field}: {c.old_value or '-'} -> {c.new_value or '-'}{since}\t{c.note}"
        )
    if not rows:
        click.echo("no changes since the household was added")


@households.command("list")
@click.argument("estate_slug", metavar="ESTATE")
@click.option("--building", default=None, help="Only this building (幢), e.g. 2.")
@click.option("--entrance", default=None, help="Only this entrance (单元), e.g. 1.")
@click.option("--room", default=None, help="Rooms containing this, e.g. 101.")
@pass_cli
def households_list(
    cli: CliContext,
    estate_slug: str,
    building: str | None,
    entrance: str | None,
    room: str | None,
) -> None:
    """Print each household's code (the name payments use), address and occupancy today.

    Staff data: owner names and phones are not printed.
    """
    with cli.session() as session:
        target = service.get_estate(session, estate_slug)
        page, shown = 1, 0
        while True:
            found = household_service.list_households(
                session, target, building=building, room=room, page=page, per_page=500
            )
            for h in found.items:
                if entrance is not None and h.entrance != entrance:
                    continue
                shown += 1
                click.echo(
                    f"{h.code}\t{h.building}幢{h.entrance}单元{h.room}室\t{h.occupancy.value}"
                )
            if len(found.items) < 500:
                break
            page += 1
    if not shown:
        click.echo("no households (trustfund households import ESTATE FILE)", err=True)


COMMANDS: list[click.Command] = [estate, households]
