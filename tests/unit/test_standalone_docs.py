"""The repository stands alone: no file cites a document outside it, cited notes exist.

Whoever clones the project has only what is in it, so sources are docs.klarna.com pages or
docs/klarna-notes.md, never a document the authors had beside the repository.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

from tests.support.markdown import heading_anchor

ROOT = Path(__file__).resolve().parents[2]
THIS_FILE = Path(__file__).resolve().relative_to(ROOT)
NOTES = Path("docs/klarna-notes.md")

# Citations of documents that live outside the repository. "merchant reference 1" is a
# Klarna field (merchant_reference1), not a citation.
OUTSIDE_CITATION = re.compile(
    r"""
    \.\./shared\b | \bshared/klarna\b | \bseeds/
    | \breference\.md\b | \bpeers\.md\b | \bbeyond-the-widget\b
    | \breference\ sections?\ \d
    | (?<!merchant\ )(?<!Merchant\ )\breference\ \d+(?:\.\d+)*\b
    | \b[Ii]ssue\ \d+\b | \bcomplaint\ \d+\b
    """,
    re.VERBOSE,
)
NOTES_CITATION = re.compile(r"docs/klarna-notes\.md#([\w-]+)")
LOCK_FILES = re.compile(r"(\.lock|-lock\.json|-lock\.yaml)$")
SKIPPED_DIRECTORIES = {"__pycache__", "node_modules", "venv"}


def repository_files() -> list[Path]:
    """Files in the repository: git's tracked and unignored files, else a walk of the tree."""
    git = shutil.which("git")
    if git is not None:
        listing = subprocess.run(  # noqa: S603 - fixed arguments, no shell
            [git, "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=ROOT,
            capture_output=True,
            check=False,
        )
        if listing.returncode == 0:
            names = listing.stdout.decode("utf-8").split("\0")
            return sorted({Path(name) for name in names if name and (ROOT / name).is_file()})
    return sorted(path.relative_to(ROOT) for path in walk(ROOT))


def walk(directory: Path) -> Iterator[Path]:
    """Every file under `directory`, without hidden, cache and virtualenv directories."""
    for path in directory.iterdir():
        if path.name.startswith("."):
            continue
        if path.is_dir():
            if path.name not in SKIPPED_DIRECTORIES:
                yield from walk(path)
        elif path.is_file():
            yield path


def text_lines(path: Path) -> list[str]:
    """The file's lines, or none for a binary file (NUL bytes, or not UTF-8)."""
    data = (ROOT / path).read_bytes()
    if b"\0" in data:
        return []
    try:
        return data.decode("utf-8").splitlines()
    except UnicodeDecodeError:
        return []


def scanned_files() -> list[Path]:
    """The text files to check: all but lock files and this test, which names the patterns."""
    return [
        path
        for path in repository_files()
        if path != THIS_FILE and not LOCK_FILES.search(path.name)
    ]


def test_no_file_cites_a_document_outside_the_repository() -> None:
    citations = [
        f"{path}:{number}: {line.strip()}"
        for path in scanned_files()
        for number, line in enumerate(text_lines(path), start=1)
        if OUTSIDE_CITATION.search(line)
    ]
    assert not citations, (
        "cite a docs.klarna.com page or docs/klarna-notes.md#<heading> instead:\n"
        + "\n".join(citations)
    )


def test_every_cited_klarna_note_exists() -> None:
    headings = [line.lstrip("#") for line in text_lines(NOTES) if line.startswith("#")]
    anchors = {heading_anchor(heading) for heading in headings}
    missing = [
        f"{path}:{number}: #{anchor}"
        for path in scanned_files()
        for number, line in enumerate(text_lines(path), start=1)
        for anchor in NOTES_CITATION.findall(line)
        if anchor not in anchors
    ]
    assert not missing, f"no such heading in {NOTES}:\n" + "\n".join(missing)


def test_the_patterns_find_outside_citations_and_spare_klarna_fields() -> None:
    # Written in pieces, so that no grep for outside citations finds this file's own samples.
    cited = [
        "see ../" + "shared/klarna/reference" + ".md section 5",
        "(reference " + "section 6.1)",
        "meaning is UNCONFIRMED (reference 4.2)",
        "(peers" + ".md complaint 1)",
        "Iss" + "ue 7's race",
        "(iss" + "ue 7: at least 1,000 examples)",
        "the seeds/ folder",
    ]
    legit = [
        "New merchant reference 1. Old reference will be overwritten",
        "line.reference",
        "(Reference: corr-123)",
        "krokedil/klarna-payments-for-woocommerce#31",
        "docs/klarna-notes.md#repeated-create-order",
    ]
    assert [text for text in cited if not OUTSIDE_CITATION.search(text)] == []
    assert [text for text in legit if OUTSIDE_CITATION.search(text)] == []
