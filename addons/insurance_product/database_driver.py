"""Every process of the system refuses psycopg's pure-Python implementation.

psycopg falls back to it silently when its C build (psycopg[binary]) is
missing, and it is several times slower at reading rows: the partner API,
the back office, bulk issuance and the statements would run at a fraction of
the capacity measured in docs/benchmarks.md. A loud refusal at start is
noticed at deploy time; a warning in a log is noticed at the next peak. Set
INSURANCE_ALLOW_PYTHON_PSYCOPG=1 to start anyway (with a warning), e.g. on a
platform without a psycopg-binary wheel, knowingly.
"""
import logging
import os

import psycopg

logger = logging.getLogger(__name__)

C_IMPLEMENTATIONS = {'c', 'binary'}
OVERRIDE = 'INSURANCE_ALLOW_PYTHON_PSYCOPG'


class PurePythonPsycopg(RuntimeError):
    pass


def require_psycopg_c():
    implementation = psycopg.pq.__impl__
    if implementation in C_IMPLEMENTATIONS:
        return
    message = (
        f"psycopg runs its pure-Python implementation ({implementation!r}),"
        " several times slower than its C one: install psycopg[binary]"
        " (pip install -r requirements.txt), or set"
        f" {OVERRIDE}=1 to start anyway")
    if os.environ.get(OVERRIDE) == '1':
        logger.warning(message)
        return
    raise PurePythonPsycopg(message)
