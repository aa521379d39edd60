"""Every screen of the insurance modules opens in sao, in Chinese, for every
role that has it in its menu.

The screens are found in the database, not listed here: every
`ir.action.act_window` on an `insurance.*` model. For each, as the
administrator and as each demo role, the walk opens the list, clicks through
its tabs, opens the first record's form (a new one when the list is empty),
shows every page of the form and so every one2many list in it, and reads
what is written on the screen: any page or RPC error, any English word from
our modules, any time shown with fractions of a second is a finding. One test
per role reports every finding of its walk at once.
"""
import re
import subprocess
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError

from trytond.modules.insurance_base.timezone import china_today

from ..client import DEMO_KEYS, Client
from ..scale.backoffice import BackOffice as RpcOffice
from ..server import server_environment
from .sao import STAFF_PASSWORD

BUILD_STATEMENT = (
    Path(__file__).parents[1] / 'report' / 'build_statement.py')

ROLES = ['admin', 'underwriter', 'business', 'service', 'claims', 'finance',
    'analyst', 'manager']

# What the labels, headers, tabs, buttons and selection values of a screen
# say: sao's own words come from its zh_CN translation, ours from the
# modules' locale/zh_CN.po.
SCREEN_WORDS = """
(tab) => {
    const texts = [];
    const add = (kind, text) => {
        text = (text || '').replace(/\\s+/g, ' ').trim();
        if (text) texts.push([kind, text]);
    };
    const all = (selector) => tab.querySelectorAll(selector);
    const title = tab.querySelector('.toolbar .title');
    if (title) add('title', title.getAttribute('title'));
    all('.tab-domain .nav-tabs > li > a').forEach(
        (e) => add('tab', e.childNodes[0] && e.childNodes[0].textContent));
    all('.treeview thead th').forEach(
        (e) => add('list header', e.textContent));
    all('.treeview td .column-selection, .treeview td .column-multiselection')
        .forEach((e) => add('list value', e.textContent));
    all('.form label').forEach((e) => add('label', e.textContent));
    all('.form .nav-tabs > li > a').forEach((e) => add('page', e.textContent));
    all('.form button').forEach((e) => add('button', e.textContent));
    all('.form .form-separator, .form .form-group-label, legend')
        .forEach((e) => add('separator', e.textContent));
    all('.form select').forEach((e) => {
        const option = e.options[e.selectedIndex];
        if (option) add('selection', option.textContent);
    });
    return texts;
}
"""

# What a screen shows as a time: fractions of a second are a finding
SCREEN_TIMES = """
(tab) => Array.from(tab.querySelectorAll('td, input'))
    .map((e) => e.tagName === 'INPUT' ? e.value : e.textContent)
    .filter((text) => /\\d:\\d\\d:\\d\\d[.,]\\d/.test(text || ''))
"""

# The first row of the list in front, opened in the form as a double click
# does (in an editable list a double click edits the cell)
OPEN_FIRST_ROW = """
() => {
    const screen = Sao.Tab.tabs.get_current().screen;
    screen.current_record = screen.group[0];
    screen.switch_view('form');
}
"""

ROWS = """
() => Sao.Tab.tabs.get_current().screen.group.length
"""

SHOWS_LIST = """
() => Sao.Tab.tabs.get_current().screen.current_view.view_type == 'tree'
"""

CLOSE_TAB = """
() => {
    const tab = Sao.Tab.tabs.get_current();
    tab._close_allowed = () => jQuery.when();
    tab.close();
}
"""

ENGLISH_WORD = re.compile(r'[A-Za-z]{2,}')
# Words staff read as they are in Chinese software (and trytond's e-mail
# log's Message-ID, an e-mail header's name)
ACCEPTED_WORDS = {'API', 'URL', 'IP', 'ID', 'CSV', 'XLSX', 'PDF', 'HTTP',
    'HTTPS', 'CNY', 'SQL', 'JSON', 'Email', 'SMTP', 'HMAC', 'SHA'}


