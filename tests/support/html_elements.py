"""Read a rendered page's elements (tag, attributes, text) with the standard library's parser."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

# Elements that never have an end tag, so never hold text (the media ones left out: no media).
VOID_ELEMENTS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "wbr"}


@dataclass
class Element:
    """One element of a page: its tag, its attributes, all the text inside it, its parent."""

    tag: str
    attrs: dict[str, str]
    parent: Element | None = field(default=None, repr=False, compare=False)
    text: str = ""

    @property
    def classes(self) -> list[str]:
        """The names in its class attribute."""
        return self.attrs.get("class", "").split()


class _ElementCollector(HTMLParser):
    """Collects every element in document order, adding text to each element it is in."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self.open: list[Element] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Record the element; keep it open for text unless it is void."""
        parent = self.open[-1] if self.open else None
        element = Element(tag, {name: value or "" for name, value in attrs}, parent)
        self.elements.append(element)
        if tag not in VOID_ELEMENTS:
            self.open.append(element)

    def handle_endtag(self, tag: str) -> None:
        """Close the innermost open element with this tag (and any left unclosed inside it)."""
        while self.open and self.open.pop().tag != tag:
            pass

    def handle_data(self, data: str) -> None:
        """Text belongs to every element it is inside."""
        for element in self.open:
            element.text += data


def page_elements(page: str) -> list[Element]:
    """Every element of an HTML page, in document order."""
    collector = _ElementCollector()
    collector.feed(page)
    collector.close()
    return collector.elements
