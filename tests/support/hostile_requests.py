"""Hypothesis strategies for hostile requests: malformed fields, forged tokens, junk bodies.

A `HostileRequest` is one request a hostile or broken client could send to a storefront
endpoint; `hostile_requests(endpoint, known)` draws them. `known` maps a field name to real
values of the scene (SKUs, Klarna session ids, the shopper's CSRF token, another shopper's
ids), so a good share of the requests gets past the first check and reaches the validation
behind it. Strategies list the simplest choice first, which is what Hypothesis shrinks to.
"""

from __future__ import annotations

import json
import operator
from collections.abc import Mapping
from dataclasses import dataclass, field
from io import BytesIO
from typing import Any
from urllib.parse import quote, urlencode

from hypothesis import strategies as st
from werkzeug.test import TestResponse

from tests.support.client import ShopClient

Known = Mapping[str, tuple[str, ...]]

# Fields every form may carry: where to go back to, and a cart token planted as a field.
SHARED_FIELDS = ("next", "cart")


@dataclass(frozen=True)
class Endpoint:
    """A route to attack: its method, its path, and the form fields its handler reads.

    `segment` names the entry of `known` whose real values (besides junk) fill the path's
    `{segment}` placeholder; `callback` marks Klarna's CSRF-exempt JSON callbacks, whose
    `key` query parameter is drawn from `known["key"]`.
    """

    method: str
    path: str
    fields: tuple[str, ...] = ()
    segment: str | None = None
    callback: bool = False

    @property
    def name(self) -> str:
        """The test id, e.g. `POST /cart/items/{segment}/quantity`."""
        return f"{self.method} {self.path}"


@dataclass(frozen=True, repr=False)
class HostileRequest:
    """One request as the test client sends it."""

    method: str
    url: str
    headers: Mapping[str, str] = field(default_factory=dict)
    data: Any = None
    content_type: str | None = None

    def send(self, client: ShopClient) -> TestResponse:
        """Send the request with the client's cookies (the attacker's session)."""
        return client.open(
            self.url,
            method=self.method,
            headers=dict(self.headers),
            data=self.data,
            content_type=self.content_type,
        )

    def __repr__(self) -> str:
        """The request in one line, cut short where a body is huge (failures print it)."""
        body = repr(self.data)
        if len(body) > 600:
            body = f"{body[:600]}... ({len(body)} characters)"
        return (
            f"{self.method} {self.url[:300]} headers={dict(self.headers)}"
            f" content_type={self.content_type!r} body={body}"
        )

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        """Show Hypothesis's failure report the same short line."""
        printer.text(repr(self))


