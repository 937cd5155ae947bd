"""Flask CLI commands: `flask --app storefront seed`, `klarna reconcile`, `admin create`, ...

... and `api-client create` (the JSON:API door's clients).
"""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from storefront.seed import seed_demo_data
from storefront.services.admin_accounts import AccountRefused, create_admin
from storefront.services.api_clients import create_client
from storefront.services.reconciliation import reconcile_orders

klarna_commands = AppGroup("klarna", help="Klarna order management.")
admin_group = AppGroup("admin", help="Manage the admin area's accounts.")
api_client_group = AppGroup("api-client", help="Manage the JSON:API door's clients.")


@click.command("seed")
def seed_command() -> None:
    """Seed the demo catalog (safe to run again)."""
    created = seed_demo_data()
    click.echo(f"Demo catalog seeded ({created} new products).")


@klarna_commands.command("reconcile")
def reconcile_command() -> None:
    """Read open orders back from Klarna; record and print what changed outside the shop."""
    changed = failed = 0
    for result in reconcile_orders():
        if result.error:
            failed += 1
            click.echo(f"{result.number}: not read ({result.error})", err=True)
        elif result.changes:
            changed += 1
            click.echo(f"{result.number}: {'; '.join(result.changes)}")
    click.echo(f"Reconciled: {changed} order(s) changed outside the shop, {failed} not read.")


@admin_group.command("create")
@click.argument("username")
@click.password_option(help="Asked for, hidden and twice; on the command line others may see it.")
def create_admin_command(username: str, password: str) -> None:
    """Create an admin account; the password is asked for, hidden, and confirmed."""
    try:
        create_admin(username, password)
    except AccountRefused as error:
        raise click.ClickException(error.user_message) from None
    click.echo(f"Admin {username.strip()!r} created. Sign in at /admin/login.")


@api_client_group.command("create")
@click.option("--name", default="API client", help="A name to recognise the client by.")
def create_api_client_command(name: str) -> None:
    """Create an API client; its secret is printed once here and stored only as a hash."""
    new = create_client(name)
    click.echo(f"client_id:     {new.client_id}")
    click.echo(f"client_secret: {new.client_secret}")
    click.echo("Keep the secret safe: it is not stored and cannot be shown again.")


def init_app(app: Flask) -> None:
    """Register the storefront's CLI commands."""
    app.cli.add_command(seed_command)
    app.cli.add_command(klarna_commands)
    app.cli.add_command(admin_group)
    app.cli.add_command(api_client_group)
