"""Size report: storefront modules over 400 lines and functions over 60 fail `make lint`.

    python -m tests.code_size

Functions of klarna_emulator/ are reported too, but do not change the exit status.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60
CHECKED = REPO_ROOT / "storefront"
REPORTED_ONLY = REPO_ROOT / "klarna_emulator"
# Schema migrations are one long DDL function each, written once and never edited.
MIGRATIONS = CHECKED / "migrations"
# Data, not logic: the demo catalog and its seeding may be as long as the catalog is.
LONG_MODULES_ALLOWED = (CHECKED / "seed.py", CHECKED / "catalog_data.py")


def python_files(root: Path) -> list[Path]:
    """Every Python file under `root` but the migrations, in a stable order."""
    return sorted(path for path in root.rglob("*.py") if MIGRATIONS not in path.parents)


def relative(path: Path) -> str:
    """The path as the repository names it."""
    return path.relative_to(REPO_ROOT).as_posix()


def long_module(path: Path) -> str | None:
    """A line about the module if it is over the limit and not exempt, else None."""
    lines = len(path.read_text(encoding="utf-8").splitlines())
    if lines <= MAX_MODULE_LINES or path in LONG_MODULES_ALLOWED:
        return None
    return f"{relative(path)}: {lines} lines (module limit {MAX_MODULE_LINES})"


def long_functions(path: Path) -> Iterator[str]:
    """A line for each function or method in the file over the limit, nested ones included."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            assert node.end_lineno is not None  # always set by ast.parse
            lines = node.end_lineno - node.lineno + 1
            if lines > MAX_FUNCTION_LINES:
                yield (
                    f"{relative(path)}:{node.lineno} {node.name}(): {lines} lines "
                    f"(function limit {MAX_FUNCTION_LINES})"
                )


def main() -> int:
    """Print every finding; 1 if storefront/ has any, else 0."""
    failures: list[str] = []
    for path in python_files(CHECKED):
        if module := long_module(path):
            failures.append(module)
        failures.extend(long_functions(path))
    reported = [line for path in python_files(REPORTED_ONLY) for line in long_functions(path)]
    for line in failures:
        print(f"too long: {line}")
    for line in reported:
        print(f"long (reported only): {line}")
    print(f"code size: {len(failures)} problem(s) in storefront/, {len(reported)} reported only")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
