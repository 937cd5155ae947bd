"""Command line: `python -m klarna_emulator --host 127.0.0.1 --port 5001`."""

from __future__ import annotations

import argparse
import contextlib

from werkzeug.serving import make_server

from klarna_emulator import create_app
from klarna_emulator.config import DEFAULTS, WILDCARD_ADDRESSES, allowed_hosts_for, host_entry


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Parse the emulator's command-line flags."""
    parser = argparse.ArgumentParser(prog="python -m klarna_emulator", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="interface to listen on")
    parser.add_argument("--port", type=int, default=5001, help="port to listen on (0: any free)")
    parser.add_argument("--username", default=DEFAULTS["USERNAME"], help="merchant API username")
    parser.add_argument("--password", default=DEFAULTS["PASSWORD"], help="merchant API password")
    parser.add_argument(
        "--merchant-name",
        default=DEFAULTS["MERCHANT_NAME"],
        help="the shop's name, as Klarna's widget and purchase dialog show it",
    )
    parser.add_argument(
        "--control-token",
        help="require this value in the X-Emulator-Token header of every /_emulator/ request",
    )
    parser.add_argument(
        "--allowed-host",
        action="append",
        default=[],
        metavar="NAME",
        help="also answer requests whose Host is NAME (repeatable; loopback names and --host "
        "are always allowed)",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    """Start the emulator and serve until interrupted."""
    args = parse_args(argv)
    app = create_app(
        {
            "USERNAME": args.username,
            "PASSWORD": args.password,
            "MERCHANT_NAME": args.merchant_name,
            "CONTROL_TOKEN": args.control_token,
            "ALLOWED_HOSTS": [*allowed_hosts_for(args.host), *args.allowed_host],
        }
    )
    server = make_server(args.host, args.port, app, threaded=True)
    # A wildcard is no address to browse to (nor an allowed host): show loopback instead.
    shown = "127.0.0.1" if args.host in WILDCARD_ADDRESSES else host_entry(args.host)
    url = f"http://{shown}:{server.server_port}/"
    print(f"Klarna emulator on {url}", flush=True)
    print(f"Try the JS SDK by hand: {url}_emulator/example", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()


if __name__ == "__main__":
    main()
