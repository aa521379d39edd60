"""Drive sao, the back office, in a browser page as a member of staff would.

`BackOffice` wraps one playwright page: it logs in, opens menu entries and
actions, waits until sao is idle, and records every problem the page meets:
uncaught exceptions (`pageerror`), console errors, and Tryton RPC calls that
fail (an HTTP error status or a JSON-RPC answer carrying an `error`). The
test fixture fails the test on any problem left unexpected at its end; a test
that provokes an error on purpose says so with `expect_problem()`.
"""
import json
import re
import time
from contextlib import contextmanager
from pathlib import Path

from trytond.modules.insurance_base.timezone import in_china

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / 'var' / 'screenshots'
STAFF_PASSWORD = 'demo2026'
ADMIN_PASSWORD = 'admin2026'

# Installed in every page before sao loads: counts the XMLHttpRequests in
# flight (sao talks to the server only through jQuery.ajax) and reports RPC
# failures to Python through the exposed function __saoReport.
WATCH_REQUESTS = """
(() => {
    const state = window.__saoRequests = {
        pending: 0, lastEnd: 0, broken: false};
    const broken = () => { state.broken = true; };
    window.addEventListener('error', broken);
    window.addEventListener('unhandledrejection', broken);
    const open = XMLHttpRequest.prototype.open;
    const send = XMLHttpRequest.prototype.send;
    XMLHttpRequest.prototype.open = function(method, url) {
        this.__saoUrl = String(url);
        return open.apply(this, arguments);
    };
    XMLHttpRequest.prototype.send = function(body) {
        const url = this.__saoUrl || '';
        let method = url;
        try { method = JSON.parse(body).method || url; } catch (e) {}
        state.pending += 1;
        this.addEventListener('loadend', () => {
            state.pending -= 1;
            state.lastEnd = performance.now();
            if (!/\\/rpc\\//.test(url)) {
                if (this.status >= 400) {
                    window.__saoReport('http', `${this.status} ${url}`);
                }
                return;
            }
            let answer = null;
            try { answer = JSON.parse(this.responseText); } catch (e) {}
            if (this.status >= 400) {
                window.__saoReport(
                    'rpc',
                    `${method}: HTTP ${this.status} ${this.responseText}`);
            } else if (answer && answer.error) {
                window.__saoReport(
                    'rpc', `${method}: ${JSON.stringify(answer.error)}`);
            }
        });
        return send.apply(this, arguments);
    };
})();
"""

MARK_WAIT_START = """
() => {
    const state = window.__saoRequests;
    if (state) state.waitStart = performance.now();
}
"""

# True once no request has been in flight for 150 ms since the wait began
# (sao draws an answer within a few frames), or as soon as a script failed:
# waiting longer would not help.
IDLE = """
() => {
    const state = window.__saoRequests;
    if (!state) return false;
    if (state.broken) return true;
    if (state.pending > 0) return false;
    const quietSince = Math.max(state.lastEnd, state.waitStart || 0);
    if (performance.now() - quietSince < 150) return false;
    return document.readyState === 'complete';
}
"""


class Problems:
    "What went wrong in a page, each as (kind, text)"

    def __init__(self):
        self.seen = []
        self.expected = []

    def report(self, kind, text):
        self.seen.append((kind, text))

    def unexpected(self):
        return [(kind, text) for kind, text in self.seen
            if not any(re.search(pattern, text) for pattern in self.expected)]


def install_watchers(context, problems):
    "Record the problems of every page of a browser context"
    context.expose_function('__saoReport', problems.report)
    context.add_init_script(WATCH_REQUESTS)

    def watch(page):
        page.on('pageerror', lambda error: problems.report(
                'pageerror', f'{error.name}: {error.message}\n{error.stack}'))
        page.on('console', lambda message: message.type == 'error'
            and problems.report('console', message.text))
    context.on('page', watch)


