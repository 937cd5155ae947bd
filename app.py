"""Run the demo storefront, and the offline Klarna emulator unless real Klarna is configured.

    python app.py [--host 127.0.0.1] [--port 5000] [--emulator-port 5001]

This is the demo/development mode: it generates a secret key into instance/, migrates the
database, seeds the demo catalog, prints one readable line per Klarna call and shows the
"Klarna calls" developer panel (KLARNA_DEV_PANEL). Its socket plumbing (binding both ports
before serving, Werkzeug servers on threads) is demo-only; production runs `gunicorn --preload`
on storefront/wsgi.py instead (see docs/production.md).
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import ipaddress
import logging
import os
import secrets
import socket
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from werkzeug.serving import BaseWSGIServer, make_server, select_address_family

from storefront.config import (
    EMULATOR_PASSWORD,
    EMULATOR_USERNAME,
    ConfigError,
    read_environment,
    read_instance_config,
    require_pair,
)
from storefront.klarna.sdk import SDK_PATH

if TYPE_CHECKING:
    from storefront.services.admin_accounts import DemoLogin
    from storefront.services.api_clients import NewClient

INSTANCE_PATH = Path(__file__).resolve().parent / "instance"
LOG_FORMAT = "%(asctime)s %(levelname)s %(message)s"
LOG_TIME_FORMAT = "%H:%M:%S"


class OneLineArgumentParser(argparse.ArgumentParser):
    """An argument parser whose errors are one line naming the flag, with exit code 2."""

    def error(self, message: str) -> NoReturn:
        """Print the problem on one line and exit with status 2."""
        self.exit(2, f"{self.prog}: error: {message}\n")


def port_number(value: str) -> int:
    """Parse a TCP port number (0 means any free port)."""
    try:
        port = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a port number, got {value!r}") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"expected a port number 0-65535, got {port}")
    return port


def is_loopback(host: str) -> bool:
    """True for `localhost` and the loopback addresses (127.0.0.0/8, ::1)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Parse the command-line flags; the emulator stays on loopback unless exposed on purpose."""
    parser = OneLineArgumentParser(prog="app.py", description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1", help="interface to listen on")
    parser.add_argument("--port", type=port_number, default=5000, help="storefront port")
    parser.add_argument(
        "--emulator-port",
        type=port_number,
        default=5001,
        help="Klarna emulator port (offline mode)",
    )
    parser.add_argument(
        "--emulator-host",
        default="127.0.0.1",
        help="interface the Klarna emulator listens on (offline mode; loopback by default)",
    )
    parser.add_argument(
        "--expose-emulator",
        action="store_true",
        help="allow a non-loopback --emulator-host (its control plane then needs its token)",
    )
    args = parser.parse_args(argv)
    # The emulator's control plane holds shoppers' data: no network sees it unless asked for.
    if not args.expose_emulator and not is_loopback(args.emulator_host):
        parser.error(
            f"--emulator-host {args.emulator_host} is not a loopback address; "
            "add --expose-emulator to serve the emulator beyond this machine"
        )
    return args


def dev_secret_key(instance_path: Path) -> str:
    """Return the demo secret key from instance/secret_key, generating it on first start."""
    path = instance_path / "secret_key"
    if not path.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def listen(host: str, port: int, flag: str, host_flag: str = "--host") -> socket.socket:
    """Open a listening socket on host:port, or raise a ConfigError naming the flag at fault."""
    # Werkzeug's make_server prints its own lines and exits 1 when it cannot bind, so the socket
    # is bound here and handed to it (`fd=`), and it is bound before anything else is started.
    family = select_address_family(host, port)  # the family make_server will expect
    try:
        address = socket.getaddrinfo(host, port, family, socket.SOCK_STREAM)[0][4]
    except (socket.gaierror, UnicodeError) as error:  # UnicodeError: a label IDNA refuses
        reason = getattr(error, "strerror", None) or str(error)
        raise ConfigError(host_flag, f"cannot resolve {host!r} ({reason})") from None
    listener = socket.socket(family, socket.SOCK_STREAM)
    # As werkzeug does: a restart can rebind at once while old connections linger in TIME_WAIT.
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind(address)
        listener.listen()
    except OSError as error:
        listener.close()
        if error.errno == errno.EADDRINUSE:
            raise ConfigError(flag, f"{host}:{port} is already in use") from None
        if error.errno == errno.EADDRNOTAVAIL:
            raise ConfigError(host_flag, f"{host} is not an address of this machine") from None
        raise ConfigError(flag, f"cannot listen on {host}:{port} ({error.strerror})") from None
    return listener


def serve(listener: socket.socket, app: Any) -> BaseWSGIServer:
    """A threaded WSGI server for `app` on an already listening socket."""
    host, port = listener.getsockname()[:2]
    return make_server(host, port, app, threaded=True, fd=listener.fileno())


def url_host(host: str) -> str:
    """The host to put in URLs for a listening address (a wildcard becomes loopback)."""
    if host in ("0.0.0.0", "::", ""):  # noqa: S104
        return "127.0.0.1"
    return f"[{host}]" if ":" in host else host  # an IPv6 address is bracketed in a URL


def start(
    args: argparse.Namespace, control_token: str
) -> tuple[list[BaseWSGIServer], DemoLogin, NewClient]:
    """Bind the storefront and the emulator (offline); migrate and seed; the servers and login."""
    from klarna_emulator import create_app as create_emulator
    from klarna_emulator.config import allowed_hosts_for
    from storefront import SHOP_NAME, create_app

    local = {**read_instance_config(INSTANCE_PATH), **read_environment(os.environ)}
    require_pair(local, "KLARNA_USERNAME", "KLARNA_PASSWORD")
    offline = not local.get("KLARNA_API_URL")
    defaults: dict[str, Any] = {
        "SECRET_KEY": dev_secret_key(INSTANCE_PATH),
        "SESSION_COOKIE_SECURE": False,
        "KLARNA_DEV_PANEL": True,
        "MAIL_BACKEND": "file",  # order confirmations as .eml files in instance/mail/
        "GRAPHQL_INTROSPECTION": True,  # demo mode: GraphQL tools may read the schema
    }
    # Each socket is closed on the way out: on success each server holds its own duplicate.
    with contextlib.ExitStack() as sockets:
        shop_socket = sockets.enter_context(listen(args.host, args.port, "--port"))
        # Klarna's callback URLs come from the address listened on, never from a request's Host.
        defaults["PUBLIC_URL"] = f"http://{url_host(args.host)}:{shop_socket.getsockname()[1]}/"
        if offline:
            emulator_socket = sockets.enter_context(
                listen(args.emulator_host, args.emulator_port, "--emulator-port", "--emulator-host")
            )
            emulator_url = (
                f"http://{url_host(args.emulator_host)}:{emulator_socket.getsockname()[1]}"
            )
            defaults.update(
                KLARNA_API_URL=f"{emulator_url}/",
                KLARNA_USERNAME=local.get("KLARNA_USERNAME", EMULATOR_USERNAME),
                KLARNA_PASSWORD=local.get("KLARNA_PASSWORD", EMULATOR_PASSWORD),
                KLARNA_SDK_URL=f"{emulator_url}{SDK_PATH}",
                KLARNA_TEST_DATA=True,  # the payment page lists the emulator's test shoppers
            )
        app = create_app(defaults=defaults)
        admin, api_client = prepare_database(app)
        servers = [serve(shop_socket, app)]
        if offline:
            # The credentials the shop validated are the ones the emulator accepts. The shop never
            # uses the control plane; its token keeps other local programs and web pages out. It
            # is random and never shown, unless EMULATOR_CONTROL_TOKEN chooses it (for tests and
            # for a developer who wants to drive the emulator by hand).
            emulator_config = {key: app.config[f"KLARNA_{key}"] for key in ("USERNAME", "PASSWORD")}
            emulator_config.update(
                MERCHANT_NAME=SHOP_NAME,
                CONTROL_TOKEN=control_token,
                ALLOWED_HOSTS=allowed_hosts_for(args.emulator_host),
            )
            servers.append(serve(emulator_socket, create_emulator(emulator_config)))
    return servers, admin, api_client


def prepare_database(app: Any) -> tuple[DemoLogin, NewClient]:
    """Migrate, seed the demo catalog, give the demo admin a new password, add an API client."""
    from flask_migrate import upgrade
    from sqlalchemy.exc import OperationalError

    from storefront.seed import seed_demo_data
    from storefront.services.admin_accounts import reset_demo_admin
    from storefront.services.api_clients import create_client

    with app.app_context():
        try:
            upgrade()
        except OperationalError as error:
            reason = str(error.orig).strip().splitlines()[0]
            raise ConfigError("DATABASE_URL", f"cannot open the database ({reason})") from None
        seed_demo_data()
        # Demo mode only (production creates no account or client): the admin's password and
        # the API client's secret are printed once at start for trying the shop, never logged
        # or stored as given. In production, `flask api-client create` prints a secret once.
        return reset_demo_admin(), create_client("Demo client (app.py)")


class ReadableLog(logging.Formatter):
    """Log lines for a developer's terminal: a Klarna call in one short line, the rest as is.

    The call log's full JSON line stays on the record (`record.klarna`) for other handlers.
    """

    def format(self, record: logging.LogRecord) -> str:
        """A Klarna call as `Klarna <operation> <status> <ms> ms correlation_id=<id>`."""
        facts = getattr(record, "klarna", None)
        if isinstance(facts, dict):
            record = logging.makeLogRecord(
                {**record.__dict__, "msg": klarna_call_line(facts), "args": ()}
            )
        return super().format(record)


def klarna_call_line(facts: dict[str, Any]) -> str:
    """One call's facts in a line: operation, status (or error), duration, correlation id."""
    outcome = facts.get("status") or "no answer"
    if facts.get("error"):
        outcome = f"{outcome} {facts.get('error_code') or facts['error']}"
    return (
        f"Klarna {facts.get('operation')} {outcome} {facts.get('duration_ms')} ms "
        f"correlation_id={facts.get('correlation_id') or '-'}"
    )