@dataclass
class Screen:
    "An act_window of an insurance model, and where it is opened from"
    action: int
    xml_id: str
    model: str
    relate_model: str | None  # a form_relate action opens from this model
    # False for a list without a form (a log, statistics and their charts):
    # opening a row shows no form there
    has_form: bool

    def __str__(self):
        return f'{self.xml_id} ({self.model})'


@pytest.fixture(scope='module')
def insurance_screens(demo_sql):
    "Every act_window of an insurance model, in the order of the modules"
    return [Screen(*row) for row in demo_sql("""
        SELECT act.action, data.module || '.' || data.fs_id, act.res_model,
            (SELECT keyword.model FROM ir_action_keyword keyword
                WHERE keyword.action = act.action
                    AND keyword.keyword = 'form_relate' LIMIT 1),
            NOT EXISTS (SELECT 1 FROM ir_action_act_window_view act_view
                    WHERE act_view.act_window = act.id)
                OR EXISTS (SELECT 1 FROM ir_action_act_window_view act_view
                    JOIN ir_ui_view view ON view.id = act_view.view
                    WHERE act_view.act_window = act.id
                        AND view.type = 'form')
        FROM ir_action_act_window act
        JOIN ir_model_data data
            ON data.model = 'ir.action.act_window' AND data.db_id = act.id
        WHERE starts_with(act.res_model, 'insurance.')
        ORDER BY act.id""")]


@pytest.fixture(scope='module')
def records_to_open(demo_server, demo_database, demo_sql):
    """What the demo data leaves empty, made as the partners and finance
    make it: a ZHIFUPAY policy, its endorsement and claim, taken by the
    claims handler (its log and callback event), the month's statement of
    ZHIFUPAY"""
    zhifupay = Client(demo_server, DEMO_KEYS['ZHIFUPAY'])
    today = china_today().isoformat()
    issued = zhifupay.post('/policies', {
            'product_code': 'ACCOUNT_SECURITY', 'plan_code': 'BASIC',
            'effective_date': today,
            'policyholder': {'name': "李四", 'id_type': 'ID_CARD',
                'id_no': '310101199001011234', 'phone': '13900139000'},
            'risk': {'account_id': f'walk-{uuid.uuid4().hex[:12]}',
                'account_tier': 'standard'}})
    assert issued.status_code == 201, issued.text
    policy_no = issued.json()['policy_no']
    for path, body in [
            (f'/policies/{policy_no}/endorsements',
                {'plan_code': 'ADVANCED', 'effective_date': today}),
            ('/claims', {'policy_no': policy_no, 'incident_date': today,
                    'claimed_amount': '100.00'})]:
        response = zhifupay.post(path, body)
        assert response.status_code == 201, response.text
    claims = RpcOffice(demo_server, demo_database, 'claims', STAFF_PASSWORD)
    claims.model('insurance.claim', 'take', claims.model(
            'insurance.claim', 'search',
            [('number', '=', response.json()['claim_no'])], 0, None, None))
    if not demo_sql("""SELECT 1 FROM insurance_statement statement
            JOIN insurance_channel channel ON channel.id = statement.channel
            WHERE channel.code = 'ZHIFUPAY'"""):
        subprocess.run([sys.executable, BUILD_STATEMENT, demo_database,
                'ZHIFUPAY'], env=server_environment(demo_database),
            check=True, capture_output=True)


@pytest.mark.parametrize('login', ROLES)
def test_every_screen_opens_in_chinese(
        back_office, insurance_screens, records_to_open, login):
    office = back_office(login)
    screens = screens_of(office, insurance_screens)
    if login != 'admin':
        assert screens, f"{login} has no insurance screen in the menu"
    walk = Walk(office, login)
    for screen in screens:
        walk.visit(screen)
    assert not walk.findings, f"{len(walk.findings)} findings:\n" + '\n'.join(
        walk.findings)


def screens_of(office, screens):
    """The screens the logged-in user reaches: the act_windows of the menu
    entries the user sees, and their form_relate actions"""
    menus = office.rpc(
        'model.ir.ui.menu.search_read', [], 0, None, None, ['action'])
    windows = {int(m['action'].split(',')[1]) for m in menus
        if (m['action'] or '').startswith('ir.action.act_window,')}
    actions = {a['action'] for a in office.rpc(
            'model.ir.action.act_window.read', sorted(windows), ['action'])}
    in_menu = [s for s in screens if s.action in actions]
    models = {s.model for s in in_menu}
    return in_menu + [s for s in screens
        if s.relate_model in models and s not in in_menu]


