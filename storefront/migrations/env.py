"""Alembic environment: migrate the database of the current Flask app (via Flask-Migrate)."""

from __future__ import annotations

import logging
from logging.config import fileConfig
from typing import Any

from alembic import context
from alembic.operations import MigrationScript
from alembic.runtime.migration import MigrationContext
from flask import current_app

config = context.config
# Keep the application's own loggers: `python app.py` migrates inside a running process.
if config.config_file_name is not None:  # Flask-Migrate always passes its alembic.ini
    fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")

migrate_extension = current_app.extensions["migrate"]
engine = migrate_extension.db.engine
config.set_main_option(
    "sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%")
)


def run_migrations_offline() -> None:
    """Emit SQL to stdout instead of running it (`flask db upgrade --sql`)."""
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=migrate_extension.db.metadata,
        literal_binds=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run the migrations against the app's database."""

    def skip_empty_autogenerate(
        context: MigrationContext, revision: Any, directives: list[MigrationScript]
    ) -> None:
        """Write no revision file when autogenerate found no change."""
        changes = directives[0].upgrade_ops
        autogenerate = getattr(config.cmd_opts, "autogenerate", False)
        if autogenerate and changes is not None and changes.is_empty():
            directives[:] = []
            logger.info("No changes in schema detected.")

    options = dict(migrate_extension.configure_args)
    options.setdefault("process_revision_directives", skip_empty_autogenerate)
    with engine.connect() as connection:
        context.configure(
            connection=connection, target_metadata=migrate_extension.db.metadata, **options
        )
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
