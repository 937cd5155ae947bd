"""Hypothesis strategies for hostile requests: malformed fields, forged tokens, junk bodies.

A `HostileRequest` is one request a hostile or broken client could send to a storefront
endpoint; `HostileRequests(endpoint, known).requests` draws them. `known` maps a field name to
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
# Field and file names, any text (Werkzeug files a name it cannot parse under None, which the
# shop answers 400 before its CSRF check reads the form).
field_names = any_text.filter(bool)
# What a server sees in a header: bytes decoded as Latin-1, with no line break (HTTP has none).
header_values = st.text(st.characters(min_codepoint=0x20, max_codepoint=0xFF), max_size=200)
# JSON of most shapes: scalars of every type, lists, and objects holding scalars or lists.
# Not st.recursive, which costs a quarter of each example; deep nesting is in NASTY_BODIES.
json_scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | junk_text
json_values = st.one_of(
    json_scalars,
    st.lists(json_scalars, max_size=4),
    st.dictionaries(any_text, json_scalars | st.lists(json_scalars, max_size=3), max_size=4),
)
# Strategies drawn in every example, built once (see HostileRequests).
accept_headers = st.sampled_from(ACCEPT_HEADERS)
junk_queries = st.one_of(st.just(""), any_text.map(lambda text: quote(text, safe="=&")))
start_choices = st.integers(0, 7)
field_changes = st.sampled_from(("junk", "repeat", "leave_out"))
repeated_junk = st.lists(junk_text, min_size=2, max_size=3)
csrf_modes = st.sampled_from(CSRF_MODES)
body_kinds = {kinds: st.sampled_from(kinds) for kinds in (FORM_BODIES, CALLBACK_BODIES)}
raw_bodies = st.one_of(st.sampled_from(NASTY_BODIES), st.binary(max_size=200))
content_types = st.sampled_from(CONTENT_TYPES)


def values_for(name: str, known: Known) -> st.SearchStrategy[str]:
    """A value for field `name`: one of the scene's real values when it has some, or junk."""
    real = known.get(name, ())
    return st.one_of(st.sampled_from(real), junk_text) if real else junk_text


class HostileRequests:
    """The strategies for one endpoint and scene, built once: `requests` draws whole requests.

    Hypothesis validates a strategy the first time it draws from it, which costs more than the
    draw; strategies built once per endpoint keep a run of 1,000 examples quick.
    """

    def __init__(self, endpoint: Endpoint, known: Known) -> None:
        self.endpoint = endpoint
        self.token = known["csrf_token"][0]
        self.start_values = {name: known[name] for name in endpoint.fields if name in known}
        self.start_values |= {name: known[name] for name in SHARED_FIELDS if name in known}
        names = (*endpoint.fields, *SHARED_FIELDS)
        self.values = {name: values_for(name, known) for name in names}
        self.repeats = {
            name: st.lists(value, min_size=2, max_size=3) for name, value in self.values.items()
        }
        self.fields_to_break = st.lists(
            st.sampled_from(names) | field_names, unique=True, max_size=4
        )
        self.fields_for_json = st.lists(st.sampled_from(names), unique=True, max_size=2)
        self.upload_fields = st.sampled_from((*names, "csrf_token", "file"))
        self.segments = st.one_of(
            values_for(endpoint.segment or "", known).map(lambda text: quote(text, safe="")),
            st.sampled_from(NASTY_SEGMENTS),
            any_text.map(lambda text: quote(text, safe="/")),
        )
        self.keys = st.lists(values_for("key", known), max_size=3)
        self.forgeries = {
            "forged": header_values,
            "another_session": st.sampled_from(known["foreign_csrf_token"]),
            "tampered": st.sampled_from(
                [self.token[:-1], self.token[:-1] + chr(ord(self.token[-1]) ^ 1), self.token * 2]
            ),
        }
        self.requests = st.composite(self.draw_request)()

    def draw_request(self, draw: st.DrawFn) -> HostileRequest:
        """A request to the endpoint that is wrong somewhere: fields, token, body, path, headers."""
        path = self.endpoint.path
        if "{segment}" in path:
            path = path.replace("{segment}", draw(self.segments))
        query = self.draw_query(draw)
        url = f"{path}?{query}" if query else path
        headers: dict[str, str] = {}
        accept = draw(accept_headers)
        if accept:
            headers["Accept"] = accept
        if self.endpoint.method == "GET":
            return HostileRequest("GET", url, headers)
        fields = self.draw_fields(draw)
        if self.endpoint.callback:
            kinds = CALLBACK_BODIES
        else:
            kinds = FORM_BODIES
            csrf_fields, csrf_headers = self.draw_csrf(draw)
            fields |= csrf_fields
            headers |= csrf_headers
        data, content_type = self.draw_body(draw, fields, kinds)
        return HostileRequest(self.endpoint.method, url, headers, data, content_type)

    def draw_query(self, draw: st.DrawFn) -> str:
        """A query string: for callbacks the `key` (right, wrong, repeated, missing), else junk."""
        if self.endpoint.callback:
            return urlencode([("key", key) for key in draw(self.keys)])
        return draw(junk_queries)

    def draw_fields(self, draw: st.DrawFn) -> dict[str, Any]:
        """The endpoint's form filled with real values, then a few fields broken or added.

        A broken field is left out, sent two or three times, or given another real value or
        junk. Starting from real values lets a request get past the first field and reach the
        checks behind it; the shrink target is the plain form with nothing broken.
        """
        # One draw picks which real value each field starts from (one per field is slow).
        start = draw(start_choices)
        fields: dict[str, Any] = {
            name: real[start % len(real)] for name, real in self.start_values.items()
        }
        for name in draw(self.fields_to_break):
            change = draw(field_changes)
            if change == "leave_out":
                fields.pop(name, None)
            elif change == "repeat":
                fields[name] = draw(self.repeats.get(name, repeated_junk))
            else:
                fields[name] = draw(self.values.get(name, junk_text))
        return fields

    def draw_csrf(self, draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, str]]:
        """Where the CSRF token goes and what it is: (form fields, headers) to add."""
        mode = draw(csrf_modes)
        if mode == "field":
            return {"csrf_token": self.token}, {}
        if mode == "header":
            return {}, {"X-CSRFToken": self.token}
        if mode == "duplicated":
            pair = [self.token, draw(junk_text)]
            return {"csrf_token": pair if draw(st.booleans()) else pair[::-1]}, {}
        if mode == "missing":
            return {}, {}
        forged = draw(self.forgeries[mode])
        in_header = draw(st.booleans())
        return ({}, {"X-CSRFToken": forged}) if in_header else ({"csrf_token": forged}, {})

    def draw_body(
        self, draw: st.DrawFn, fields: dict[str, Any], kinds: tuple[str, ...]
    ) -> tuple[Any, str | None]:
        """The fields as a urlencoded or multipart form or as JSON, or junk: (data, type)."""
        kind = draw(body_kinds[kinds])
        if kind == "form":
            return fields, None
        if kind == "multipart":
            upload = (BytesIO(draw(st.binary(max_size=64))), draw(field_names))
            return {**fields, draw(self.upload_fields): upload}, None
        if kind == "json_fields":
            document = dict(fields)
            for name in draw(self.fields_for_json):
                document[name] = draw(json_values)
            return json.dumps(document), "application/json"
        if kind == "json":
            return json.dumps(draw(json_values)), "application/json"
        raw = draw(raw_bodies) if draw(st.booleans()) else urlencode(fields, doseq=True).encode()
        return raw, draw(content_types)
