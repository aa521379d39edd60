"""pytest configuration shared by every test of the repository.

Tests run against a real PostgreSQL: the URI comes from TRYTOND_DATABASE__URI
(scripts/test.sh sets it), and module databases are cached as PostgreSQL
templates (DB_CACHE) so each set of modules is installed once per run.
"""
import os
import time

os.environ.setdefault(
    'TRYTOND_DATABASE__URI', 'postgresql://postgres@127.0.0.1:5432/')
os.environ.setdefault('DB_CACHE', 'postgresql://')
os.environ.setdefault('DB_NAME', f'test_{int(time.time())}_{os.getpid()}')
os.environ.setdefault('TRYTOND_CONFIG', os.path.join(
        os.path.dirname(__file__), 'config', 'trytond.conf'))
