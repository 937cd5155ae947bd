"""Hypothesis strategies for hostile JSON:API requests: broken documents, tokens and headers.

`HostileApiRequests(endpoint, known).requests` draws requests to one endpoint of the JSON:API
door. `known` maps an attribute, relationship or path name to real values of the scene (the
attacker's ids, another market's and another client's ids, SKUs, codes), so most documents get
past the first check; one member at a time is then broken, left out, or given junk.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

from hypothesis import strategies as st

from tests.support.hostile_requests import (
    NASTY_SEGMENTS,
    HostileRequest,
    any_text,
    content_types,
    header_values,
    json_values,
    junk_text,
    raw_bodies,
)

MEDIA_TYPE = "application/vnd.api+json"
ApiKnown = Mapping[str, tuple[Any, ...]]
API_CONTENT_TYPES = (f"{MEDIA_TYPE}; ext=x", "application/json", "text/plain", "")
API_ACCEPTS = (None, "*/*", f"{MEDIA_TYPE}; profile=x", "text/html", "nonsense;;q=x")
DOCUMENT_KINDS = ("broken_data", "json", "raw")
TOKEN_BODIES = ("form", "json", "raw")


@dataclass(frozen=True)
class ApiEndpoint:
    """A JSON:API route to attack: its method, path, resource type and members.

    `segment` names the entry of `known` whose values (besides junk) fill `{segment}` in the
    path; `relationships` are (name, type); `token` marks the OAuth token endpoint.
    """

    method: str
    path: str
    kind: str = ""
    attributes: tuple[str, ...] = ()
    relationships: tuple[tuple[str, str], ...] = ()
    segment: str | None = None
    token: bool = False

    @property
    def name(self) -> str:
        """The test id, e.g. `PATCH /api/orders/{segment}`."""
        return f"{self.method} {self.path}"


def rarely(draw: st.DrawFn, one_in: int = 5) -> bool:
    """True about once in `one_in` draws (Hypothesis draws 0, the simplest, most often)."""
    return draw(st.integers(0, one_in - 1)) == one_in - 1


def known_or_junk(name: str, known: ApiKnown) -> st.SearchStrategy[Any]:
    """A member's value: mostly one of the scene's real values when it has some, else junk."""
    real = known.get(name, ())
    if not real:
        return json_values

    @st.composite
    def value(draw: st.DrawFn) -> Any:
        return draw(json_values) if rarely(draw) else draw(st.sampled_from(real))

    return value()


class HostileApiRequests:
    """The strategies for one endpoint and scene, built once: `requests` draws whole requests."""

    def __init__(self, endpoint: ApiEndpoint, known: ApiKnown) -> None:
        self.endpoint = endpoint
        self.values = {name: known_or_junk(name, known) for name in endpoint.attributes}
        self.related = {name: known_or_junk(kind, known) for name, kind in endpoint.relationships}
        self.own_token = known["authorization"][0]
        self.other_tokens = st.sampled_from(known["authorization"]) | header_values
        ids = known.get(endpoint.segment or "", ("x",))
        self.own_id = ids[0]
        self.other_segments = st.one_of(
            st.sampled_from(ids),
            st.sampled_from(NASTY_SEGMENTS),
            any_text.map(lambda text: quote(text, safe="/")),
        )
        self.members_to_drop = st.lists(st.sampled_from((*endpoint.attributes, "x")), max_size=3)
        self.requests = st.composite(self.draw_request)()

    def draw_request(self, draw: st.DrawFn) -> HostileRequest:
        """A request: a real-looking document or form, with something wrong somewhere."""
        path = self.endpoint.path
        segment = ""
        if "{segment}" in path:
            # Another market's or client's id one time in three: their rows must not change.
            segment = draw(self.other_segments) if rarely(draw, 3) else self.own_id
            path = path.replace("{segment}", segment)
        headers = {"Accept": MEDIA_TYPE}
        if rarely(draw):
            accept = draw(st.sampled_from(API_ACCEPTS))
            headers.pop("Accept")
            if accept:
                headers["Accept"] = accept
        if not self.endpoint.token and not rarely(draw, 20):
            headers["Authorization"] = draw(self.other_tokens) if rarely(draw) else self.own_token
        if self.endpoint.method in ("GET", "DELETE"):
            return HostileRequest(self.endpoint.method, path, headers)
        if self.endpoint.token:
            data, content_type = self.draw_token_body(draw)
        else:
            data, content_type = self.draw_document(draw, segment)
        return HostileRequest(self.endpoint.method, path, headers, data, content_type)

    def draw_members(self, draw: st.DrawFn) -> dict[str, Any]:
        """The attributes with real or junk values, some left out."""
        members = {name: draw(value) for name, value in self.values.items()}
        for name in draw(self.members_to_drop):
            members.pop(name, None)
        return members

    def draw_document(self, draw: st.DrawFn, segment: str) -> tuple[Any, str | None]:
        """A JSON:API document (or junk in its place) and the Content-Type it is sent with."""
        content_type = draw(st.sampled_from(API_CONTENT_TYPES)) if rarely(draw) else MEDIA_TYPE
        kind = draw(st.sampled_from(DOCUMENT_KINDS)) if rarely(draw) else "document"
        if kind == "raw":
            return draw(raw_bodies), draw(content_types)
        if kind == "json":
            return json.dumps(draw(json_values)), content_type
        data: dict[str, Any] = {
            "type": draw(junk_text) if rarely(draw, 10) else self.endpoint.kind,
            "attributes": self.draw_members(draw),
        }
        if segment:
            data["id"] = draw(json_values) if rarely(draw, 10) else segment
        if self.related:
            types = dict(self.endpoint.relationships)
            data["relationships"] = {
                name: {"data": {"type": types[name], "id": draw(ids)}}
                for name, ids in self.related.items()
                # A PATCH changes its relationships one time in two (a POST needs its order).
                if self.endpoint.method == "POST" or rarely(draw, 2)
            }
        if kind == "broken_data":
            member = draw(st.sampled_from(("attributes", "relationships", "type", "id")))
            data[member] = draw(json_values)
        return json.dumps({"data": data}), content_type

    def draw_token_body(self, draw: st.DrawFn) -> tuple[Any, str | None]:
        """A client-credentials request as JSON or a form, some fields broken, or junk."""
        fields = self.draw_members(draw)
        kind = draw(st.sampled_from(TOKEN_BODIES)) if rarely(draw) else "json_fields"
        if kind == "json_fields":
            return json.dumps(fields), "application/json"
        if kind == "form":
            texts = {name: value for name, value in fields.items() if isinstance(value, str)}
            return urlencode(texts), "application/x-www-form-urlencoded"
        if kind == "json":
            return json.dumps(draw(json_values)), MEDIA_TYPE
        return draw(raw_bodies), draw(content_types)
