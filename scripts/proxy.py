"""Run nginx in front of gunicorn, unprivileged, with a configuration
rendered from config/nginx/insurance.conf.template into a folder of var/.

    python scripts/proxy.py --dir var/nginx/NAME --listen 127.0.0.1:8000 \
        --upstream unix:var/run/NAME/gunicorn.sock [--upstream ...]

The process becomes nginx (master in the foreground, one worker); run as
root, it first drops to the www-data user, which owns the folder.
"""
import argparse
import os
import pwd
import shutil
import string
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SITE_TEMPLATE = ROOT / 'config' / 'nginx' / 'insurance.conf.template'
UNPRIVILEGED_USER = 'www-data'

MAIN = """\
# Rendered by scripts/proxy.py: nginx run by the project, not the system's.
worker_processes 1;
pid {folder}/nginx.pid;
error_log stderr warn;
events {{
    worker_connections 4096;
}}
http {{
    include {mime_types};
    default_type application/octet-stream;
    access_log {access_log};
    client_body_temp_path {folder}/client_body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    include {folder}/insurance.conf;
}}
"""


def render_site(listen, upstreams, client_connections):
    "The site configuration, as the nginx image's envsubst renders it"
    servers = ' '.join(f'server {upstream};' for upstream in upstreams)
    return string.Template(SITE_TEMPLATE.read_text()).safe_substitute(
        INSURANCE_LISTEN=listen,
        INSURANCE_UPSTREAM_SERVERS=servers,
        INSURANCE_CLIENT_CONNECTIONS=str(client_connections))


def write_configuration(folder, listen, upstreams, client_connections=32,
        access_log='off'):
    "Write nginx.conf and insurance.conf into folder; return nginx.conf"
    folder = Path(folder).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / 'insurance.conf').write_text(
        render_site(listen, upstreams, client_connections))
    main = folder / 'nginx.conf'
    main.write_text(MAIN.format(
            folder=folder, mime_types='/etc/nginx/mime.types',
            access_log=access_log))
    return main


def drop_privileges(folder, user_name=UNPRIVILEGED_USER):
    "As root, give the folder to the user and become it"
    if os.getuid() != 0:
        return
    user = pwd.getpwnam(user_name)
    for path in [folder, *folder.rglob('*')]:
        os.chown(path, user.pw_uid, user.pw_gid)
    os.setgroups([])
    os.setgid(user.pw_gid)
    os.setuid(user.pw_uid)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--dir', required=True, type=Path)
    parser.add_argument('--listen', required=True)
    parser.add_argument('--upstream', action='append', required=True)
    parser.add_argument('--client-connections', type=int,
        default=int(os.environ.get('INSURANCE_CLIENT_CONNECTIONS', 32)))
    parser.add_argument('--access-log', default='off')
    args = parser.parse_args(argv)
    nginx = shutil.which('nginx') or '/usr/sbin/nginx'
    configuration = write_configuration(args.dir, args.listen, args.upstream,
        args.client_connections, args.access_log)
    drop_privileges(configuration.parent)
    os.execv(nginx, [nginx, '-e', 'stderr', '-p', str(configuration.parent),
            '-c', str(configuration), '-g', 'daemon off;'])


if __name__ == '__main__':
    sys.exit(main())
