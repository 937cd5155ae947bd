"""The shop's translation catalogs for tests: compiled before a run, extracted afresh to compare.

`make test` compiles the .mo files too (the Makefile); compiling here as well means a plain
`pytest` in a fresh clone reads German and Swedish pages, not the English msgids.
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

REPO_ROOT = Path(__file__).resolve().parent.parent.parent
TRANSLATIONS = REPO_ROOT / "storefront" / "translations"
# As the Makefile's `translations` target extracts: the form labels are lazy_gettext.
KEYWORDS = {**DEFAULT_KEYWORDS, "lazy_gettext": None}


def po_files() -> list[Path]:
    """Each language's messages.po."""
    return sorted(TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"))


def read_catalog(path: Path) -> Catalog:
    """A .po or .pot file as a Babel catalog."""
    with path.open("rb") as file:
        return read_po(file)


def compile_catalogs() -> None:
    """Write each messages.mo that is missing or older than its messages.po."""
    for po in po_files():
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        catalog = read_catalog(po)
        temporary = mo.with_suffix(f".mo.{id(catalog)}")
        with temporary.open("wb") as file:
            write_mo(file, catalog)
        temporary.replace(mo)  # atomic: parallel workers never read half a file


def extract_messages() -> Catalog:
    """Every translatable string in the code and templates, as `make translations` finds it."""
    with (REPO_ROOT / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    catalog = Catalog()
    for filename, lineno, message, comments, context in extract_from_dir(
        str(REPO_ROOT),
        method_map,
        options_map,
        keywords=KEYWORDS,
        directory_filter=lambda path: (
            not Path(path).name.startswith((".", "_")) and Path(path).name != "node_modules"
        ),
    ):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog
