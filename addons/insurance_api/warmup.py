"""Fill a fresh gunicorn worker's caches before its first request.

Without it the first quote each worker answers reads the channel's contract
and the plan's rating definition through the ORM (~90 ms) and stands out as
the slowest request of the day.
"""
import logging
import time

from trytond import config
from trytond.cache import MemoryCache
from trytond.modules.insurance_policy.sale_terms import sale_terms
from trytond.pool import Pool
from trytond.transaction import Transaction

from .database import api_database_name

logger = logging.getLogger(__name__)


def warm_up():
    name = api_database_name()
    if not name:
        return
    try:
        wait_for_cache_listener(name)
        with Transaction().start(name, 0, readonly=True):
            probe_database_features()
            load_sale_and_plan_terms()
    except Exception:
        # A cold cache is slower, not wrong: never keep a worker from serving.
        logger.warning("Warm-up of %s failed", name, exc_info=True)


def wait_for_cache_listener(name, timeout=5):
    """With [cache] clean_timeout = 0 trytond starts, on a process's second
    transaction, a thread listening for cache invalidations, which clears
    every cache once it listens: warming up before that would be lost."""
    if config.getint('cache', 'clean_timeout'):
        return
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with Transaction().start(name, 0, readonly=True):
            pass
        listener = MemoryCache._local.listeners.get(name)
        if getattr(listener, 'listening', False):
            return
        time.sleep(0.02)


def probe_database_features():
    """Ask what trytond asks PostgreSQL once per process, on a connection of
    its own, in the middle of the first transaction that needs it: behind
    pgbouncer in transaction mode, a request doing so while others hold
    every server connection (waiting on its idempotency key) would wait
    for ever (docs/scaling.md)."""
    database = Transaction().database
    database_features = (database.search_path, database.current_user)
    del database_features
    database.has_returning()
    database.has_insert_on_conflict()
    database.get_select_for_skip_locked()
    database.has_extension('btree_gist')
    database.has_unaccent()
    database.has_similarity()


def load_sale_and_plan_terms():
    pool = Pool()
    Contract = pool.get('insurance.contract')
    Plan = pool.get('insurance.plan')
    for contract in Contract.search([('state', '=', 'active')]):
        terms = sale_terms(
            contract.channel.id, contract.product_version.product.code)
        if terms:
            for _, plan_id in terms.plans:
                Plan(plan_id).get_terms()
