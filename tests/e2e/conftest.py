"""Fixtures of the browser tests: one Chromium for the whole session, a fresh
browser context per back office, the shared demo server of tests/conftest.py.
See README.md in this folder for how to write a staff-task test."""
import json
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest

from ..client import Client
from ..server import ROOT, database_uri, running_worker, server_environment
from .sao import BackOffice, Problems, install_watchers

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # the browser tests fail, they never skip
    sync_playwright = None

CHROMIUM = shutil.which('chromium')
CHROMIUM_ARGS = [
    '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--disable-dev-shm-usage']
VIEWPORT = {'width': 1280, 'height': 800}
SEED = Path(__file__).with_name('seed.py')


@pytest.fixture(scope='session')
def browser():
    "Debian's Chromium driven by playwright, shared by every browser test"
    if sync_playwright is None:
        pytest.fail("playwright is not installed (scripts/lib.sh installs it "
            "from requirements.txt)")
    if not CHROMIUM:
        pytest.fail("chromium is not installed (scripts/test.sh installs it)")
    if not sao_custom_installed():
        pytest.fail("sao's custom.js is missing or stale: run "
            "`source scripts/lib.sh && ensure_sao` (scripts/test.sh does)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def sao_custom_installed():
    "Whether sao serves this worktree's sao/custom.js (after moment-timezone)"
    installed = ROOT / '.sao' / 'node_modules' / 'tryton-sao' / 'custom.js'
    ours = (ROOT / 'sao' / 'custom.js').read_text()
    return installed.exists() and installed.read_text().endswith(ours)


@pytest.fixture
def back_office(browser, demo_server, demo_database, request):
    """back_office(login=None, timezone_id='UTC') -> a BackOffice on the demo
    server in a fresh browser context (logged in when login is given).

    At the end of the test each page is saved under var/screenshots/ and the
    test fails if a page met a problem it did not expect."""
    opened = []

    def open_back_office(login=None, timezone_id='UTC', password=None):
        context = browser.new_context(
            locale='zh-CN', timezone_id=timezone_id, viewport=VIEWPORT)
        context.set_default_timeout(15000)
        problems = Problems()
        install_watchers(context, problems)
        name = request.node.name + (f'-{len(opened)}' if opened else '')
        office = BackOffice(
            context.new_page(), demo_server, demo_database, problems, name)
        opened.append((context, office))
        if login:
            office.login(login, password)
        return office

    yield open_back_office
    try:
        for _, office in opened:
            office.screenshot()
        for _, office in opened:
            office.assert_no_problem()
    finally:
        for context, _ in opened:
            context.close()


@pytest.fixture(scope='session')
def demo_sql(demo_database):
    """demo_sql(query, params=()) -> the rows of a query on the demo
    database, to check what a screen stored"""
    with psycopg.connect(
            database_uri() + demo_database, autocommit=True) as connection:
        def execute(query, params=()):
            return connection.execute(query, params).fetchall()
        yield execute


@pytest.fixture(scope='session')
def action_id(demo_sql):
    "action_id('module.xml_id') -> the ir.action id of an act_window/wizard"
    def find(xml_id):
        module, fs_id = xml_id.split('.', 1)
        rows = demo_sql(
            "SELECT model, db_id FROM ir_model_data "
            "WHERE module = %s AND fs_id = %s", (module, fs_id))
        assert rows, f"no record with XML id {xml_id}"
        model, record_id = rows[0]
        table = model.replace('.', '_')
        (action,), = demo_sql(
            f'SELECT action FROM "{table}" WHERE id = %s', (record_id,))
        return action
    return find


def seed(database, *arguments):
    "Run tests/e2e/seed.py on database; return what it prints"
    return subprocess.run([sys.executable, SEED, database, *arguments],
        env=server_environment(database), check=True, capture_output=True,
        text=True).stdout


@pytest.fixture
def new_channel(demo_server, demo_database):
    """new_channel('FIN', product='RETURN_SHIPPING') -> (code, client): a
    channel of a code no other test uses, selling the product with every
    operation, and the partner platform calling the API with its key"""
    def create(prefix, product='RETURN_SHIPPING'):
        code = prefix + uuid.uuid4().hex[:8].upper()
        key = json.loads(seed(demo_database, 'channel', code, product))
        return code, Client(demo_server, key)
    return create


@pytest.fixture(scope='session')
def queue_worker(demo_database):
    "trytond-worker running the background tasks of the demo server"
    with running_worker(demo_database) as running:
        yield running


@pytest.fixture(scope='session')
def refresh_statistics(demo_database):
    "refresh_statistics() does at once what the statistics cron does"
    return lambda: seed(demo_database, 'refresh-statistics')
