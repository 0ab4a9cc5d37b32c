"""``trustfund user``: add users, grant roles, issue API tokens."""

from __future__ import annotations

import click

from trustfund.auth import tokens, users
from trustfund.auth.audit import record_command
from trustfund.auth.principal import Role
from trustfund.auth.schemas import MembershipCreate, UserCreate
from trustfund.cli.context import CliContext, pass_cli
from trustfund.db.session import make_session_factory

ESTATE_ROLES = [r.value for r in Role if r is not Role.ADMIN]


def _audit(cli: CliContext, command: str, detail: dict[str, object]) -> None:
    record_command(make_session_factory(cli.engine), command, detail)


@click.group("user")
def user() -> None:
    """People who sign in: stewards, committee and council members, supervisors, admins."""


@user.command("add")
@click.argument("username")
@click.option("--display-name", required=True, help="Name shown to others, e.g. 王芳.")
@click.option(
    "--password",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    help="At least 8 characters; asked for when not given.",
)
@click.option("--admin", is_flag=True, help="Make the user an installation administrator.")
@pass_cli
def user_add(cli: CliContext, username: str, display_name: str, password: str, admin: bool) -> None:
    """Create a user who signs in with USERNAME."""
    with cli.session() as session:
        created = users.register_user(
            session,
            UserCreate(
                username=username, display_name=display_name, password=password, is_admin=admin
            ),
        )
    _audit(
        cli, "user add", {"user_id": created.id, "username": created.username, "is_admin": admin}
    )
    kind = "administrator" if created.is_admin else "user"
    click.echo(f"{kind} {created.username} ({created.display_name}) created, id {created.id}")


@user.command("grant")
@click.argument("username")
@click.argument("role", type=click.Choice(ESTATE_ROLES))
@click.option("--estate", "estate_slug", help="Slug of the estate the role is held in.")
@click.option("--community", help="Community whose every estate a supervisor oversees.")
@pass_cli
def user_grant(
    cli: CliContext, username: str, role: str, estate_slug: str | None, community: str | None
) -> None:
    """Give USERNAME the ROLE in one estate (--estate) or, for supervisors, a community."""
    if (estate_slug is None) == (community is None):
        raise click.UsageError("give exactly one of --estate or --community")
    with cli.session() as session:
        found = users.get_user_by_username(session, username)
        membership = users.add_membership(
            session,
            found.id,
            MembershipCreate(role=Role(role), estate=estate_slug, community=community),
        )
    _audit(
        cli,
        "user grant",
        {"username": found.username, "role": role, "estate": estate_slug, "community": community},
    )
    where = f"estate {membership.estate}" if membership.estate else f"community {community}"
    click.echo(f"{found.username} is {membership.role.value} in {where}")


@user.command("token")
@click.argument("username")
@click.option("--name", required=True, help="What the token is for, e.g. 'bank import'.")
@pass_cli
def user_token(cli: CliContext, username: str, name: str) -> None:
    """Issue an API token for USERNAME and print it (this once; only a digest is kept)."""
    with cli.session() as session:
        found = users.get_user_by_username(session, username)
        created = tokens.create_token(session, found.id, name)
    _audit(cli, "user token", {"username": found.username, "token_id": created.id, "name": name})
    click.echo(created.token)
    click.echo(
        f"token {created.id} ({created.name}) for {found.username}: store it now, "
        "it cannot be shown again",
        err=True,
    )


COMMANDS: list[click.Command] = [user]