class BackOffice:
    "sao in one page of a browser context, as one member of staff"

    def __init__(self, page, base_url, database, problems, name):
        self.page = page
        self.base_url = base_url
        self.database = database
        self.problems = problems
        self.name = name

    # --- logging in -------------------------------------------------------
    def open_login_page(self):
        self.page.goto(self.base_url + '/')
        self.page.locator('#login').wait_for()
        self.wait_idle()

    def submit_login(self, login, password):
        "Type the login and password into sao's login dialogs"
        page = self.page
        if not page.locator('#login').is_visible():
            self.open_login_page()
        select = page.locator('select#database')
        if select.is_visible():
            select.select_option(self.database)
        page.fill('#login', login)
        page.click('.modal button.btn-primary')
        # sao asks for no password when the browser context still holds a
        # session of the user (logging in again after a reload)
        asked = page.locator('.modal input[type=password]')
        asked.or_(page.locator('#menu .treeview tbody tr')).first.wait_for()
        if asked.is_visible():
            asked.fill(password)
            page.keyboard.press('Enter')

    def login(self, login, password=None):
        "Log in as login (password of the demo users by default)"
        if password is None:
            password = ADMIN_PASSWORD if login == 'admin' else STAFF_PASSWORD
        self.submit_login(login, password)
        self.page.wait_for_selector('#menu .treeview tbody tr')
        self.wait_idle()
        return self

    # --- waiting ----------------------------------------------------------
    def wait_idle(self, timeout=15000):
        """Wait until sao has no request in flight and has drawn the answers;
        fail at once on a problem the test does not expect"""
        # Quiet from now on: a click's request may not have left yet
        self.page.evaluate(MARK_WAIT_START)
        self.page.wait_for_function(IDLE, timeout=timeout, polling=50)
        self.assert_no_problem()

    # --- opening screens --------------------------------------------------
    def open_menu(self, *names):
        """Open a menu entry by the names on its path, e.g.
        open_menu('保险', '产品', '产品版本'): expands each parent, then
        activates the last entry as a click does"""
        row = self.page.locator('#menu tbody tr').filter(
            has=self.page.locator(f'.column-char[title="{names[0]}"]')).first
        for name in names[1:]:
            child = row.locator(
                f'xpath=following-sibling::tr[.//div[@title="{name}"]][1]')
            if not child.is_visible():
                row.locator('.expander').click()
                child.wait_for()
            row = child
        row.locator('.column-char').click()
        self.wait_idle()
        return self.tab

    def open_action(self, action_id, data=None, context=None):
        """Run an ir.action (its id) as the menu would, e.g. an id from
        `action_id(database, 'insurance_product.act_product_form')`"""
        self.page.evaluate(
            "([action, data, context]) => { "
            "Sao.Action.execute(action, data, context); }",
            [action_id, data or {}, context or {}])
        self.wait_idle()
        return self.tab

    def open_url(self, path):
        "Open a sao URL such as 'model/insurance.product/5'"
        self.page.evaluate(
            "(path) => { Sao.open_url(path); }", f'{self.database}/{path}')
        self.wait_idle()
        return self.tab

    # --- what is on the screen --------------------------------------------
    @property
    def tab(self):
        "The content of the tab in front"
        return self.page.locator('#tabcontent > .tab-pane.active')

    @property
    def tab_titles(self):
        return self.page.locator('#tablist > li').all_inner_texts()

    def rpc(self, method, *params):
        """Call the server as the logged-in user, e.g.
        rpc('model.x.search', []); an error raises (and is a problem) rather
        than opening sao's error dialog"""
        return self.page.evaluate(
            "([method, params]) => Sao.rpc({method: method, params: params},"
            " Sao.Session.current_session, true, false)",
            [method, list(params) + [{}]])

    def download(self, button):
        """Click button (a binary field's 另存为..., a report) and return the
        (name, bytes) of the file the browser saves"""
        with self.page.expect_download() as started:
            button.click()
        download = started.value
        # sao's 下载 dialog closes itself once the browser took the file
        self.page.locator('.modal', has_text=download.suggested_filename
            ).wait_for(state='detached')
        self.wait_idle()
        return download.suggested_filename, Path(download.path()).read_bytes()

    def screenshot(self, name=None):
        "Save the page under var/screenshots/ (name defaults to the test's)"
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f'{safe_name(name or self.name)}.png'
        self.page.screenshot(path=str(path))
        return path

    # --- problems ---------------------------------------------------------
    @contextmanager
    def expect_problem(self, pattern):
        """Within the block, problems whose text matches the regular
        expression pattern are expected (e.g. a refusal the test provokes);
        at least one must happen"""
        start = len(self.problems.seen)
        self.problems.expected.append(pattern)
        yield
        self.wait_idle()
        seen = [text for _, text in self.problems.seen[start:]
            if re.search(pattern, text)]
        assert seen, f"no problem matching {pattern!r} happened"

    def assert_no_problem(self):
        unexpected = self.problems.unexpected()
        assert not unexpected, "the page met problems:\n" + '\n'.join(
            f'[{kind}] {text}' for kind, text in unexpected)


