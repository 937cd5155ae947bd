"""Alembic migrations build exactly the schema the models declare, on this run's database."""

from __future__ import annotations

import os
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from storefront import create_app
from storefront.extensions import db
from tests.conftest import storefront_config
from tests.support.databases import temporary_database


def test_migrations_match_models_and_downgrade_cleanly(tmp_path: Path) -> None:
    with temporary_database(os.environ.get("TEST_DATABASE_URL"), tmp_path) as url:
        app = create_app(storefront_config(url, "http://127.0.0.1:9"))
        with app.app_context():
            upgrade()
            with db.engine.connect() as connection:
                differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
            downgrade(revision="base")
            with db.engine.connect() as connection:
                remaining = set(db.inspect(connection).get_table_names()) - {"alembic_version"}
            db.engine.dispose()
    assert differences == []
    assert remaining == set()
