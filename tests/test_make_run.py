"""`make run` serves what it says: the address in QR codes and PDFs is the one it listens on."""

import json
import os
import shutil
import subprocess
import sys
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


def test_the_banner_lists_every_demo_login(tmp_path):
    accounts = [{"role": "officer", "username": f"officer_{i}", "password": "Yantai-Demo-2026!", "agency": "a"}
                for i in range(6)] + [{"role": "admin", "username": "admin", "password": "Yantai-Demo-2026!"}]
    path = tmp_path / "credentials.json"
    path.write_text(json.dumps(accounts), encoding="utf-8")
    result = subprocess.run([sys.executable, "scripts/demo_logins.py", str(path)], cwd=ROOT,
                            capture_output=True, text=True, check=True)
    assert all(a["username"] in result.stdout for a in accounts) and "more" not in result.stdout


def test_pip_says_what_it_is_doing_a_line_per_package():
    pip_output = "\n".join([
        "Looking in links: /opt/wheels",
        "WARNING: Location '/opt/pypi-more/simple' is ignored: it is neither a file nor a directory.",
        "Collecting Django==5.2.19 (from -r requirements.txt (line 2))",
        "  Using cached django-5.2.19-py3-none-any.whl (8.3 MB)",
        "Requirement already satisfied: asgiref>=3.8.1 in ./.venv/lib/python3.11/site-packages",
        "Collecting celery==5.7.0 (from -r requirements.txt (line 4))",
        "Installing collected packages: django, celery",
        "Successfully installed celery-5.7.0 django-5.2.19",
    ]) + "\n"
    result = subprocess.run(["bash", "scripts/pip-progress.sh"], cwd=ROOT, input=pip_output,
                            capture_output=True, text=True, check=True)
    assert result.stdout.splitlines() == [
        "  venv: [1] Django==5.2.19 (from -r requirements.txt (line 2))",
        "  venv: [2] celery==5.7.0 (from -r requirements.txt (line 4))",
        "  venv: installing 2 packages (unpacking and compiling: a minute or two, quiet meanwhile) ...",
        "  venv: installed",
    ]


@pytest.mark.django_db
def test_pages_link_the_sites_icon_and_it_is_served(client):
    html = client.get("/login/").content.decode()
    assert 'rel="icon" href="/static/favicon.ico"' in html
    response = client.get("/favicon.ico")
    assert response.status_code == 302 and response["Location"] == "/static/favicon.ico"
    assert (ROOT / "static" / "favicon.ico").read_bytes()[:4] == b"\x00\x00\x01\x00"  # an ICO file