def log_to_terminal() -> None:
    """Print the shop's log (each Klarna call included) at INFO, readably, on stderr."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(ReadableLog(LOG_FORMAT, LOG_TIME_FORMAT))
    shop_log = logging.getLogger("storefront")
    shop_log.addHandler(handler)
    shop_log.setLevel(logging.INFO)  # the panel keeps its call log's DEBUG, for its bodies
    shop_log.propagate = False  # the migrations' logging setup prints to stderr too


def main(argv: list[str] | None = None) -> int:
    """Start everything, print the URLs and the demo admin's login, and serve until interrupted."""
    args = parse_args(argv)
    control_token = os.environ.get("EMULATOR_CONTROL_TOKEN") or secrets.token_urlsafe(16)
    try:
        servers, admin, api_client = start(args, control_token)
    except ConfigError as error:
        print(f"app.py: configuration error: {error}", file=sys.stderr)
        return 2
    # After the migrations, whose logging setup (alembic.ini) replaces the root logger's.
    log_to_terminal()
    storefront, *others = servers
    shop_url = f"http://{url_host(args.host)}:{storefront.port}/"
    print(f"Storefront:      {shop_url}", flush=True)
    print(f"Admin:           {shop_url}admin/ ({admin.username} / {admin.password})", flush=True)
    print(
        f"JSON:API:        {shop_url}api/ (demo client, shown in demo mode only:"
        f" client_id {api_client.client_id}, client_secret {api_client.client_secret})",
        flush=True,
    )
    for server in others:
        print(f"Klarna emulator: http://{url_host(args.emulator_host)}:{server.port}/", flush=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
    with contextlib.suppress(KeyboardInterrupt):
        storefront.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
