"""docs/headless.md's JSON:API session, run as written: each curl command and its answer.

Every ```sh block of the `## JSON:API` section is one curl command; the ```http block after it
is the answer: its status line, then JSON. The command is sent to the shop (or, for the step
Klarna's authorize() plays, to the emulator) and the answer must contain what the docs show
(the docs leave members out, never change them). A `$NAME` in an answer binds the value found
there; later commands and answers use it. So the documented session cannot drift from the code.
"""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import Flask

from tests.support.emulator_client import KlarnaApiClient
from tests.support.jsonapi import new_client
from tests.support.live_server import LiveServer

DOC = Path(__file__).resolve().parents[2] / "docs" / "headless.md"
SECTION = "## JSON:API"
BLOCK = re.compile(r"```(sh|http)\n(.*?)```", re.DOTALL)
VARIABLE = re.compile(r"\$([A-Z_]+)")
SHOP_PORT, EMULATOR_PORT = 5000, 5001


@dataclass(frozen=True)
class Command:
    """One documented curl command."""

    method: str
    url: str
    headers: dict[str, str]
    body: str | None


@dataclass
class Session:
    """The documented session's variables, bound as the answers show them."""

    values: dict[str, str] = field(default_factory=dict)

    def fill(self, text: str) -> str:
        """`text` with every bound $NAME replaced by its value."""
        return VARIABLE.sub(lambda match: self.values.get(match.group(1), match.group(0)), text)

    def expect(self, shown: Any, actual: Any, where: str) -> None:
        """Check `actual` holds what the docs show, binding the $NAMEs found in `shown`."""
        if isinstance(shown, dict):
            assert isinstance(actual, dict), f"{where}: expected an object, got {actual!r}"
            for key, value in shown.items():
                assert key in actual, f"{where}: no member {key!r} in {sorted(actual)}"
                self.expect(value, actual[key], f"{where}.{key}")
        elif isinstance(shown, list):
            assert isinstance(actual, list) and len(actual) == len(shown), f"{where}: {actual!r}"
            for index, (one, other) in enumerate(zip(shown, actual, strict=True)):
                self.expect(one, other, f"{where}[{index}]")
        elif isinstance(shown, str) and VARIABLE.search(shown):
            self.match(shown, actual, where)
        else:
            assert shown == actual, f"{where}: the docs show {shown!r}, not {actual!r}"

    def match(self, shown: str, actual: Any, where: str) -> None:
        """Match a string with $NAMEs: bound ones must be equal, unbound ones are bound."""
        assert isinstance(actual, str), f"{where}: expected a string, got {actual!r}"
        pattern, names = "", []
        for piece in re.split(r"(\$[A-Z_]+)", shown):
            name = piece[1:] if VARIABLE.fullmatch(piece) else None
            if name is None or name in self.values:
                pattern += re.escape(self.fill(piece))
            else:
                pattern += f"(?P<{name}>.+?)" if name not in names else f"(?P={name})"
                names.append(name)
        found = re.fullmatch(pattern, actual)
        assert found, f"{where}: {actual!r} is not {shown!r} ({self.values})"
        self.values |= found.groupdict()


def section_blocks() -> list[tuple[str, str]]:
    """The (language, text) code blocks of the JSON:API section, in order."""
    text = DOC.read_text(encoding="utf-8").split(SECTION, 1)[1].split("\n## ", 1)[0]
    return BLOCK.findall(text)


def parse_curl(text: str, session: Session) -> Command:
    """A documented curl command (with a `--data @- <<EOF` body or `-d`), variables filled."""
    command, _, rest = text.partition("<<EOF\n")
    body = rest.rsplit("EOF", 1)[0] if rest else None
    words = shlex.split(session.fill(command.replace("\\\n", " ")))
    assert words[0] == "curl", text
    method, url, headers = "GET", "", {}
    index = 1
    while index < len(words):
        word = words[index]
        if word == "-X":
            method, index = words[index + 1], index + 1
        elif word == "-H":
            name, _, value = words[index + 1].partition(":")
            headers[name.strip()] = value.strip()
            index += 1
        elif word in ("-d", "--data"):
            if words[index + 1] != "@-":
                body = words[index + 1]
            index += 1
        elif not word.startswith("-"):
            url = word
        index += 1
    return Command(method, url, headers, session.fill(body) if body is not None else None)


def parse_answer(text: str) -> tuple[int, Any]:
    """A documented answer: its status and its JSON (None when it has no body)."""
    status_line, _, body = text.partition("\n")
    status = int(status_line.split()[1])
    return status, json.loads(body) if body.strip() else None


def test_the_documented_json_api_session_runs_as_written(
    seeded: Flask, emulator_server: LiveServer
) -> None:
    blocks = section_blocks()
    assert len(blocks) >= 16, "the section should hold a full session"
    client_id, secret = new_client(seeded)
    control = emulator_server.app.extensions["klarna_emulator"].settings.control_token
    session = Session({"CLIENT_ID": client_id, "CLIENT_SECRET": secret, "CONTROL_TOKEN": control})
    shop, emulator = seeded.test_client(), KlarnaApiClient(emulator_server.app)
    for (language, command_text), (answer_language, answer_text) in zip(
        blocks[::2], blocks[1::2], strict=True
    ):
        assert (language, answer_language) == ("sh", "http"), command_text
        command = parse_curl(command_text, session)
        parts = urlsplit(command.url)
        client = emulator if parts.port == EMULATOR_PORT else shop
        assert parts.port in (SHOP_PORT, EMULATOR_PORT), command.url
        response = client.open(
            parts.path,
            method=command.method,
            headers=command.headers,
            data=command.body,
            base_url=f"{parts.scheme}://{parts.netloc}",
        )
        status, shown = parse_answer(answer_text)
        where = f"{command.method} {parts.path}"
        assert response.status_code == status, f"{where}: {response.get_data(as_text=True)}"
        if shown is not None:
            session.expect(shown, response.get_json(), where)
    assert session.values.get("ORDER_NUMBER", "").startswith("FF-")
