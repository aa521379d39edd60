"""PostgreSQL clusters of the tests' own: a primary and its streaming
replica (pg_basebackup -R), with Debian's binaries, run as postgres."""
import glob
import os
import shutil
import subprocess
import tempfile
from contextlib import contextmanager
from pathlib import Path

import psycopg

from .server import database_uri, free_port


def binary(name):
    found = sorted(glob.glob(f'/usr/lib/postgresql/*/bin/{name}'))
    if not found:
        raise FileNotFoundError(f"no PostgreSQL {name} in /usr/lib/postgresql")
    return found[-1]


def as_postgres(arguments, **options):
    if os.getuid() == 0:
        arguments = ['runuser', '-u', 'postgres', '--', *arguments]
    return subprocess.run(arguments, check=True, capture_output=True,
        text=True, **options)


@contextmanager
def running_cluster(folder, port, make):
    "Make the cluster in folder with make(folder), run it on port"
    make(folder)
    with open(folder / 'postgresql.auto.conf', 'a') as conf:
        conf.write(f"port = {port}\nlisten_addresses = '127.0.0.1'\n"
            f"unix_socket_directories = '{folder}'\nfsync = off\n")
    as_postgres([binary('pg_ctl'), '-D', folder, '-l', folder / 'log',
            '-w', '-t', '60', 'start'])
    try:
        yield f'postgresql://postgres@127.0.0.1:{port}/'
    finally:
        as_postgres([binary('pg_ctl'), '-D', folder, '-m', 'immediate',
                '-w', 'stop'])


@contextmanager
def primary_and_replica(database):
    """Yield the URIs of a new primary holding a copy of database (from the
    tests' server) and of its streaming replica"""
    root = Path(tempfile.mkdtemp(prefix='insurance-replica-'))
    root.chmod(0o755)
    if os.getuid() == 0:
        shutil.chown(root, 'postgres', 'postgres')
    primary_port, replica_port = free_port(), free_port()

    def initdb(folder):
        as_postgres([binary('initdb'), '-D', folder, '-U', 'postgres',
                '--auth=trust', '-E', 'UTF8', '--no-sync'])

    def base_backup(folder):
        as_postgres([binary('pg_basebackup'), '-h', '127.0.0.1',
                '-p', str(primary_port), '-U', 'postgres', '-D', folder,
                '-R', '-X', 'stream', '--no-sync'])
    try:
        with running_cluster(root / 'primary', primary_port,
                initdb) as primary:
            copy_database(database, primary)
            with running_cluster(root / 'replica', replica_port,
                    base_backup) as replica:
                yield primary, replica
    finally:
        shutil.rmtree(root, ignore_errors=True)


def copy_database(database, target_uri):
    "Copy database of the tests' server to the server of target_uri"
    with psycopg.connect(target_uri + 'postgres', autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{database}" '
            "ENCODING 'UTF8' TEMPLATE template0")
    dump = subprocess.Popen([binary('pg_dump'), '-Fc',
            '-d', database_uri() + database], stdout=subprocess.PIPE)
    subprocess.run([binary('pg_restore'), '--no-owner',
            '-d', target_uri + database], stdin=dump.stdout, check=True)
    if dump.wait():
        raise subprocess.CalledProcessError(dump.returncode, 'pg_dump')
