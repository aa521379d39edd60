"""The back office as a person sees it: sao in headless Chromium."""
import shutil

import pytest

playwright = pytest.importorskip('playwright.sync_api')

CHROMIUM = shutil.which('chromium')
CHROMIUM_ARGS = [
    '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update',
    '--disable-sync']


@pytest.fixture(scope='module')
def browser():
    if not CHROMIUM:
        pytest.fail("chromium is not installed (scripts/test.sh installs it)")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def submit_login(page, base_url, database, login, password):
    page.goto(base_url + '/')
    page.wait_for_selector(
        f'select#database option[value="{database}"]', state='attached')
    page.select_option('select#database', database)
    page.fill('#login', login)
    page.click('.modal button.btn-primary')
    page.wait_for_selector('.modal input[type=password]')
    page.fill('.modal input[type=password]', password)
    page.keyboard.press('Enter')


def test_staff_user_sees_insurance_menu_in_chinese(
        browser, demo_server, demo_database):
    page = browser.new_page(viewport={'width': 1280, 'height': 800})

    submit_login(page, demo_server, demo_database, 'underwriter', 'demo2026')
    page.wait_for_function(
        "document.querySelector('#menu').innerText.includes('保险')")

    menu = page.inner_text('#menu')
    assert '保险' in menu
    assert 'Insurance' not in menu


def test_wrong_password_is_refused(browser, demo_server, demo_database):
    page = browser.new_page()

    submit_login(
        page, demo_server, demo_database, 'underwriter', 'not-the-password')

    # sao asks for the password again and never shows the menu.
    page.wait_for_timeout(2500)
    assert 'underwriter' in page.inner_text('.ask-dialog.in')
    assert page.query_selector('#menu .treeview') is None
