"""Run the demo storefront, and the offline Klarna emulator unless real Klarna is configured.

    python app.py [--host 127.0.0.1] [--port 5000] [--emulator-port 5001]

This is the demo/development mode: it generates a secret key into instance/, migrates the
database and seeds the demo catalog. Production runs under gunicorn instead (see README).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import secrets
import sys
import threading
from pathlib import Path
from typing import Any, NoReturn

from werkzeug.serving import BaseWSGIServer, make_server

from storefront.config import (
    EMULATOR_PASSWORD,
    EMULATOR_USERNAME,
    SDK_PATH,
    ConfigError,
    read_environment,
    read_instance_config,
    require_pair,
)

INSTANCE_PATH = Path(__file__).resolve().parent / "instance"


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


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Parse the command-line flags."""
    parser = OneLineArgumentParser(prog="app.py", description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1", help="interface to listen on")
    parser.add_argument("--port", type=port_number, default=5000, help="storefront port")
    parser.add_argument(
        "--emulator-port",
        type=port_number,
        default=5001,
        help="Klarna emulator port (offline mode)",
    )
    return parser.parse_args(argv)


def dev_secret_key(instance_path: Path) -> str:
    """Return the demo secret key from instance/secret_key, generating it on first start."""
    path = instance_path / "secret_key"
    if not path.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def bind(host: str, port: int, app: Any, flag: str) -> BaseWSGIServer:
    """Bind a threaded WSGI server, turning 'address in use' into a one-line config error."""
    try:
        return make_server(host, port, app, threaded=True)
    except OSError as error:
        raise ConfigError(flag, f"cannot listen on {host}:{port} ({error.strerror})") from None


def url_host(host: str) -> str:
    """The host to put in URLs for a listening address (a wildcard becomes loopback)."""
    return "127.0.0.1" if host in ("0.0.0.0", "::", "") else host  # noqa: S104


def start(args: argparse.Namespace) -> list[BaseWSGIServer]:
    """Bind the emulator (offline) and the storefront; migrate and seed; return the servers."""
    from klarna_emulator import create_app as create_emulator
    from storefront import create_app
    from storefront.seed import seed_demo_data

    local = {**read_instance_config(INSTANCE_PATH), **read_environment(os.environ)}
    defaults: dict[str, Any] = {
        "SECRET_KEY": dev_secret_key(INSTANCE_PATH),
        "SESSION_COOKIE_SECURE": False,
    }
    servers: list[BaseWSGIServer] = []
    require_pair(local, "KLARNA_USERNAME", "KLARNA_PASSWORD")
    if not local.get("KLARNA_API_URL"):
        username = local.get("KLARNA_USERNAME", EMULATOR_USERNAME)
        password = local.get("KLARNA_PASSWORD", EMULATOR_PASSWORD)
        emulator = create_emulator({"USERNAME": username, "PASSWORD": password})
        server = bind(args.host, args.emulator_port, emulator, "--emulator-port")
        emulator_url = f"http://{url_host(args.host)}:{server.server_port}"
        defaults.update(
            KLARNA_API_URL=f"{emulator_url}/",
            KLARNA_USERNAME=username,
            KLARNA_PASSWORD=password,
            KLARNA_SDK_URL=f"{emulator_url}{SDK_PATH}",
        )
        servers.append(server)

    app = create_app(defaults=defaults)
    with app.app_context():
        from flask_migrate import upgrade
        from sqlalchemy.exc import OperationalError

        try:
            upgrade()
        except OperationalError as error:
            reason = str(error.orig).strip().splitlines()[0]
            raise ConfigError("DATABASE_URL", f"cannot open the database ({reason})") from None
        seed_demo_data()
    servers.insert(0, bind(args.host, args.port, app, "--port"))
    return servers


def main(argv: list[str] | None = None) -> int:
    """Start everything, print the URLs, and serve until interrupted."""
    args = parse_args(argv)
    try:
        servers = start(args)
    except ConfigError as error:
        print(f"app.py: configuration error: {error}", file=sys.stderr)
        return 2
    storefront, *others = servers
    print(f"Storefront:      http://{url_host(args.host)}:{storefront.server_port}/", flush=True)
    for server in others:
        print(f"Klarna emulator: http://{url_host(args.host)}:{server.server_port}/", flush=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
    with contextlib.suppress(KeyboardInterrupt):
        storefront.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
