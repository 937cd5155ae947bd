"""The Klarna core (storefront/klarna/) imports neither Flask nor the rest of the shop.

That is what lets a developer copy the package into another app on its own. Relative imports
are resolved against the importing module's package before they are checked.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CORE = ROOT / "storefront" / "klarna"
CORE_PACKAGE = "storefront.klarna"
FRAMEWORKS = ("flask", "werkzeug")


def module_name(path: Path) -> str:
    """The dotted name of a module file under the repository root."""
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path) -> Iterator[str]:
    """Every module a file imports, relative imports made absolute."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")
            if node.level:
                base = base[: len(base) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            yield target
            # `from storefront import addresses` imports a module too.
            yield from (f"{target}.{alias.name}" for alias in node.names)


def is_forbidden(module: str) -> bool:
    """Flask, Werkzeug, a flask_* extension, or a storefront module outside the core."""
    top = module.split(".")[0]
    if top in FRAMEWORKS or top.startswith("flask_"):
        return True
    if top != "storefront" or module == "storefront":
        return False
    return not (module == CORE_PACKAGE or module.startswith(CORE_PACKAGE + "."))


@pytest.mark.parametrize("path", sorted(CORE.rglob("*.py")), ids=lambda path: path.name)
def test_core_module_imports_nothing_from_flask_or_the_shop(path: Path) -> None:
    forbidden = sorted({module for module in imported_modules(path) if is_forbidden(module)})
    assert forbidden == [], f"{path.relative_to(ROOT)} imports {', '.join(forbidden)}"


def test_relative_imports_are_resolved_before_checking() -> None:
    forbidden = [
        module
        for module in ("storefront.addresses", "storefront.klarna.client", "flask_wtf.form")
        if is_forbidden(module)
    ]
    assert forbidden == ["storefront.addresses", "flask_wtf.form"]


# The headless doors (GraphQL, JSON:API) reach Klarna only through the shop's services, which
# keep the session in step and place each order once; a door calling the client itself would not.
HEADLESS_PACKAGES = ("storefront/graphql", "storefront/headless", "storefront/jsonapi")
KLARNA_CALLERS = ("storefront.klarna.client", "storefront.klarna.order_management")


def headless_modules() -> list[Path]:
    """Every module of the headless doors' packages present in this checkout."""
    return sorted(path for package in HEADLESS_PACKAGES for path in (ROOT / package).rglob("*.py"))


def calls_klarna_directly(module: str) -> bool:
    """Whether importing `module` reaches Klarna's HTTP client or Order Management itself."""
    return any(module == caller or module.startswith(caller + ".") for caller in KLARNA_CALLERS)


@pytest.mark.parametrize("path", headless_modules(), ids=lambda path: str(path.relative_to(ROOT)))
def test_headless_doors_reach_klarna_only_through_services(path: Path) -> None:
    direct = sorted({module for module in imported_modules(path) if calls_klarna_directly(module)})
    assert direct == [], f"{path.relative_to(ROOT)} imports {', '.join(direct)}"


def test_the_headless_rule_sees_every_door_and_both_clients() -> None:
    assert any("graphql" in str(path) for path in headless_modules())
    assert calls_klarna_directly("storefront.klarna.client.KlarnaClient")
    assert calls_klarna_directly("storefront.klarna.order_management")
    assert not calls_klarna_directly("storefront.klarna.bodies")
