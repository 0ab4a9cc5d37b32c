"""``trustfund estate create|list`` and ``trustfund households
import|set|merge|split|history|list``."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from trustfund.auth.audit import record_command
from trustfund.auth.principal import Action
from trustfund.cli.context import CliContext, acting, pass_cli
from trustfund.estates import changes, importer, schemas, service, units
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


def _print_unit_change(done: schemas.UnitChange) -> None:
    for h in done.households:
        click.echo(
            f"{h.code}\t{h.building}幢{h.entrance}单元{h.room}室\t{h.occupancy.value}\t"
            f"{h.area_m2 or '-'} m²"
        )
    click.echo(f"closed from {done.on}: {', '.join(done.closed)}")
    click.echo(f"charged as the new unit(s) from fee year {done.charged_from}")
    for c in done.kept_charges:
        click.echo(
            f"kept with {c.code}: {c.fee_year} charged {c.charged}, outstanding {c.outstanding}"
        )


CHARGES_RULE = (
    "Charges: a fee year is charged by what the home was on its 1 January, so the change "
    "counts from the first fee year starting on or after --on. Charges already issued stay "
    "with the household they were issued to (a debt stays in the arrears under the closed "
    "code; nothing is moved). Refused when a closing household is already charged for a "
    "year starting on or after --on."
)


@households.command("merge", epilog=CHARGES_RULE)
@click.argument("estate_slug", metavar="ESTATE")
@click.argument("into", metavar="INTO")
@click.argument("codes", metavar="CODE...", nargs=-1, required=True)
@click.option(
    "--on", "on", required=True, type=click.DateTime(["%Y-%m-%d"]), help="The day they are one."
)
@click.option("--room", default=None, help="室 of the joined unit (default: INTO's), e.g. 501-502.")
@click.option("--area", "area_m2", default=None, help="m² of the joined unit (default: the sum).")
@click.option("--owner-name", default=None, help="Owner (default: INTO's).")
@click.option("--phone", default=None, help="Phone (default: INTO's).")
@click.option(
    "--occupancy",
    type=click.Choice(["occupied", "vacant"]),
    default=None,
    help="From --on (default: INTO's).",
)
@click.option("--note", default="", help="Why (kept in the history).")
@AS_USER
@pass_cli
def households_merge(
    cli: CliContext,
    /,
    estate_slug: str,
    into: str,
    codes: tuple[str, ...],
    on: datetime,
    note: str,
    username: str | None,
    **fields: str | None,
) -> None:
    """Merge units (合户): households CODE... of ESTATE join household INTO from --on.

    INTO keeps its code; the others close that day (still listed, with their history and
    charges; their codes are never reused). All or nothing.
    """
    given = {k: v for k, v in fields.items() if v is not None}
    with cli.session() as session:
        target = service.get_estate(session, estate_slug)
        user_id = acting(session, username, Action.RECORD, target).user_id if username else None
        data = schemas.Merge.model_validate(
            {"into": into, "codes": list(codes), "on": on.date(), "note": note, **given}
        )
        done = units.merge(session, target, data, Actor(user_id, "cli"))
    record_command(
        cli.session_factory,
        "households merge",
        {
            "estate": estate_slug,
            "into": into,
            "codes": list(codes),
            "on": str(on.date()),
            "user": username,
        },
    )
    _print_unit_change(done)


def _part(value: str) -> schemas.SplitPart:
    room, _, rest = value.partition(":")
    area, _, status = rest.partition(":")
    if not area:
        raise click.BadParameter(f"{value!r}: write ROOM:AREA or ROOM:AREA:occupied|vacant")
    if status not in ("", "occupied", "vacant"):
        raise click.BadParameter(f"{value!r}: the status is occupied or vacant")
    part: dict[str, str] = {"room": room, "area_m2": area}
    if status:
        part["occupancy"] = status
    return schemas.SplitPart.model_validate(part)


@households.command("split", epilog=CHARGES_RULE)
@click.argument("estate_slug", metavar="ESTATE")
@click.argument("code")
@click.option(
    "--on",
    "on",
    required=True,
    type=click.DateTime(["%Y-%m-%d"]),
    help="The day the unit is divided.",
)
@click.option(
    "--part",
    "parts",
    multiple=True,
    required=True,
    metavar="ROOM:AREA[:STATUS]",
    help="One new household (give it 2 or more times): its 室, m², and occupied or vacant "
    "(default: the original's), e.g. --part 501-1:60 --part 501-2:45:vacant.",
)
@click.option("--note", default="", help="Why (kept in the history).")
@AS_USER
@pass_cli
def households_split(
    cli: CliContext,
    estate_slug: str,
    code: str,
    on: datetime,
    parts: tuple[str, ...],
    note: str,
    username: str | None,
) -> None:
    """Split a unit (分户): household CODE of ESTATE becomes the --part households from
    --on, each with a new code; CODE closes that day (still listed, with its history and
    charges). The parts keep CODE's entrance, owner and phone. All or nothing."""
    data = schemas.Split(on=on.date(), parts=[_part(p) for p in parts], note=note)
    with cli.session() as session:
        target = service.get_estate(session, estate_slug)
        user_id = acting(session, username, Action.RECORD, target).user_id if username else None
        done = units.split(session, target, code, data, Actor(user_id, "cli"))
    record_command(
        cli.session_factory,
        "households split",
        {
            "estate": estate_slug,
            "code": code,
            "on": str(on.date()),
            "user": username,
            "parts": [h.code for h in done.households],
        },
    )
    _print_unit_change(done)


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
                closed = f"\tclosed {h.closed_on}" if h.closed_on else ""
                click.echo(
                    f"{h.code}\t{h.building}幢{h.entrance}单元{h.room}室\t{h.occupancy.value}"
                    f"{closed}"
                )
            if len(found.items) < 500:
                break
            page += 1
    if not shown:
        click.echo("no households (trustfund households import ESTATE FILE)", err=True)


COMMANDS: list[click.Command] = [estate, households]
