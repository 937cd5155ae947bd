"""Test databases: a SQLite file by default, or a uniquely named PostgreSQL database per run."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from psycopg import sql
from sqlalchemy.engine import make_url

from storefront.extensions import db


@contextmanager
def temporary_database(server_url: str | None, directory: Path) -> Iterator[str]:
    """Yield the URL of an empty database that exists for the block, then drop it."""
    if not server_url:
        yield f"sqlite:///{directory / 'storefront-test.sqlite'}"
        return
    admin = make_url(server_url).set(drivername="postgresql")
    name = f"storefront_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield admin.set(drivername="postgresql+psycopg", database=name).render_as_string(
            hide_password=False
        )
    finally:
        with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def empty_all_tables() -> None:
    """Delete every row of every storefront table, children first (needs an app context)."""
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    db.session.commit()
