"""The README's table of Klarna integration steps names files and functions that exist."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TABLE_HEADING = "### Each Klarna integration step, and where it is done"
CODE = re.compile(r"`([^`]+)`")
FILE = re.compile(r"^[\w./-]+\.(py|js|html)$")


def step_rows() -> list[str]:
    """The "File and function" cell of each row of the README's steps table, prose removed."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    table = text.split(TABLE_HEADING, 1)[1].split("\n\n", 2)[1]
    # "(the place-order form's `submit` handler)" describes, it names no function.
    return [re.sub(r"\([^)]*\)", "", line.split(" | ")[-1]) for line in table.splitlines()[2:]]


def python_names(path: Path) -> set[str]:
    """Functions, classes and module constants a Python file defines (methods included)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(target.id for target in node.targets if isinstance(target, ast.Name))
    return names


def defined_in(path: Path, name: str) -> bool:
    """Whether the file defines `name` (a Python definition, or a JS const or function)."""
    if path.suffix == ".py":
        return name in python_names(path)
    pattern = rf"\b(?:const|let|function)\s+{re.escape(name)}\b"
    return re.search(pattern, path.read_text(encoding="utf-8")) is not None


def named_places(cell: str) -> list[tuple[str, str | None]]:
    """(file, name) for each name in a cell, after the file it follows; (file, None) for a file.

    `module.name` (e.g. `order_placement.place_order`): a module of that name under storefront/.
    """
    places: list[tuple[str, str | None]] = []
    current = None
    for code in CODE.findall(cell):
        if FILE.match(code):
            current = code
            places.append((code, None))
        elif re.fullmatch(r"[a-z_]+\.[A-Za-z_]+", code):
            module, name = code.split(".")
            modules = sorted(ROOT.glob(f"storefront/**/{module}.py"))
            found = [path for path in modules if defined_in(path, name)]
            path = found[0].relative_to(ROOT) if found else f"storefront/**/{module}.py"
            places.append((str(path), name))
        elif re.fullmatch(r"[A-Za-z_]\w*", code):
            assert current is not None, f"{code!r} follows no file"
            places.append((current, code))
    return places


@pytest.mark.parametrize("cell", step_rows())
def test_readme_steps_table_names_only_functions_that_exist(cell: str) -> None:
    missing = [
        f"{path}: {name}" if name else path
        for path, name in named_places(cell)
        if not (ROOT / path).is_file() or (name and not defined_in(ROOT / path, name))
    ]
    assert missing == []
