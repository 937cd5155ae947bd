"""Run the whole suite as CI does: get a Chromium and nginx, run everything on SQLite, then the
unit and integration tests on PostgreSQL.

    python tests/suite.py [extra pytest args]

Every pass loads the `ci` Hypothesis profile (full-size fuzzing and property tests) unless
HYPOTHESIS_PROFILE names another, and prints the 15 slowest tests. The unit and integration
tests run on two processes (pytest-xdist, one per core: each has its own database, emulator and
servers); the browser tests run on one, as their timings assume. The PostgreSQL pass uses
TEST_POSTGRES_URL (default postgresql://root@127.0.0.1:5432/test) and is skipped, with the
reason printed, only when no server answers there; the hostile-input fuzzing runs there too,
at the `dev` profile's size (it ran at full size on SQLite).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import psycopg

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from tests.support.chromium import ensure_chromium  # noqa: E402
from tests.support.hypothesis_profiles import PROFILE_VARIABLE  # noqa: E402
from tests.support.system_packages import ensure_nginx  # noqa: E402

DEFAULT_POSTGRES_URL = "postgresql://root@127.0.0.1:5432/test"
SLOWEST_SHOWN = "--durations=15"
# Each file stays on one worker, so a module that prints a table prints all of it.
IN_PARALLEL = ["-n", "2", "--dist", "loadfile"]


def pytest(args: list[str], database_url: str | None, profile: str = "ci") -> int:
    """Run pytest in a child process against the given database (None: SQLite)."""
    env = {key: value for key, value in os.environ.items() if key != "TEST_DATABASE_URL"}
    env.setdefault(PROFILE_VARIABLE, profile)
    if database_url:
        env["TEST_DATABASE_URL"] = database_url
    command = [sys.executable, "-m", "pytest", SLOWEST_SHOWN, *args]
    return subprocess.run(command, cwd=REPO_ROOT, env=env, check=False).returncode  # noqa: S603


def postgres_unreachable(url: str) -> str | None:
    """None when a PostgreSQL server answers at `url`, else the reason it does not."""
    try:
        with psycopg.connect(url, connect_timeout=3):
            return None
    except psycopg.OperationalError as error:
        return str(error).strip().splitlines()[0]


def main(extra: list[str]) -> int:
    """Run both passes and return a non-zero status if anything failed."""
    if not ensure_chromium():
        print("No Chromium for the browser tests, and none could be installed.", flush=True)
        return 1
    if not ensure_nginx():
        print("No nginx for the production-serving test, and none could be installed.", flush=True)
        return 1
    results: dict[str, int | str] = {}
    print("\n=== Pass 1a: unit and integration tests on SQLite ===", flush=True)
    results["SQLite (all but e2e)"] = pytest([*IN_PARALLEL, *extra, "-m", "not e2e"], None)
    print("\n=== Pass 1b: the browser tests on SQLite ===", flush=True)
    results["SQLite (e2e)"] = pytest([*extra, "-m", "e2e"], None)

    postgres_url = os.environ.get("TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)
    reason = postgres_unreachable(postgres_url)
    if reason:
        print(f"\n=== Pass 2 skipped: no PostgreSQL at {postgres_url}: {reason} ===", flush=True)
        results["PostgreSQL"] = f"skipped ({reason})"
    else:
        print(f"\n=== Pass 2: unit and integration tests on PostgreSQL ({postgres_url}) ===")
        sys.stdout.flush()
        args = [*IN_PARALLEL, *extra, "-m", "not e2e and not fuzz"]
        results["PostgreSQL (all but e2e and fuzzing)"] = pytest(args, postgres_url)
        # The fuzzing ran at full size on SQLite; here it checks PostgreSQL's own failure
        # modes (NUL characters, locks) at the `dev` profile's size, to keep CI in its time.
        print(f"\n=== Pass 3: the fuzzing, smaller, on PostgreSQL ({postgres_url}) ===")
        sys.stdout.flush()
        args = [*IN_PARALLEL, *extra, "-m", "fuzz"]
        results["PostgreSQL (fuzzing, dev size)"] = pytest(args, postgres_url, profile="dev")

    print("\n=== Summary ===")
    for name, outcome in results.items():
        status = outcome if isinstance(outcome, str) else ("passed" if outcome == 0 else "FAILED")
        print(f"{name}: {status}")
    return 1 if any(isinstance(code, int) and code != 0 for code in results.values()) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
