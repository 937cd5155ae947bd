"""Flask extensions, created unbound here and bound to the app in `create_app` with `init_app`,
and the one session helper they need (a commit that keeps what it read)."""

from typing import TYPE_CHECKING

from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Named constraints let Alembic alter tables the same way on SQLite (batch mode) and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base for every storefront model."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)

# The base class of every model. mypy cannot subclass an attribute such as `db.Model`, so it is
# told what `db.Model` is: a subclass of Base (Flask-SQLAlchemy adds table names and `query`).
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model


def commit(*, keep_loaded: bool = False) -> None:
    """Commit the session's transaction; `keep_loaded` keeps the loaded objects as they are.

    A commit normally expires every loaded object, so the next read of any attribute queries
    again: right when others may change the rows next. A request that only renders what it
    read (and wrote) before the commit can keep it and save those queries.
    """
    session = db.session()
    previous = session.expire_on_commit
    session.expire_on_commit = not keep_loaded
    try:
        session.commit()
    finally:
        session.expire_on_commit = previous


migrate = Migrate()
csrf = CSRFProtect()
# The admin area's sign-in; configured in storefront/admin_login.py.
login_manager = LoginManager()
