"""Install a missing Debian package for the tests, when run as root on Debian (as CI is)."""

from __future__ import annotations

import os
import shutil
import subprocess


def can_apt_install() -> bool:
    """True when this process may install Debian packages."""
    return hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get") is not None


def apt_install(package: str) -> None:
    """`apt-get install` one package quietly (the outcome is for the caller to check)."""
    print(f"Installing Debian's {package} package with apt-get ...", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    apt_get = shutil.which("apt-get") or "apt-get"
    subprocess.run([apt_get, "update", "-qq"], check=False, env=env)  # noqa: S603
    subprocess.run([apt_get, "install", "-y", "-qq", package], check=False, env=env)  # noqa: S603


def ensure_nginx() -> str | None:
    """The nginx executable, installing Debian's package first if it is missing and we can."""
    found = shutil.which("nginx") or shutil.which("/usr/sbin/nginx")
    if found is None and can_apt_install():
        apt_install("nginx")
        found = shutil.which("nginx") or shutil.which("/usr/sbin/nginx")
    return found