# Strings that have broken web apps before: control and formatting characters, markup,
# template and SQL syntax, numbers Python parses oddly, and path tricks.
NASTY_STRINGS = (
    "",
    " ",
    "\x00",
    "a\x00b",
    "\t\n\r",
    "\x7f\u0085",
    "\u202e\u200b\ufeff",
    "😀",
    "ﬃ",
    "ß",
    "İ",
    "<script>alert(1)</script>",
    "{{7*7}}",
    "${7*7}",
    "' OR '1'='1' --",
    "%00",
    "%s%n",
    "../../etc/passwd",
    "-1",
    "0",
    "00",
    "1e309",
    "NaN",
    "-inf",
    "0x10",
    "1_000",
    "٣",
    "99999999999999999999999999",
    "-9223372036854775809",
    "9" * 5000,
    "x" * 600_000,  # over Werkzeug's 500 kB limit on a form field: 413
    "true",
    "null",
    "[]",
    "{}",
)
# Path segments sent as written: bad percent escapes, separators, overlong UTF-8, NUL, CRLF.
NASTY_SEGMENTS = (
    "%",
    "%zz",
    "%ff%fe",
    "%C0%AE",
    "%2e%2e",
    "..",
    "%2F",
    "a%2Fb",
    "%00",
    "a%00b",
    "%0d%0aSet-Cookie:%20x=1",
    "%25",
    "%E2%80%AE",
    "%F0%9F%98%80",
    "~",
)
# Bodies no form or JSON parser expects: deep nesting, bad encodings, JSON's odd literals.
NASTY_BODIES = (
    b"",
    b"\x00",
    b"\xff\xfe\x00\x00",
    b"[" * 100_000,
    b'{"a":' * 50_000,
    b'{"a": NaN, "b": Infinity}',
    b'{"a": 1e999}',
    b'{"a": ' + b"1" * 5000 + b"}",
    b'"a string"',
    b"[1, 2, 3]",
    b'{"a": 1, "a": 2}',
    b'--x\r\nContent-Disposition: form-data; name="a"\r\n\r\nunterminated',
)
CONTENT_TYPES = (
    "application/json",
    "text/plain",
    "application/xml",
    "application/json; charset=latin-1",
    "application/x-www-form-urlencoded",
    "application/x-www-form-urlencoded; charset=utf-16",
    "multipart/form-data",
    "multipart/form-data; boundary=",
    "multipart/form-data; boundary=x",
    "application/octet-stream",
    "",
    ";;;",
)
ACCEPT_HEADERS = (
    None,
    "application/json",
    "text/html",
    "*/*",
    "application/json, text/html;q=0.5",
    "text/html;q=0, application/json;q=0",
    "application/*",
    "nonsense;;q=x",
)
# How the CSRF token is sent; the valid placements are listed twice to be drawn more often.
CSRF_MODES = (
    "field",
    "header",
    "field",
    "header",
    "duplicated",
    "missing",
    "forged",
    "another_session",
    "tampered",
)
FORM_BODIES = ("form", "form", "multipart", "json_fields", "json", "raw")
CALLBACK_BODIES = ("json_fields", "json_fields", "json_fields", "json", "raw", "form")

# Any Unicode text but lone surrogates, which no client can encode as UTF-8.
any_text = st.text(st.characters(exclude_categories=["Cs"]), max_size=40)
huge_text = st.builds(operator.mul, st.text(min_size=1, max_size=3), st.integers(256, 20_000))
junk_text = st.one_of(
    any_text,
    st.sampled_from(NASTY_STRINGS),
    st.integers().map(str),
    st.floats().map(str),
    st.builds("{}\x00{}".format, any_text, any_text),
    huge_text,
)
# Field and file names. Werkzeug parses a multipart part whose name holds CR, LF or a
# backslash as a field named None, on which Flask-WTF's CSRF check raises (a 500, reported;
# its fix belongs in the app factory): left out until then, and pinned by an xfail test.
field_names = any_text.filter(lambda name: name and not set(name) & set("\r\n\\"))
# What a server sees in a header: bytes decoded as Latin-1, with no line break (HTTP has none).
header_values = st.text(st.characters(min_codepoint=0x20, max_codepoint=0xFF), max_size=200)
# JSON of any shape: scalars of every type, nested lists and objects.
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | junk_text,
    lambda nested: st.lists(nested, max_size=4) | st.dictionaries(any_text, nested, max_size=4),
    max_leaves=12,
)


def values_for(name: str, known: Known) -> st.SearchStrategy[str]:
    """A value for field `name`: one of the scene's real values when it has some, or junk."""
    real = known.get(name, ())
    return st.one_of(st.sampled_from(real), junk_text) if real else junk_text


def path_segments(name: str | None, known: Known) -> st.SearchStrategy[str]:
    """A path segment: a real value or junk (percent-quoted), or a bad encoding as written."""
    return st.one_of(
        values_for(name or "", known).map(lambda text: quote(text, safe="")),
        st.sampled_from(NASTY_SEGMENTS),
        any_text.map(lambda text: quote(text, safe="/")),
    )