class Walk:
    "Visits screens as one user, recording what is wrong on each"

    def __init__(self, office, login):
        self.office = office
        self.login = login
        self.findings = []

    def visit(self, screen):
        office = self.office
        try:
            tab = office.open_action(screen.action, self.data_for(screen))
            tab.locator('.treeview, .form').first.wait_for()
            if office.page.evaluate(SHOWS_LIST):
                self.read(screen, 'list')
                self.visit_list_tabs(screen, tab)
                opened = screen.has_form and self.open_form(tab)
            else:  # a singleton (configuration) opens in its form
                opened = True
            if opened:
                self.read(screen, 'form')
                self.visit_pages(screen, tab)
            office.screenshot(f'{office.name}-{screen.xml_id}')
            self.close(tab)
        except (AssertionError, PlaywrightError) as error:
            self.findings.append(f'{screen}: {error}')
            self.restart()

    def data_for(self, screen):
        "A form_relate action opens on a record of its model"
        if not screen.relate_model:
            return None
        ids = self.office.rpc(
            f'model.{screen.relate_model}.search', [], 0, 1, None)
        return {'model': screen.relate_model, 'id': ids[0] if ids else None,
            'ids': ids[:1]}

    def visit_list_tabs(self, screen, tab):
        "Click each tab of the list (e.g. 草稿, 全部) until one shows rows"
        tabs = tab.locator('.tab-domain .nav-tabs > li > a')
        for index in range(tabs.count()):
            if self.rows():
                return
            tabs.nth(index).click()
            self.office.wait_idle()
            self.read(screen, f'list tab {index + 1}')

    def rows(self):
        return self.office.page.evaluate(ROWS)

    def open_form(self, tab):
        """Open the first row's form, as a double click on it does; a new
        record's when the list is empty and the user may create. False when
        the list is empty and the user may not create."""
        office = self.office
        if self.rows():
            office.page.evaluate(OPEN_FIRST_ROW)
        else:
            new = tab.locator('button#new_')
            if not new.count() or new.is_disabled():
                return False
            new.click()
        office.wait_idle()
        tab.locator('.form').first.wait_for()
        return True

    def visit_pages(self, screen, tab):
        "Show each page of the form's notebooks, and so its one2many lists"
        pages = tab.locator('.form .nav-tabs > li:not(.hidden) > a')
        for index in range(pages.count()):
            page = pages.nth(index)
            if page.is_visible():
                page.click()
                self.office.wait_idle()
        self.read(screen, 'form pages')

    def read(self, screen, where):
        office = self.office
        office.wait_idle()
        tab = office.tab.element_handle()
        for kind, text in office.page.evaluate(SCREEN_WORDS, tab):
            english = [w for w in ENGLISH_WORD.findall(
                    text.replace('Message-ID', ''))
                if w not in ACCEPTED_WORDS]
            if english:
                self.finding(screen, where, f'English {kind} {text!r}')
        for text in office.page.evaluate(SCREEN_TIMES, tab):
            self.finding(screen, where, f'time with fractions {text!r}')

    def finding(self, screen, where, text):
        if not any(f.startswith(f'{screen} ') and f.endswith(f': {text}')
                for f in self.findings):
            self.findings.append(f'{screen} {where}: {text}')

    def close(self, tab):
        "Close the tab, leaving any new record unsaved"
        self.office.page.evaluate(CLOSE_TAB)
        tab.wait_for(state='detached')
        self.office.wait_idle()

    def restart(self):
        "After a problem: forget it, reload sao and log in again"
        office = self.office
        broken = office.page
        office.page = page = broken.context.new_page()
        broken.close()
        office.problems.seen.clear()
        page.goto(office.base_url + '/')
        page.locator('#menu .treeview tbody tr, #login').first.wait_for()
        if page.locator('#login').is_visible():
            office.login(self.login)
