import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from yantai_inspect.env import env_bool, env_int

ROOT = Path(__file__).resolve().parent.parent


def _load_settings(**env):
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ENV", "SITE_URL"}}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-c", "import yantai_inspect.settings as s; print(s.DEBUG, s.TIME_ZONE, s.LANGUAGE_CODE)"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
    )


def test_env_bool_refuses_anything_but_true_or_false(monkeypatch):
    monkeypatch.setenv("SOME_FLAG", "yes")
    with pytest.raises(ImproperlyConfigured):
        env_bool("SOME_FLAG", False)
    monkeypatch.setenv("SOME_FLAG", "True")
    assert env_bool("SOME_FLAG", False) is True


def test_env_int_refuses_a_non_number(monkeypatch):
    monkeypatch.setenv("SOME_INT", "ten")
    with pytest.raises(ImproperlyConfigured):
        env_int("SOME_INT", 1)


def test_production_refuses_to_start_without_a_secret_key():
    result = _load_settings(DJANGO_ENV="production", ALLOWED_HOSTS="inspect.yantai.gov.cn")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


PRODUCTION_ENV = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": "x" * 50,
    "ALLOWED_HOSTS": "inspect.yantai.gov.cn",
    "SITE_URL": "https://inspect.yantai.gov.cn",
}


def test_production_starts_with_its_secrets_and_without_debug():
    result = _load_settings(**PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "Asia/Shanghai", "zh-hans"]


def test_production_refuses_to_start_without_its_public_address():
    result = _load_settings(**{**PRODUCTION_ENV, "SITE_URL": ""})
    assert result.returncode != 0
    assert "SITE_URL" in result.stderr


def test_a_site_url_that_is_not_an_address_is_refused():
    result = _load_settings(SITE_URL="127.0.0.1:8011")
    assert result.returncode != 0
    assert "SITE_URL" in result.stderr


def test_an_unknown_environment_name_is_refused():
    result = _load_settings(DJANGO_ENV="staging")
    assert result.returncode != 0


def test_the_openapi_schema_generates_without_warnings():
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")
