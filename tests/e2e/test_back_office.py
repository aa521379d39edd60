"""The back office as a person sees it: sao in headless Chromium."""
import json
import time
import urllib.request


def test_staff_user_sees_insurance_menu_in_chinese(back_office):
    office = back_office('underwriter')

    menu = office.page.inner_text('#menu')
    assert '保险' in menu
    assert 'Insurance' not in menu


def test_administrator_lands_on_the_menu(back_office):
    "No module configuration wizard: the demo set-up finished it"
    office = back_office('admin')

    assert '保险' in office.page.inner_text('#menu')
    assert office.tab_titles == []


def test_wrong_password_is_refused(back_office):
    office = back_office()

    with office.expect_problem('401'):
        office.submit_login('underwriter', 'not-the-password')
        # sao asks for the password again and never shows the menu.
        office.page.locator(
            '.ask-dialog.in', has_text='underwriter').wait_for()
    assert office.page.query_selector('#menu .treeview') is None


def test_login_page_offers_the_served_database_only(
        back_office, demo_server, demo_database):
    office = back_office()
    started = time.monotonic()
    office.open_login_page()
    seconds = time.monotonic() - started

    assert seconds < 1, f"the login page took {seconds:.2f} s"
    database = office.page.locator('input#database')
    assert database.input_value() == demo_database
    assert database.get_attribute('readonly') is not None
    assert not office.page.locator('select#database').is_visible()
    # Nor does the server name any other database to whoever asks.
    assert rpc(demo_server, 'common.db.list') == [demo_database]


def rpc(base_url, method, *params):
    request = urllib.request.Request(base_url + '/rpc/',
        data=json.dumps(
            {'id': 1, 'method': method, 'params': params}).encode(),
        headers={'Content-Type': 'application/json'})
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.load(answer)['result']
