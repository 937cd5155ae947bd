"""Flask CLI commands: `flask --app storefront seed`."""

from __future__ import annotations

import click
from flask import Flask

from storefront.seed import seed_demo_data


@click.command("seed")
def seed_command() -> None:
    """Seed the demo catalog (safe to run again)."""
    created = seed_demo_data()
    click.echo(f"Demo catalog seeded ({created} new products).")


def init_app(app: Flask) -> None:
    """Register the storefront's CLI commands."""
    app.cli.add_command(seed_command)
