#!/usr/bin/env python3
"""Time the back office's busiest screens in a browser, on a year of data.

Serves an existing database (the year of bench/volume.py, see
docs/benchmarks.md) with gunicorn as in production and drives sao in
headless Chromium as customer service and as a claims handler, --rounds
times each screen:

- policy list: the menu 保险 / 保单 / 保单 opened (first page drawn);
- all policies: its tab 全部 (every policy of the year, not only in force);
- find by number: a policy number typed in the search box, Enter;
- find by phone: a policyholder's phone typed in the search box, Enter;
- open policy: the found policy opened in its form;
- claims to handle: the menu 保险 / 理赔 / 理赔 opened on its first tab.

A screen's time runs from the click to the arrival of the last answer it
asked for (sao draws it within a frame). With --api-rate, the seed's API
mix (bench/locustfile.py) runs at that many issues a second against the
same server meanwhile. Prints p50/p95 per screen as a Markdown table.

    .venv/bin/python bench/back_office.py --database rpt_year --rounds 20
    .venv/bin/python bench/back_office.py --database rpt_year --rounds 20 \\
        --api-rate 50
"""
import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault(
    'TRYTOND_DATABASE__URI', 'postgresql://postgres@127.0.0.1:5432/')

from playwright.sync_api import sync_playwright  # noqa: E402

from bench.api_load import ISSUES_PER_USER, lift_rate_limit  # noqa: E402
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tests.e2e.sao import BackOffice, Problems, install_watchers  # noqa: E402
from tests.server import database_uri, running_server  # noqa: E402

SCREENS = ['policy list', 'all policies', 'find by number', 'find by phone',
    'open policy', 'claims to handle']
START_CLOCK = "() => window.__benchStart = performance.now()"
# Not awaited: a page.evaluate waiting on sao's promise has no time-out
CLOSE_TABS = """() => {
    const next = () => Sao.Tab.tabs.length
        && Sao.Tab.tabs[0].close().then(next);
    next();
}"""
ELAPSED = ("() => Math.max(0, window.__saoRequests.lastEnd"
    " - window.__benchStart)")


def sample_policies(database, count):
    "(number, policyholder phone) of count policies spread over the table"
    with psycopg.connect(database_uri() + database) as db:
        return db.execute(
            "SELECT number, policyholder_phone FROM insurance_policy "
            "TABLESAMPLE SYSTEM (1) WHERE policyholder_phone IS NOT NULL "
            "LIMIT %s", (count,)).fetchall()


def timed(office, action):
    "Milliseconds from action to the last answer it asked for"
    office.page.evaluate(START_CLOCK)
    action()
    office.wait_idle(timeout=60000)
    return office.page.evaluate(ELAPSED)


def search(office, text):
    entry = office.tab.locator('.filter-box input.form-control').first
    entry.fill(text)
    entry.press('Enter')


def close_tabs(office):
    "Close the tabs one after the other, as a person would"
    office.page.evaluate(CLOSE_TABS)
    office.page.wait_for_function("() => Sao.Tab.tabs.length === 0")
    office.wait_idle()


def policy_round(office, number, phone, times):
    "Time the customer-service screens once"
    times['policy list'].append(timed(
        office, lambda: office.open_menu('保险', '保单', '保单')))
    all_tab = office.tab.locator('.nav-tabs a', has_text='全部').first
    times['all policies'].append(timed(office, all_tab.click))
    times['find by phone'].append(timed(office, lambda: search(office, phone)))
    times['find by number'].append(
        timed(office, lambda: search(office, number)))
    # A click, then a double click, as a person does (tests/e2e/sao.py)
    cell = office.tab.locator('.treeview tbody tr td', has_text=number).first
    cell.click()
    office.wait_idle()
    times['open policy'].append(timed(office, cell.dblclick))
    close_tabs(office)


def claims_round(office, times):
    times['claims to handle'].append(timed(
        office, lambda: office.open_menu('保险', '理赔', '理赔')))
    close_tabs(office)


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def measure(browser, base_url, database, rounds):
    "{screen: [milliseconds]} over rounds, the first round a warm-up"
    times = {screen: [] for screen in SCREENS}
    offices = []
    for login in ['service', 'claims']:
        context = browser.new_context(
            locale='zh-CN', viewport={'width': 1280, 'height': 800})
        problems = Problems()
        install_watchers(context, problems)
        office = BackOffice(context.new_page(), base_url, database,
            problems, f'bench-{login}')
        offices.append(office.login(login))
    service, claims = offices
    samples = sample_policies(database, rounds + 1)
    for number, phone in samples:
        policy_round(service, number, phone, times)
        claims_round(claims, times)
    return {screen: values[1:] for screen, values in times.items()}


def api_load(base_url, issue_rate, folder):
    "Start locust at issue_rate issues a second; return its process"
    users = max(1, round(issue_rate / ISSUES_PER_USER))
    env = dict(os.environ, BENCH_ISSUES_PER_USER=str(ISSUES_PER_USER),
        BENCH_CLAIMS='1')
    return subprocess.Popen([
            Path(sys.executable).parent / 'locust', '-f',
            ROOT / 'bench' / 'locustfile.py', '--headless', '-H', base_url,
            '-u', str(users), '-r', str(users), '--csv',
            str(Path(folder) / 'load'), '--only-summary',
            '--loglevel', 'WARNING'], env=env)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--database', required=True)
    parser.add_argument('--rounds', type=int, default=20)
    parser.add_argument('--workers', type=int, default=4,
        help="gunicorn workers")
    parser.add_argument('--api-rate', type=float,
        help="issues a second of the seed's API mix meanwhile")
    args = parser.parse_args()

    load = None
    with running_server(args.database, workers=args.workers) as base_url, \
            sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        if args.api_rate:
            lift_rate_limit(args.database)
            load = api_load(base_url, args.api_rate, ROOT / 'var')
            time.sleep(10)  # the load's users started and warm
        try:
            times = measure(browser, base_url, args.database, args.rounds)
        finally:
            if load:
                load.terminate()
                load.wait()
            browser.close()
    print(f'| screen | rounds | p50 ms | p95 ms | max ms |  (API: '
        f'{args.api_rate or 0} issues/s)')
    print('| --- | --- | --- | --- | --- |')
    for screen, values in times.items():
        print(f'| {screen} | {len(values)} | '
            f'{statistics.median(values):.0f} | '
            f'{percentile(values, 0.95):.0f} | {max(values):.0f} |')


if __name__ == '__main__':
    main()
