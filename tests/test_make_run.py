"""`make run` serves what it says: the address in QR codes and PDFs is the one it listens on."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def make_run_commands(*args, env=None) -> str:
    if shutil.which("make") is None:
        pytest.skip("make is missing")
    clean = {k: v for k, v in os.environ.items() if k != "SITE_URL"}
    result = subprocess.run(
        ["make", "-n", "run", *args], cwd=ROOT, env={**clean, **(env or {})}, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return next(line for line in result.stdout.splitlines() if "scripts/run.sh" in line)


def test_make_run_puts_its_own_host_and_port_in_the_site_address():
    assert "SITE_URL=http://127.0.0.1:8011 " in make_run_commands("PORT=8011")
    assert "SITE_URL=http://localhost:8123 " in make_run_commands("HOST=localhost", "PORT=8123")


def test_a_site_address_from_the_environment_wins():
    line = make_run_commands("PORT=8011", env={"SITE_URL": "https://jc.yantai.example"})
    assert "SITE_URL=https://jc.yantai.example " in line
