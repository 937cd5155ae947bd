"""The documented production start (nginx in front of gunicorn, deploy/) survives slow clients.

A client that sends half its headers and then waits holds whatever reads them. Against
gunicorn's default sync workers directly, a few such connections block every worker, and a
shopper's `GET /` hangs. Behind deploy/nginx.conf, nginx holds them and gunicorn never sees
them, so the shop keeps answering.
"""

from __future__ import annotations

import socket
import time
from contextlib import ExitStack
from pathlib import Path

import pytest
import requests

from tests.support.production_shop import (
    REPO_ROOT,
    free_port,
    gunicorn,
    prepare_database,
    running,
    shop_env,
)
from tests.support.system_packages import ensure_nginx

pytestmark = pytest.mark.slow

SLOW_CLIENTS = 16
# Long enough for a page on a loaded machine, short enough that a hang shows.
ANSWER_WITHIN_SECONDS = 10.0


def nginx_config(tmp_path: Path, listen_port: int, upstream_port: int) -> Path:
    """deploy/nginx.conf, with this test's ports, inside a minimal main configuration."""
    server = (REPO_ROOT / "deploy" / "nginx.conf").read_text()
    server = server.replace("listen 80;", f"listen 127.0.0.1:{listen_port};")
    server = server.replace("server 127.0.0.1:8000;", f"server 127.0.0.1:{upstream_port};")
    assert f":{listen_port};" in server and f":{upstream_port};" in server
    temp = tmp_path / "nginx"
    temp.mkdir()
    path = tmp_path / "nginx.conf"
    path.write_text(
        f"worker_processes 1;\n"
        f"pid {temp}/nginx.pid;\n"
        f"error_log {temp}/error.log;\n"
        "events { worker_connections 256; }\n"
        "http {\n"
        f"  access_log off;\n"
        f"  client_body_temp_path {temp}/body;\n"
        f"  proxy_temp_path {temp}/proxy;\n"
        f"  fastcgi_temp_path {temp}/fastcgi;\n"
        f"  uwsgi_temp_path {temp}/uwsgi;\n"
        f"  scgi_temp_path {temp}/scgi;\n"
        f"{server}\n"
        "}\n"
    )
    return path


def stall(port: int, count: int, stack: ExitStack) -> None:
    """Open `count` connections that send half a request's headers, then wait."""
    for _ in range(count):
        connection = stack.enter_context(socket.create_connection(("127.0.0.1", port)))
        connection.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")


def home_answers(port: int) -> bool:
    """Whether GET / answers 200 in time."""
    try:
        answer = requests.get(f"http://127.0.0.1:{port}/", timeout=ANSWER_WITHIN_SECONDS)
    except requests.exceptions.RequestException:
        return False
    return answer.status_code == 200


def test_slow_clients_block_bare_sync_workers(tmp_path: Path) -> None:
    """The control: the attack is real against gunicorn's sync workers with no proxy."""
    port = free_port()
    env = shop_env(f"sqlite:///{tmp_path / 'shop.sqlite'}", f"http://127.0.0.1:{port}/")
    prepare_database(env)
    with running(gunicorn(port, "--preload", "--workers", "2"), env, port), ExitStack() as stack:
        assert home_answers(port)
        stall(port, SLOW_CLIENTS, stack)
        time.sleep(0.5)  # let the workers pick the stalled connections up
        assert not home_answers(port)


def test_the_documented_start_answers_while_slow_clients_stall(tmp_path: Path) -> None:
    nginx = ensure_nginx()
    assert nginx, "nginx is needed for this test; install Debian's nginx package"
    shop_port, public_port = free_port(), free_port()
    env = shop_env(f"sqlite:///{tmp_path / 'shop.sqlite'}", f"http://127.0.0.1:{public_port}/")
    prepare_database(env)
    shop = gunicorn(shop_port, "-c", "deploy/gunicorn.conf.py")
    proxy = [nginx, "-e", "stderr", "-c", str(nginx_config(tmp_path, public_port, shop_port))]
    proxy += ["-g", "daemon off;"]
    with running(shop, env, shop_port), running(proxy, env, public_port), ExitStack() as stack:
        assert home_answers(public_port)
        stall(public_port, SLOW_CLIENTS, stack)
        time.sleep(0.5)
        started = time.monotonic()
        assert home_answers(public_port)
        print(
            f"GET / through nginx with {SLOW_CLIENTS} stalled clients: "
            f"{(time.monotonic() - started) * 1000:.0f} ms"
        )
