"""Real databases and real servers for the tests that talk HTTP.

A database is created with trytond-admin exactly as scripts/run.sh does, the
demo data loaded by scripts/demo_data.py, and gunicorn started with the
production configuration on a free port of 127.0.0.1.
"""
import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
ADMIN_PASSWORD = 'admin2026'


def database_uri():
    return os.environ['TRYTOND_DATABASE__URI']


def server_environment(database, **extra):
    env = dict(os.environ)
    env.update({
            'TRYTOND_CONFIG': str(ROOT / 'config' / 'trytond.conf'),
            'TRYTOND_WEB__ROOT': str(
                ROOT / '.sao' / 'node_modules' / 'tryton-sao'),
            'INSURANCE_DATABASE': database,
            'TRYTOND_DATABASE_NAMES': database,
            'DEMO_ADMIN_PASSWORD': ADMIN_PASSWORD,
            })
    for name in ['DB_NAME', 'DB_CACHE']:
        env.pop(name, None)
    env.update(extra)
    return env


def _admin_connection():
    return psycopg.connect(database_uri() + 'postgres', autocommit=True)


def create_database(name):
    with _admin_connection() as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(
            f'CREATE DATABASE "{name}" ENCODING \'UTF8\' TEMPLATE template0')


def drop_database(name):
    with _admin_connection() as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def install_demo_database(name):
    "Create the database, activate every insurance module, load the demo"
    create_database(name)
    env = server_environment(name)
    passfile = ROOT / 'var' / f'{name}.pass'
    passfile.parent.mkdir(exist_ok=True)
    passfile.write_text(ADMIN_PASSWORD)
    env['TRYTONPASSFILE'] = str(passfile)
    try:
        subprocess.run([
                BIN / 'trytond-admin', '-d', name, '--email',
                'admin@insurance.example', '-u', 'insurance_api',
                'insurance_report', 'insurance_document', 'insurance_invoice',
                '--activate-dependencies', '-l', 'zh_CN'],
            env=env, check=True)
    finally:
        passfile.unlink()
    subprocess.run([
            sys.executable, ROOT / 'scripts' / 'demo_data.py',
            '--database', name], env=env, check=True)


def free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def wait_until_answering(url, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"nothing answers at {url}")


@contextmanager
def running_server(database, workers=2, **extra_env):
    "Yield the base URL of a gunicorn serving database"
    port = free_port()
    env = server_environment(
        database, INSURANCE_BIND=f'127.0.0.1:{port}',
        GUNICORN_WORKERS=str(workers), **extra_env)
    process = subprocess.Popen([
            BIN / 'gunicorn', '-c', ROOT / 'config' / 'gunicorn.conf.py',
            'trytond.application:app'], env=env)
    base_url = f'http://127.0.0.1:{port}'
    try:
        wait_until_answering(base_url + '/api/v1/health')
        yield base_url
    finally:
        process.terminate()
        process.wait(timeout=30)