class Screens:
    "What a person does on sao's screens, in the words of the test"

    def __init__(self, office):
        self.office = office
        self.page = office.page

    def fill(self, scope, name, value, tag='input'):
        "Type value into the field name (again if sao redrew it meanwhile)"
        field = scope.locator(f'{tag}[name="{name}"]:visible').first
        for _ in range(3):
            field.click()
            field.fill(value)
            field.press('Tab')
            self.office.wait_idle()
            if field.input_value() == value:
                return
        raise AssertionError(f"{name} does not keep {value!r}")

    def many2one(self, scope, name, text):
        """Type text into the many2one name and pick the record: sao takes
        the only match, or asks in a search dialog"""
        field = scope.locator(f'input[name="{name}"]').first
        field.click()
        field.fill(text)
        field.press('Tab')
        self.office.wait_idle()
        # the search dialog may still be fading in
        deadline = time.monotonic() + 15
        while text not in field.input_value():
            assert time.monotonic() < deadline, field.input_value()
            self.pick_searched(text)
            self.page.wait_for_timeout(100)

    def one2many(self, scope, string):
        return scope.locator('.form-one2many').filter(has=self.page.locator(
                    '.form-one2many-string', has_text=string)).first

    def new_row(self, widget, **cells):
        """Add a row to an editable list and fill its cells, given by the
        header of their column: text, a selection's label or a checkbox"""
        widget.locator('button[title="新建"]').click()
        self.office.wait_idle()
        row = self.edited_row(widget)
        headers = [h.strip() for h in
            widget.locator('thead th').all_text_contents()]
        for header, value in cells.items():
            cell = row.locator('td').nth(headers.index(header))
            if value is True:
                cell.locator('input[type="checkbox"]').last.check()
            elif cell.locator('select').count():
                cell.locator('select').select_option(label=value)
            else:
                field = cell.locator('input:visible').first
                field.fill(value)
                field.press('Tab')
                self.office.wait_idle()
                many2one = cell.locator('.editabletree-many2one').count()
                self.pick_searched(value, wait=2 if many2one else 0)
            self.office.wait_idle()
        return row

    def pick_searched(self, text, wait=0):
        """Choose the record matching text when sao asks in a search dialog
        (within wait seconds: an editable list may ask a moment later)"""
        search = self.page.locator('.modal').filter(has=self.page.locator(
                '.modal-header', has_text="搜索"))
        deadline = time.monotonic() + wait
        while not search.count() and time.monotonic() < deadline:
            self.page.wait_for_timeout(100)
        if search.count():  # perhaps still fading in
            search = search.and_(self.page.locator('.modal.in')).last
            search.locator('.treeview tbody tr', has_text=text
                ).first.dblclick()
            self.office.wait_idle()

    def edited_row(self, widget):
        return widget.locator('tbody tr').filter(has=self.page.locator(
                'td.selection-state input:checked')).first

    def new_record(self, widget):
        "Open the form of a new record of a list that is not editable"
        widget.locator('button[title="新建"]').click()
        self.office.wait_idle()
        return self.dialog

    @property
    def dialog(self):
        return self.page.locator('.modal.in').last

    def add(self, dialog):
        dialog.locator('button', has_text='添加').last.click()
        self.office.wait_idle()

    def page_of(self, scope, title):
        # the form's page of that very name (not a list's 已退保 for 退保)
        scope.locator('.form .nav-tabs').get_by_role(
            'tab', name=title, exact=True).first.click()
        self.office.wait_idle()

    def new(self, tab):
        "A new record in the form of the tab (once its list has loaded)"
        self.office.wait_idle()
        tab.locator('button[title="新建"]').first.click()
        self.office.wait_idle()
        tab.locator('.form').first.wait_for()

    def save(self, tab):
        tab.locator('button[title="保存"]').first.click()
        self.office.wait_idle()

    def saved(self, tab):
        "Save the form in the tab and see sao say so"
        self.save(tab)
        tab.locator('.infobar .alert', has_text="记录保存成功").wait_for()

    def refusal(self):
        "The message of the warning sao shows for a refusal, once closed"
        dialog = self.page.locator('.modal.in.warning-dialog').last
        dialog.wait_for()
        message = dialog.locator('.modal-body').inner_text()
        dialog.get_by_role('button', name="确定").click()
        self.office.wait_idle()
        return message

    def button(self, scope, name):
        scope.get_by_role('button', name=name).first.click()
        self.office.wait_idle()

    def answer(self, button='确定'):
        """Press button of the dialog in front (a message, a question) and
        wait until it is gone and sao has done what follows (it redraws the
        record once the dialog has faded out)"""
        dialog = self.dialog.element_handle()
        dialog.query_selector(f'button:has-text("{button}")').click()
        dialog.wait_for_element_state('hidden')
        self.office.wait_idle()

    def select(self, scope, name, label):
        "Choose the option label of the selection name"
        field = scope.locator(f'select[name="{name}"]:visible').first
        field.select_option(label=label)
        self.office.wait_idle()
        assert field.locator('option:checked').inner_text() == label

    def search(self, tab, text):
        "Type text into the search box of the list of the tab"
        box = tab.locator('.filter-box input').first
        box.fill(text)
        box.press('Enter')
        self.office.wait_idle()

    def open_row(self, scope, text):
        """Open the form of the row showing text, as a person does: a click,
        then a double click. (A double click at once, as playwright gives
        it, beats sao's handling of the click's new address and opens the
        list again in a second tab.)"""
        cell = scope.locator('.treeview tbody tr td', has_text=text).first
        cell.click()
        self.office.wait_idle()
        cell.dblclick()
        self.office.wait_idle()
        scope.locator('.form').first.wait_for()

    def fill_number(self, scope, name, value):
        """Type value into the number field name: sao swaps its text input
        for a number input when it has the focus"""
        field = scope.locator(f'input[name="{name}"]:visible').first
        field.click()
        field = scope.locator(
            f'input[name="{name}"][type="number"]:visible').first
        field.fill(value)
        field.press('Tab')
        self.office.wait_idle()

    def shown(self, scope, name):
        """The locator of what the form shows of the field name: the entry,
        or the chosen option of a selection (for expect's to_have_value,
        to_have_text)"""
        field = scope.locator(f'.form [name="{name}"]').first
        if field.evaluate('e => e.tagName') == 'SELECT':
            return field.locator('option:checked')
        return field

    def confirm(self, question, answer="确定"):
        """Answer sao's question before a button runs (its confirm
        attribute), once it is asked, and wait for what follows"""
        dialog = self.page.locator('.confirmation-dialog.in')
        dialog.get_by_text(question).wait_for()
        dialog.get_by_role('button', name=answer, exact=True).click()
        dialog.wait_for(state='hidden')
        self.office.wait_idle()


def beijing_time(timestamp):
    "What staff read of a stored (naive UTC) timestamp: Beijing time, seconds"
    return in_china(timestamp).strftime('%Y-%m-%d %H:%M:%S')


def safe_name(name):
    return re.sub(r'[^\w.-]+', '_', name)[:150]


def rpc_error_message(text):
    "The user-facing message of a reported RPC error, if any"
    try:
        error = json.loads(text.split(': ', 1)[1])
    except (IndexError, ValueError):
        return text
    if isinstance(error, list) and len(error) > 1 and error[1]:
        return error[1][0]
    return text
