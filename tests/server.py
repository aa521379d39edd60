"""Real databases and real servers for the tests that talk HTTP.

A database is created with trytond-admin exactly as scripts/run.sh does, the
demo data loaded by scripts/demo_data.py, and gunicorn started with the
production configuration on a free port of 127.0.0.1.
"""
import grp
import hashlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
# As scripts/lib.sh: where nginx and pgbouncer (other users) can enter
RUNTIME = (Path('/run/insurance-core')
    / hashlib.sha256(str(ROOT).encode()).hexdigest()[:12]
    if os.getuid() == 0 else ROOT / 'var')
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


def wait_until_healthy(url, timeout=60):
    "Wait until url answers 200 (nginx answers 503 until gunicorn does)"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"{url} is not healthy")


def stop(process):
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def running_server(database, workers=2, **extra_env):
    "Yield the base URL of a gunicorn serving database"
    with serving(database, workers, **extra_env) as (_, base_url):
        yield base_url


@contextmanager
def serving(database, workers=2, **extra_env):
    "Yield gunicorn's master process and the base URL it serves database at"
    port = free_port()
    with running_gunicorn(database, f'127.0.0.1:{port}', workers,
            **extra_env) as master:
        base_url = f'http://127.0.0.1:{port}'
        wait_until_answering(base_url + '/api/v1/health')
        yield master, base_url


@contextmanager
def running_gunicorn(database, bind, workers=2, **extra_env):
    "Run gunicorn serving database on bind (host:port or unix:path)"
    env = server_environment(
        database, GUNICORN_BIND=bind, GUNICORN_WORKERS=str(workers),
        **extra_env)
    process = subprocess.Popen([
            BIN / 'gunicorn', '-c', ROOT / 'config' / 'gunicorn.conf.py',
            'trytond.application:app'], env=env)
    try:
        yield process
    finally:
        stop(process)


class Worker:
    """trytond-worker on every queue of database, as scripts/run.sh runs it,
    which a test may kill and start again"""

    def __init__(self, database, **extra_env):
        self.database = database
        self.env = server_environment(database, **extra_env)
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [BIN / 'trytond-worker', '-d', self.database], env=self.env,
            start_new_session=True)

    def kill(self):
        "SIGKILL the worker and the child processes that run its tasks"
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)


@contextmanager
def running_worker(database, **extra_env):
    "Yield the Worker running the queues of database"
    worker = Worker(database, **extra_env)
    worker.start()
    try:
        yield worker
    finally:
        worker.kill()


def runtime_folder(kind):
    """RUNTIME / kind, which nginx and pgbouncer (run as other users) may
    enter whatever the umask, as scripts/lib.sh makes it"""
    folder = RUNTIME / kind
    folder.mkdir(parents=True, exist_ok=True)
    if os.getuid() == 0:
        for level in [RUNTIME.parent, RUNTIME, folder]:
            level.chmod(0o755)
    return folder


def socket_folder(name):
    "A folder for unix sockets only root and nginx (www-data) may enter"
    folder = runtime_folder('run') / name
    folder.mkdir(exist_ok=True)
    if os.getuid() == 0:
        os.chown(folder, 0, grp.getgrnam('www-data').gr_gid)
        folder.chmod(0o2750)
    return folder


@contextmanager
def running_proxy(upstreams, client_connections=32):
    "Yield the base URL of nginx (scripts/proxy.py) in front of upstreams"
    port = free_port()
    folder = runtime_folder('nginx') / f'test_{port}'
    arguments = [sys.executable, ROOT / 'scripts' / 'proxy.py',
        '--dir', folder, '--listen', f'127.0.0.1:{port}',
        '--client-connections', str(client_connections)]
    for upstream in upstreams:
        arguments += ['--upstream', upstream]
    process = subprocess.Popen(arguments)
    base_url = f'http://127.0.0.1:{port}'
    try:
        wait_until_answering(base_url + '/api/v1/health')
        yield base_url
    finally:
        stop(process)
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def running_pooler(server_connections):
    """Yield the database URI of pgbouncer (scripts/pooler.py) in front of
    the tests' PostgreSQL, in transaction mode"""
    port = free_port()
    folder = runtime_folder('pgbouncer') / f'test_{port}'
    server = urllib.parse.urlsplit(database_uri())
    process = subprocess.Popen([sys.executable, ROOT / 'scripts' / 'pooler.py',
            '--dir', folder, '--port', str(port),
            '--server-host', server.hostname,
            '--server-port', str(server.port or 5432),
            '--server-connections', str(server_connections),
            '--user', server.username or 'postgres'])
    try:
        wait_until_listening(port)
        yield f'postgresql://{server.username or "postgres"}@127.0.0.1:{port}/'
    finally:
        stop(process)
        shutil.rmtree(folder, ignore_errors=True)


def wait_until_listening(port, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(('127.0.0.1', port), 1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"nothing listens on port {port}")


@contextmanager
def running_proxied_server(database, name, workers=2, client_connections=32,
        **extra_env):
    """Yield the base URL of nginx in front of gunicorn on a unix socket,
    as scripts/run.sh runs them"""
    sockets = socket_folder(name)
    upstream = f'unix:{sockets}/gunicorn.sock'
    try:
        with running_gunicorn(database, upstream, workers, **extra_env), \
                running_proxy([upstream], client_connections) as base_url:
            wait_until_healthy(base_url + '/api/v1/health')
            yield base_url
    finally:
        shutil.rmtree(sockets, ignore_errors=True)
