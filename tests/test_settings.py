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
    result = _load_settings(DJANGO_ENV="local", SITE_URL="127.0.0.1:8011")
    assert result.returncode != 0
    assert "SITE_URL" in result.stderr


def test_an_unset_environment_is_production_and_refuses_to_start_without_its_secrets():
    result = _load_settings()
    assert result.returncode != 0
    assert "SECRET_KEY is required in production" in result.stderr and "DJANGO_ENV=local" in result.stderr


def test_an_unset_environment_with_its_secrets_runs_as_production_without_debug():
    result = _load_settings(**{k: v for k, v in PRODUCTION_ENV.items() if k != "DJANGO_ENV"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0] == "False"


@pytest.mark.parametrize("key", ["local-development-key-not-for-production", "short"])
def test_production_refuses_the_public_development_key_or_a_short_one(key):
    result = _load_settings(**{**PRODUCTION_ENV, "SECRET_KEY": key})
    assert result.returncode != 0
    assert "SECRET_KEY must be a secret" in result.stderr


def test_production_passes_the_deployment_checks():
    """`DJANGO_ENV=production manage.py check --deploy` with a real key and hosts: no issues at all."""
    # (the browser tests' DJANGO_ALLOW_ASYNC_UNSAFE is theirs, not a deployment's: async.E001 refuses it)
    env = {k: v for k, v in os.environ.items()
           if k not in {"SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ENV", "SITE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update({**PRODUCTION_ENV, "SECRET_KEY": "k3y-" + "q9Zr7vT2xLw8sNb4" * 4, "DJANGO_SETTINGS_MODULE":
                "yantai_inspect.settings"})
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "DEBUG"], cwd=ROOT,
                            env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_an_unknown_environment_name_is_refused():
    result = _load_settings(DJANGO_ENV="staging")
    assert result.returncode != 0


def test_the_openapi_schema_generates_without_warnings():
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")
