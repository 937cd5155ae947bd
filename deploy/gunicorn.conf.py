"""Gunicorn settings for the production start, behind the buffering proxy of deploy/nginx.conf.

    gunicorn -c deploy/gunicorn.conf.py storefront.wsgi:app

Nginx reads each request whole before it passes it on, so a slow or stalled client ties up
an nginx connection, never one of these workers. Bind to loopback (or a private network) so
that nothing reaches gunicorn except through nginx.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
# Threads let a worker serve other shoppers while one waits for Klarna. No more threads than
# the database pool holds (SQLAlchemy's default: 5, plus 10 on demand).
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# A request slower than this is cut off and its worker replaced.
timeout = 30
# The app is loaded once, in the master: a bad setting stops the start with one line and
# exit status 2, before any worker starts.
preload_app = True
