"""Run pgbouncer in transaction mode in front of PostgreSQL, with a
configuration written into a folder of var/ (docs/scaling.md).

    python scripts/pooler.py --dir var/pgbouncer/NAME --port 6432 \
        [--server-host 127.0.0.1 --server-port 5432 --server-connections 20]

The process becomes pgbouncer; run as root, it first drops to the postgres
user (pgbouncer refuses to run as root), which owns the folder. Without
PGPASSWORD in the environment users are trusted, as PostgreSQL trusts them
here (127.0.0.1, user postgres); with it (docker/compose.yaml) the user
authenticates with that password, which pgbouncer also gives PostgreSQL.
"""
import argparse
import os
import shutil
import sys
from pathlib import Path

from proxy import drop_privileges

CONFIGURATION = """\
; Written by scripts/pooler.py
[databases]
* = host={server_host} port={server_port}

[pgbouncer]
listen_addr = {listen_addr}
listen_port = {port}
unix_socket_dir =
auth_type = {auth_type}
auth_file = {folder}/users.txt
admin_users = {user}
pool_mode = transaction
; Server connections per database and user, and for the whole database:
; whatever the number of instances and workers, PostgreSQL sees no more.
; trytond opens a second connection inside a transaction for a few
; once-per-process questions (warm-up asks them first); the reserve serves
; such a request after 1 s when every other server connection waits on it.
default_pool_size = {server_connections}
reserve_pool_size = {reserve}
reserve_pool_timeout = 1
max_db_connections = {maximum}
max_client_conn = 5000
server_reset_query =
ignore_startup_parameters = extra_float_digits
pidfile = {folder}/pgbouncer.pid
logfile = {folder}/pgbouncer.log
"""


def write_configuration(folder, port, server_host, server_port,
        server_connections, user, listen_addr='127.0.0.1', password=None):
    folder = Path(folder).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / 'users.txt').write_text(f'"{user}" "{password or ""}"\n')
    (folder / 'users.txt').chmod(0o600)
    configuration = folder / 'pgbouncer.ini'
    configuration.write_text(CONFIGURATION.format(
            folder=folder, port=port, server_host=server_host,
            listen_addr=listen_addr,
            auth_type='scram-sha-256' if password else 'trust',
            server_port=server_port, server_connections=server_connections,
            reserve=max(1, server_connections // 4),
            maximum=server_connections + max(1, server_connections // 4),
            user=user))
    return configuration


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--dir', required=True, type=Path)
    parser.add_argument('--listen-addr', default='127.0.0.1')
    parser.add_argument('--port', required=True, type=int)
    parser.add_argument('--server-host', default='127.0.0.1')
    parser.add_argument('--server-port', type=int, default=5432)
    parser.add_argument('--server-connections', type=int, default=20)
    parser.add_argument('--user', default=os.environ.get('PGUSER', 'postgres'))
    args = parser.parse_args(argv)
    pgbouncer = shutil.which('pgbouncer') or '/usr/sbin/pgbouncer'
    configuration = write_configuration(args.dir, args.port, args.server_host,
        args.server_port, args.server_connections, args.user,
        args.listen_addr, os.environ.get('PGPASSWORD'))
    drop_privileges(configuration.parent, 'postgres')
    os.execv(pgbouncer, [pgbouncer, str(configuration)])


if __name__ == '__main__':
    sys.exit(main())
