"""WSGI entry point for production: `gunicorn --preload -w 4 storefront.wsgi:app`.

Production configuration comes only from the environment and instance/config.py; a missing
SECRET_KEY (or any other bad setting) stops the start with one line and exit status 2. With
`--preload` (the supported start, see README) gunicorn's master checks it once, before any
worker is started.
"""

from __future__ import annotations

import sys

from storefront import create_app
from storefront.config import ConfigError

try:
    app = create_app()
except ConfigError as error:
    print(f"storefront: configuration error: {error}", file=sys.stderr, flush=True)
    sys.exit(2)