@st.composite
def form_fields(draw: st.DrawFn, endpoint: Endpoint, known: Known) -> dict[str, Any]:
    """Each of the endpoint's fields or not (mostly yes), maybe repeated, plus unknown ones."""
    fields: dict[str, Any] = draw(st.dictionaries(field_names, junk_text, max_size=2))
    for name in (*endpoint.fields, *SHARED_FIELDS):
        # 0 (the shrink target) leaves the field out: the simplest request has fewer fields.
        presence = draw(st.integers(0, 3))
        value = values_for(name, known)
        if presence == 1:
            fields[name] = draw(st.lists(value, min_size=2, max_size=3))
        elif presence > 1:
            fields[name] = draw(value)
    return fields


@st.composite
def csrf_placement(draw: st.DrawFn, known: Known) -> tuple[dict[str, Any], dict[str, str]]:
    """Where the CSRF token goes and what it is: (form fields, headers) to add."""
    token = known["csrf_token"][0]
    mode = draw(st.sampled_from(CSRF_MODES))
    if mode == "field":
        return {"csrf_token": token}, {}
    if mode == "header":
        return {}, {"X-CSRFToken": token}
    if mode == "duplicated":
        return {"csrf_token": draw(st.permutations([token, draw(junk_text)]))}, {}
    if mode == "missing":
        return {}, {}
    forgeries = {
        "forged": header_values,
        "another_session": st.sampled_from(known["foreign_csrf_token"]),
        "tampered": st.sampled_from([token[:-1], token[:-1] + chr(ord(token[-1]) ^ 1), token * 2]),
    }
    forged = draw(forgeries[mode])
    return ({}, {"X-CSRFToken": forged}) if draw(st.booleans()) else ({"csrf_token": forged}, {})


@st.composite
def bodies(
    draw: st.DrawFn, fields: dict[str, Any], kinds: tuple[str, ...], known: Known
) -> tuple[Any, str | None]:
    """The fields as a urlencoded or multipart form or as JSON, or a junk body: (data, type)."""
    kind = draw(st.sampled_from(kinds))
    if kind == "form":
        return fields, None
    if kind == "multipart":
        upload = (BytesIO(draw(st.binary(max_size=64))), draw(field_names))
        return {**fields, draw(st.sampled_from([*fields, "file"])): upload}, None
    if kind == "json_fields":
        document = {name: draw(values_for(name, known) | json_values) for name in fields}
        return json.dumps(document), "application/json"
    if kind == "json":
        return json.dumps(draw(json_values)), "application/json"
    raw = draw(
        st.one_of(
            st.sampled_from(NASTY_BODIES),
            st.binary(max_size=200),
            st.just(urlencode(fields, doseq=True).encode()),
        )
    )
    return raw, draw(st.sampled_from(CONTENT_TYPES))


@st.composite
def query_strings(draw: st.DrawFn, endpoint: Endpoint, known: Known) -> str:
    """A query string: for callbacks the `key` (right, wrong, repeated, missing), else junk."""
    if endpoint.callback:
        keys = draw(st.lists(values_for("key", known), min_size=0, max_size=3))
        return urlencode([("key", key) for key in keys])
    return draw(st.one_of(st.just(""), any_text.map(lambda text: quote(text, safe="=&"))))


@st.composite
def hostile_requests(draw: st.DrawFn, endpoint: Endpoint, known: Known) -> HostileRequest:
    """A request to `endpoint` that is wrong somewhere: fields, token, body, path or headers."""
    path = endpoint.path
    if "{segment}" in path:
        path = path.replace("{segment}", draw(path_segments(endpoint.segment, known)))
    query = draw(query_strings(endpoint, known))
    url = f"{path}?{query}" if query else path
    headers: dict[str, str] = {}
    accept = draw(st.sampled_from(ACCEPT_HEADERS))
    if accept:
        headers["Accept"] = accept
    if endpoint.method == "GET":
        return HostileRequest("GET", url, headers)
    fields = draw(form_fields(endpoint, known))
    if endpoint.callback:
        kinds = CALLBACK_BODIES
    else:
        kinds = FORM_BODIES
        csrf_fields, csrf_headers = draw(csrf_placement(known))
        fields |= csrf_fields
        headers |= csrf_headers
    data, content_type = draw(bodies(fields, kinds, known))
    return HostileRequest(endpoint.method, url, headers, data, content_type)
