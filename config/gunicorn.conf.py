"""gunicorn configuration for trytond.application:app (API and back office).

Environment: GUNICORN_BIND, else INSURANCE_BIND (default 127.0.0.1:8000):
scripts/run.sh binds a unix socket that only nginx opens; GUNICORN_WORKERS
(default 2 per core), GUNICORN_TIMEOUT (default 60 s). The databases to serve
are preloaded from TRYTOND_DATABASE_NAMES before the workers fork.
"""
import multiprocessing
import os

# Clear caches in every worker as soon as a change commits (PostgreSQL
# LISTEN/NOTIFY) rather than every 300 s: staff edits of contracts and plans
# reach the API at once, and workers may keep their snapshots long. Set here,
# not in trytond.conf, because the listener's connection would keep the test
# harness from dropping its databases.
os.environ.setdefault('TRYTOND_CACHE__CLEAN_TIMEOUT', '0')

# Behind pgbouncer (TRYTOND_DATABASE__URI), the cache listener connects to
# PostgreSQL directly; set before the app loads
# (addons/insurance_api/pooling.py).
if os.environ.get('INSURANCE_DIRECT_DATABASE_URI'):
    from trytond.modules.insurance_api.pooling import route_through_pooler
    route_through_pooler(os.environ['INSURANCE_DIRECT_DATABASE_URI'])

bind = (os.environ.get('GUNICORN_BIND')
    or os.environ.get('INSURANCE_BIND', '127.0.0.1:8000'))
workers = int(os.environ.get(
        'GUNICORN_WORKERS', 2 * multiprocessing.cpu_count()))
worker_class = 'sync'
timeout = int(os.environ.get('GUNICORN_TIMEOUT', 60))
graceful_timeout = 20
keepalive = 5
# trytond.application loads the module pool at import; loading it once in the
# master and forking shares that memory and starts workers in milliseconds.
preload_app = True
max_requests = 20000
max_requests_jitter = 2000
accesslog = os.environ.get('GUNICORN_ACCESSLOG') or None
errorlog = '-'


def post_worker_init(worker):
    "Fill the worker's caches of contracts and plans before it serves"
    from trytond.modules.insurance_api.warmup import warm_up
    warm_up()
