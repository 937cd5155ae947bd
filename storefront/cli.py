"""Flask CLI commands: `flask --app storefront seed`, `flask --app storefront klarna reconcile`."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from storefront.seed import seed_demo_data
from storefront.services.reconciliation import reconcile_orders

klarna_commands = AppGroup("klarna", help="Klarna order management.")


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


def init_app(app: Flask) -> None:
    """Register the storefront's CLI commands."""
    app.cli.add_command(seed_command)
    app.cli.add_command(klarna_commands)
