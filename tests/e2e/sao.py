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
from contextlib import contextmanager
from pathlib import Path

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

# True once no request has been in flight for 100 ms (sao draws an answer
# within a few frames), or as soon as a script failed: waiting longer would
# not help.
IDLE = """
() => {
    const state = window.__saoRequests;
    if (!state) return false;
    if (state.broken) return true;
    if (state.pending > 0) return false;
    if (performance.now() - state.lastEnd < 100) return false;
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
            "([action, data, context]) => "
            "Sao.Action.execute(action, data, context)",
            [action_id, data or {}, context or {}])
        self.wait_idle()
        return self.tab

    def open_url(self, path):
        "Open a sao URL such as 'model/insurance.product/5'"
        self.page.evaluate(
            "(path) => Sao.open_url(path)", f'{self.database}/{path}')
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
