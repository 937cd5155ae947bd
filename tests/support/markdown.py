"""Read the project's Markdown docs as GitHub renders them: headings, anchors, links, diagrams."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FENCE = re.compile(r"^(```|~~~)")
# [text](target) and ![alt](target); the target ends at the first space or ")".
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
INLINE_CODE = re.compile(r"`[^`\n]*`")


def documentation_files() -> list[Path]:
    """The shop's and the emulator's README.md and docs/*.md, as paths relative to the root."""
    found: list[Path] = []
    for folder in (ROOT, ROOT / "klarna_emulator"):
        docs = sorted(path.relative_to(ROOT) for path in (folder / "docs").glob("*.md"))
        found += [(folder / "README.md").relative_to(ROOT), *docs]
    return found


def heading_anchor(heading: str) -> str:
    """The anchor a Markdown renderer gives a heading, e.g. "Worked GB cart" -> worked-gb-cart."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def prose_lines(text: str) -> list[str]:
    """The lines outside fenced code blocks (a `# comment` in a shell block is no heading)."""
    lines, fenced = [], False
    for line in text.splitlines():
        if FENCE.match(line.strip()):
            fenced = not fenced
        elif not fenced:
            lines.append(line)
    return lines


def anchors(text: str) -> set[str]:
    """Every heading's anchor, numbered as GitHub numbers repeats (`name`, `name-1`, ...)."""
    found: set[str] = set()
    for line in prose_lines(text):
        heading = re.match(r"^#{1,6}\s+(.*?)\s*#*$", line)
        if heading is None:
            continue
        anchor = base = heading_anchor(heading.group(1))
        repeat = 0
        while anchor in found:
            repeat += 1
            anchor = f"{base}-{repeat}"
        found.add(anchor)
    return found


def link_targets(text: str) -> list[str]:
    """The target of every link and image in the prose, inline code left out."""
    return [
        target for line in prose_lines(text) for target in LINK.findall(INLINE_CODE.sub("", line))
    ]


def broken_links(document: Path) -> list[str]:
    """The relative links of a document (a path under the root) whose file or heading is missing.

    Links with a scheme (https:, mailto:) are left to the reader: the suite runs offline.
    """
    text = (ROOT / document).read_text(encoding="utf-8")
    broken = []
    for target in link_targets(text):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target):
            continue
        path_part, _, anchor = target.partition("#")
        path = (ROOT / document).parent / path_part if path_part else ROOT / document
        if not path.exists():
            broken.append(f"{document}: {target} (no such file)")
        elif anchor and path.suffix == ".md" and anchor not in anchors(path.read_text("utf-8")):
            broken.append(f"{document}: {target} (no such heading)")
    return broken


def mermaid_blocks(text: str) -> list[str]:
    """The text of every ```mermaid fenced block."""
    return re.findall(r"^```mermaid\n(.*?)^```", text, flags=re.MULTILINE | re.DOTALL)
