"""Flask CLI commands: `flask --app storefront seed`, `klarna reconcile`, `admin create`,
`subscriptions renew` and `api-client create` (the JSON:API door's clients)."""

from __future__ import annotations

from datetime import UTC, datetime

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from storefront.clock import utcnow
from storefront.seed import seed_demo_data
from storefront.services.admin_accounts import AccountRefused, create_admin
from storefront.services.api_clients import create_client
from storefront.services.reconciliation import reconcile_orders
from storefront.services.renewals import renew_due

klarna_commands = AppGroup("klarna", help="Klarna order management.")
admin_group = AppGroup("admin", help="Manage the admin area's accounts.")
subscription_commands = AppGroup("subscriptions", help="Recurring payments with Klarna tokens.")
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


@subscription_commands.command("renew")
@click.option(
    "--until",
    type=click.DateTime(formats=["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"]),
    help="Charge the periods due by then (UTC; default: now). Safe to run again, or at once.",
)
def renew_command(until: datetime | None) -> None:
    """Place the order of every subscription period due, each exactly once."""
    moment = utcnow() if until is None else until.replace(tzinfo=UTC)
    # Klarna's bodies carry absolute product and confirmation URLs: give them a host.
    base_url = current_app.config.get("PUBLIC_URL") or "http://localhost/"
    with current_app.test_request_context("/", base_url=base_url):
        report = renew_due(moment)
    for outcome, count in sorted(report.counts.items()):
        click.echo(f"{outcome}: {count}")
    click.echo(f"Renewals due by {moment.isoformat()}: {sum(report.counts.values())} handled.")


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
    app.cli.add_command(subscription_commands)
    app.cli.add_command(api_client_group)
