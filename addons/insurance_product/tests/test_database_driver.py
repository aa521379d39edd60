"""The set-up installs psycopg's C implementation, and the services refuse
to start without it."""
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from trytond.modules.insurance_product.database_driver import (
    C_IMPLEMENTATIONS,
    OVERRIDE,
)

ROOT = Path(__file__).resolve().parents[3]
BIN = Path(sys.executable).parent
SERVICES = {
    'gunicorn': [BIN / 'gunicorn', '-c', ROOT / 'config' / 'gunicorn.conf.py',
        'trytond.application:app'],
    'trytond-worker': [BIN / 'trytond-worker', '-d', 'no_database'],
    'trytond-cron': [BIN / 'trytond-cron', '-d', 'no_database'],
    }


def start(command, **environment):
    env = {name: value for name, value in os.environ.items()
        if name != OVERRIDE}
    env.update(PSYCOPG_IMPL='python', TRYTOND_DATABASE_NAMES='',
        INSURANCE_BIND='127.0.0.1:0', **environment)
    return subprocess.run(command, env=env, capture_output=True, text=True,
        timeout=60)


def test_installed_psycopg_is_the_c_implementation():
    assert psycopg.pq.__impl__ in C_IMPLEMENTATIONS


@pytest.mark.parametrize('service', SERVICES)
def test_service_refuses_pure_python_psycopg(service):
    result = start(SERVICES[service])
    assert result.returncode != 0
    assert "pure-Python implementation ('python')" in result.stderr


def test_override_starts_with_a_warning():
    result = start([sys.executable, '-c',
            'import trytond.modules.insurance_product'], **{OVERRIDE: '1'})
    assert result.returncode == 0, result.stderr
    assert "pure-Python implementation ('python')" in result.stderr
