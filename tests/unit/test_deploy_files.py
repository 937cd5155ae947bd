"""The Docker files hold together without Docker (none runs in CI): every file they name exists,
every setting they pass is one the shop knows, and the emulator accepts its flags.

The gunicorn and nginx configuration they use is exercised for real, without Docker, by
tests/integration/test_production_serving.py.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from klarna_emulator.__main__ import parse_args as emulator_args
from storefront.config import SETTING_NAMES

REPO_ROOT = Path(__file__).resolve().parents[2]
COMPOSE: dict[str, Any] = yaml.safe_load((REPO_ROOT / "compose.yaml").read_text())
DOCKERFILE = (REPO_ROOT / "Dockerfile").read_text()


def test_every_file_the_dockerfile_copies_or_runs_exists() -> None:
    sources = re.findall(r"^COPY (\S+) ", DOCKERFILE, flags=re.MULTILINE)
    sources += re.findall(r"\b(deploy/\S+\.py|requirements/\S+\.txt)\b", DOCKERFILE)
    assert sources
    for source in sources:
        if source != ".":
            assert (REPO_ROOT / source).exists(), source


def test_the_image_leaves_secrets_and_local_state_out() -> None:
    ignored = (REPO_ROOT / ".dockerignore").read_text().split()
    for kept_out in (".env", "instance/", ".venv/", "node_modules/"):
        assert kept_out in ignored, kept_out


def test_compose_mounts_the_tested_nginx_configuration() -> None:
    nginx = COMPOSE["services"]["nginx"]
    assert nginx["network_mode"] == "service:shop"  # upstream 127.0.0.1:8000 is gunicorn's
    mounted = [volume.split(":")[0] for volume in nginx["volumes"]]
    assert mounted == ["./deploy/nginx.conf"]
    assert "server 127.0.0.1:8000;" in (REPO_ROOT / "deploy" / "nginx.conf").read_text()


def test_compose_passes_only_settings_the_shop_knows() -> None:
    for name in ("migrate", "shop"):
        environment = COMPOSE["services"][name]["environment"]
        assert set(environment) <= SETTING_NAMES, set(environment) - SETTING_NAMES
        assert environment["PUBLIC_URL"].startswith("http")


def test_the_emulator_service_starts_with_flags_the_emulator_accepts() -> None:
    command = COMPOSE["services"]["emulator"]["command"]
    assert command[0] == "klarna-emulator"
    args = emulator_args(command[1:])
    assert args.port == 5001
    assert "emulator" in args.allowed_host
