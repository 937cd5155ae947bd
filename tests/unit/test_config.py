"""Settings: layering, parsing and one-line errors naming the bad setting."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from storefront.config import SETTINGS, ConfigError, build_config
from storefront.klarna.sdk import CDN_SDK_URL

VALID = {
    "SECRET_KEY": "s" * 32,
    "PUBLIC_URL": "https://shop.example.com/",
    "KLARNA_API_URL": "https://api.playground.klarna.com/",
    "KLARNA_USERNAME": "PK1_x",
    "KLARNA_PASSWORD": "secret",
}
REPO_ROOT = Path(__file__).resolve().parents[2]


def build(tmp_path: Path, environ: dict[str, str]) -> dict:
    return build_config(tmp_path, environ=environ)


def test_real_klarna_needs_only_url_and_credentials(tmp_path: Path) -> None:
    config = build(tmp_path, VALID)
    assert config["KLARNA_SDK_URL"] == CDN_SDK_URL
    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'storefront.sqlite'}"


@pytest.mark.parametrize(
    ("change", "setting"),
    [
        ({"SECRET_KEY": ""}, "SECRET_KEY"),
        ({"SECRET_KEY": "s" * 31}, "SECRET_KEY"),
        ({"PUBLIC_URL": ""}, "PUBLIC_URL"),
        ({"PUBLIC_URL": "shop.example.com"}, "PUBLIC_URL"),
        ({"KLARNA_PASSWORD": ""}, "KLARNA_PASSWORD"),
        ({"KLARNA_USERNAME": ""}, "KLARNA_USERNAME"),
        ({"KLARNA_API_URL": "api.playground.klarna.com"}, "KLARNA_API_URL"),
        ({"KLARNA_SDK_URL": "ftp://x.klarnacdn.net/api.js"}, "KLARNA_SDK_URL"),
        ({"KLARNA_TIMEOUT_SECONDS": "ten"}, "KLARNA_TIMEOUT_SECONDS"),
        ({"KLARNA_TIMEOUT_SECONDS": "0"}, "KLARNA_TIMEOUT_SECONDS"),
        ({"DATABASE_URL": "not a url"}, "DATABASE_URL"),
        ({"SESSION_COOKIE_SECURE": "maybe"}, "SESSION_COOKIE_SECURE"),
        ({"TRUSTED_PROXIES": "one"}, "TRUSTED_PROXIES"),
        ({"TRUSTED_PROXIES": "-1"}, "TRUSTED_PROXIES"),
        ({"KLARNA_NA_API_URL": "https://api-na.playground.klarna.com/"}, "KLARNA_NA_USERNAME"),
        ({"KLARNA_OC_PASSWORD": "secret"}, "KLARNA_OC_API_URL"),
        ({"KLARNA_EU_API_URL": "eu"}, "KLARNA_EU_API_URL"),
    ],
)
def test_bad_setting_is_named_in_one_line(tmp_path: Path, change: dict, setting: str) -> None:
    environ = {**VALID, **change}
    environ = {key: value for key, value in environ.items() if value}
    with pytest.raises(ConfigError) as raised:
        build(tmp_path, environ)
    assert raised.value.setting == setting
    assert str(raised.value).startswith(f"{setting}: ")
    assert "\n" not in str(raised.value)


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("foo://bar", "no SQLAlchemy dialect or driver for 'foo://'"),
        ("postgresql+nosuch://root@127.0.0.1/test", "for 'postgresql+nosuch://'"),
        ("mysql://root@127.0.0.1/test", "the driver for 'mysql://' is not installed"),
        ("postgresql+asyncpg://root@127.0.0.1/test", "'postgresql+asyncpg://' is an asyncio"),
    ],
)
def test_database_url_needs_a_loadable_synchronous_driver(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, url: str, problem: str
) -> None:
    monkeypatch.setitem(sys.modules, "MySQLdb", None)  # importing it fails, on any machine
    with pytest.raises(ConfigError) as raised:
        build(tmp_path, {**VALID, "DATABASE_URL": url})
    assert raised.value.setting == "DATABASE_URL"
    assert problem in str(raised.value)


@pytest.mark.parametrize(
    ("line", "setting"),
    [
        ("KLARNA_API_URL = 5", "KLARNA_API_URL"),
        ("SECRET_KEY = 5", "SECRET_KEY"),
        ('KLARNA_USERNAME = ["PK1_x"]', "KLARNA_USERNAME"),
        ("DATABASE_URL = 5", "DATABASE_URL"),
        ('KLARNA_TIMEOUT_SECONDS = "x"', "KLARNA_TIMEOUT_SECONDS"),
        ("KLARNA_TIMEOUT_SECONDS = True", "KLARNA_TIMEOUT_SECONDS"),
        ("SESSION_COOKIE_SECURE = 3", "SESSION_COOKIE_SECURE"),
    ],
)
def test_instance_file_value_of_the_wrong_type_is_named(
    tmp_path: Path, line: str, setting: str
) -> None:
    (tmp_path / "config.py").write_text(f"{line}\n")
    environ = {key: value for key, value in VALID.items() if key != setting}
    with pytest.raises(ConfigError) as raised:
        build(tmp_path, environ)
    assert raised.value.setting == setting
    assert "\n" not in str(raised.value)


def test_postgres_url_uses_psycopg3(tmp_path: Path) -> None:
    config = build(tmp_path, {**VALID, "DATABASE_URL": "postgres://root@127.0.0.1/test"})
    assert config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://root@127.0.0.1/test"


def test_environment_beats_instance_file_beats_defaults(tmp_path: Path) -> None:
    file_key, default_key, env_key = "f" * 32, "d" * 32, "e" * 32
    (tmp_path / "config.py").write_text(f'KLARNA_TIMEOUT_SECONDS = 4\nSECRET_KEY = "{file_key}"\n')
    config = build_config(
        tmp_path, defaults={"SECRET_KEY": default_key}, environ={**VALID, "SECRET_KEY": env_key}
    )
    assert config["SECRET_KEY"] == env_key
    assert config["KLARNA_TIMEOUT_SECONDS"] == 4.0


def test_broken_instance_file_is_a_config_error(tmp_path: Path) -> None:
    (tmp_path / "config.py").write_text("SECRET_KEY = (\n")
    with pytest.raises(ConfigError, match=r"config\.py: cannot be loaded"):
        build(tmp_path, VALID)


def test_example_config_documents_every_setting() -> None:
    example = (REPO_ROOT / "instance" / "config.example.py").read_text()
    missing = [setting.name for setting in SETTINGS if f"# {setting.name} =" not in example]
    assert missing == []
