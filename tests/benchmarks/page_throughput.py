"""Print each shop page's requests per second next to a bare Flask app's, served the same way.

    .venv/bin/python -m tests.benchmarks.page_throughput [--seconds 10] [--connections 8]

Both apps run under gunicorn with 2 sync workers on this machine, on a migrated and seeded
SQLite database (the shop) and the bundled emulator for the payment page's Klarna session;
wrk (Debian's package) sends the load. The pages with a cart are asked for with one shopper's
session cookie, so the cart is unchanged between requests (the payment page then makes no
Klarna call). Targets: catalog pages at least 60 % of bare Flask, cart and payment pages 35 %.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.support.http_shopper import HttpShopper
from tests.support.production_shop import (
    free_port,
    gunicorn,
    prepare_database,
    running,
    shop_env,
)
from tests.support.system_packages import apt_install, can_apt_install

WORKERS = ["--workers", "2"]
CART = ("TEE-ORG", "MUG-STN", "COF-BEAN")
# page name, path, whether it needs the shopper's cookie, target share of bare Flask
PAGES = (
    ("home (catalog)", "/", False, 60),
    ("product", "/products/{slug}", False, 60),
    ("cart with 3 lines", "/cart", True, 35),
    ("payment, cart unchanged", "/checkout/payment", True, 35),
)
RATE = re.compile(r"Requests/sec:\s+([\d.]+)")
NON_2XX = re.compile(r"Non-2xx or 3xx responses:\s+(\d+)")


def ensure_wrk() -> str:
    """The wrk executable, installed from Debian's packages if missing and possible."""
    found = shutil.which("wrk")
    if found is None and can_apt_install():
        apt_install("wrk")
        found = shutil.which("wrk")
    if found is None:
        sys.exit("wrk is needed: install Debian's wrk package")
    return found


def wrk_rate(wrk: str, url: str, seconds: int, connections: int, cookie: str | None) -> float:
    """Requests per second wrk measured; exits if any answer was not 2xx/3xx."""
    command = [wrk, "-t2", f"-c{connections}", f"-d{seconds}s", url]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603
    errors = NON_2XX.search(output)
    if errors:
        sys.exit(f"{url}: {errors.group(1)} answers were not 2xx/3xx\n{output}")
    match = RATE.search(output)
    assert match, output
    return float(match.group(1))


def product_slug(shopper: HttpShopper) -> str:
    """The slug of the first product on the home page."""
    match = re.search(r'href="/products/([\w-]+)"', shopper.get("/").text)
    assert match, "no product link on the home page"
    return match.group(1)


def measure(seconds: int, connections: int) -> list[tuple[str, float, float, int]]:
    """(page, shop rate, bare Flask rate, target %) per page, bare Flask measured alongside."""
    wrk = ensure_wrk()
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        emulator_port, shop_port, bare_port = free_port(), free_port(), free_port()
        emulator_url = f"http://127.0.0.1:{emulator_port}/"
        env = shop_env(
            f"sqlite:///{Path(folder) / 'shop.sqlite'}",
            f"http://127.0.0.1:{shop_port}/",
            emulator_url,
        )
        prepare_database(env)
        emulator = [sys.executable, "-m", "klarna_emulator", "--port", str(emulator_port)]
        bare = gunicorn(bare_port, *WORKERS, app="tests.benchmarks.bare_flask:app")
        with (
            running(emulator, env, emulator_port),
            running(gunicorn(shop_port, *WORKERS), env, shop_port),
            running(bare, env, bare_port),
        ):
            shopper = HttpShopper(f"http://127.0.0.1:{shop_port}")
            for sku in CART:
                shopper.add(sku)
            shopper.fill_checkout("GB")
            assert shopper.get("/checkout/payment").status_code == 200  # creates the session
            slug = product_slug(shopper)
            for name, path, with_cookie, target in PAGES:
                url = f"http://127.0.0.1:{shop_port}{path.format(slug=slug)}"
                cookie = shopper.cookie_header() if with_cookie else None
                # Bare Flask right before each page: the machine's load changes over a run.
                baseline = wrk_rate(
                    wrk, f"http://127.0.0.1:{bare_port}/", seconds, connections, None
                )
                rows.append(
                    (name, wrk_rate(wrk, url, seconds, connections, cookie), baseline, target)
                )
    return rows


def main() -> None:
    """Measure and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10, help="length of each wrk run")
    parser.add_argument("--connections", type=int, default=8, help="wrk's open connections")
    args = parser.parse_args()
    rows = measure(args.seconds, args.connections)
    print("| Page | Shop req/s | Bare Flask req/s | Share | Target |")
    print("|---|---:|---:|---:|---:|")
    for name, rate, baseline, target in rows:
        share = 100 * rate / baseline
        mark = "met" if share >= target else "missed"
        print(f"| {name} | {rate:.0f} | {baseline:.0f} | {share:.0f} % | {target} % ({mark}) |")


if __name__ == "__main__":
    main()
