"""WSGI entry point for production: `gunicorn --preload -w 4 storefront.wsgi:app`.

Production configuration comes only from the environment and instance/config.py; a missing
SECRET_KEY (or any other bad setting) stops the start with one line and exit status 2, or,
without --preload, gunicorn's own status for an app that failed to load (4).
"""

from __future__ import annotations

import signal
import sys

from storefront import create_app
from storefront.config import ConfigError


def in_gunicorn_worker() -> bool:
    """Whether this process is a gunicorn worker loading the app itself (no --preload)."""
    if "gunicorn.workers.base" not in sys.modules:
        return False
    from gunicorn.workers.base import Worker

    # A worker installs its SIGTERM handler before it loads the app; a --preload master loads
    # the app before it installs any handler of its own.
    handler = signal.getsignal(signal.SIGTERM)
    return isinstance(getattr(handler, "__self__", None), Worker)


def bad_configuration_status() -> int:
    """The exit status that reports a bad configuration from this process."""
    if in_gunicorn_worker():
        from gunicorn.arbiter import Arbiter

        # Gunicorn's master respawns a worker that exits with any other status, forever;
        # this one stops it ("App failed to load.", and the master exits with it).
        return Arbiter.APP_LOAD_ERROR
    return 2


try:
    app = create_app()
except ConfigError as error:
    print(f"storefront: configuration error: {error}", file=sys.stderr, flush=True)
    sys.exit(bad_configuration_status())
