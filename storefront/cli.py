"""Flask CLI commands: `flask --app storefront seed`, `klarna reconcile` and `admin create`."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from storefront.seed import seed_demo_data
from storefront.services.admin_accounts import AccountRefused, create_admin
from storefront.services.reconciliation import reconcile_orders

klarna_commands = AppGroup("klarna", help="Klarna order management.")
admin_group = AppGroup("admin", help="Manage the admin area's accounts.")


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


def init_app(app: Flask) -> None:
    """Register the storefront's CLI commands."""
    app.cli.add_command(seed_command)
    app.cli.add_command(klarna_commands)
    app.cli.add_command(admin_group)
