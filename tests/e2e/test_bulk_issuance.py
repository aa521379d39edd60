"""Bulk issuance in the back office: business staff upload a CSV of
accounts, watch the job issue them, and download the rows it rejected."""
import csv
import io
import time
import uuid

from .sao import Screens

HEADER = ('account_id,plan_code,policyholder_name,id_type,id_number,phone,'
    'email,effective_date,account_tier')
JOB_TIMEOUT = 120  # seconds


def accounts_file(prefix):
    """A CSV of three good rows and three bad ones; return its bytes and
    {line: (account, code)} of the bad ones (the header is line 1)"""
    account = [f'{prefix}{n}' for n in range(6)]
    lines = [HEADER,
        f'{account[1]},BASIC,张三,ID_CARD,110101199003071234,13800138000,,,'
        'standard',
        f'{account[2]},ADVANCED,李四,ID_CARD,310101199001011234,,'
        'li@example.com,,gold',
        ',BASIC,无账号,ID_CARD,110101199003071234,,,,standard',
        f'{account[1]},BASIC,张三,ID_CARD,110101199003071234,,,,standard',
        f'{account[3]},GOLD,王五,ID_CARD,110101199505051234,,,,gold',
        f'{account[4]},BASIC,赵六,ID_CARD,110101199505051234,,,,standard',
        ]
    rejected = {
        4: ('', 'ACCOUNT_ID_MISSING'),
        5: (account[1], 'DUPLICATE_IN_FILE'),
        6: (account[3], 'PLAN_NOT_AUTHORIZED'),
        }
    return '\n'.join(lines).encode() + b'\n', rejected


def shown(scope, name):
    "The text a person reads in the field name of a form"
    field = scope.locator(f'[name="{name}"]').first
    if field.evaluate('node => node.tagName') == 'SELECT':
        return field.locator('option:checked').inner_text().strip()
    return field.input_value()


def test_business_uploads_accounts_and_downloads_the_rejected_rows(
        back_office, demo_sql, new_channel, queue_worker, tmp_path):
    code, _ = new_channel('BULK', product='ACCOUNT_SECURITY')
    prefix = f'BK{uuid.uuid4().hex[:10]}-'
    data, rejected = accounts_file(prefix)
    upload = tmp_path / 'accounts.csv'
    upload.write_bytes(data)
    screens = Screens(back_office('business'))
    office = screens.office

    office.open_menu('保险', '保单', '批量投保', '上传批量投保文件')
    dialog = office.page.locator('.modal.in', has_text="上传批量投保文件")
    screens.many2one(dialog, 'channel', code)
    screens.many2one(dialog, 'product', "账户安全险")
    dialog.locator('input[type="file"]').set_input_files(upload)
    office.wait_idle()
    office.screenshot('bulk-upload')
    screens.button(dialog, "开始")
    tab = office.tab
    tab.locator('.form').first.wait_for()
    office.screenshot('bulk-started')
    print(office.page.evaluate("""() => { const r = Sao.Tab.tabs[0].screen.current_record; return [JSON.stringify(r.modified_fields), String(r._values.started_at)]; }"""))

    # The person watches the job: reloads until it is done
    deadline = time.monotonic() + JOB_TIMEOUT
    while shown(tab, 'state') != "完成":
        assert shown(tab, 'state') == "运行中"
        assert time.monotonic() < deadline, shown(tab, 'progress')
        time.sleep(0.5)
        tab.locator('button[title="刷新/撤销"]').first.click()
        office.wait_idle()
    office.screenshot('bulk-done')
    assert (shown(tab, 'total_rows'), shown(tab, 'issued'),
        shown(tab, 'rejected')) == ('6', '3', '3')
    assert tab.locator('.progress-bar').first.inner_text() == '100.0%'

    assert tab.get_by_text('DUPLICATE_IN_FILE').is_visible()

    rejected_rows = tab.locator('.form-binary').filter(
        has=office.page.locator('input[name="report"]'))
    name, report = office.download(
        rejected_rows.locator('button[title="另存为..."]'))
    assert name.startswith('rejected-') and name.endswith('.csv')
    assert report.startswith(b'\xef\xbb\xbf')  # spreadsheets read UTF-8
    rows = list(csv.reader(io.StringIO(report.decode('utf-8-sig'))))
    assert rows[0] == ['line', 'account_id', 'code', 'message']
    assert {int(line): (account, code_) for line, account, code_, _
        in rows[1:]} == rejected
    assert all(message for *_, message in rows[1:])

    issued = demo_sql(
        "SELECT p.external_reference FROM insurance_policy p "
        "JOIN insurance_channel c ON c.id = p.channel "
        "WHERE c.code = %s ORDER BY p.external_reference", (code,))
    assert issued == [(f'{prefix}{n}',) for n in (1, 2, 4)]
    assert demo_sql(
        "SELECT b.state, b.total_rows, b.issued, b.rejected, b.filename "
        "FROM insurance_policy_bulk b JOIN insurance_channel c "
        "ON c.id = b.channel WHERE c.code = %s", (code,)) == [
        ('done', 6, 3, 3, 'accounts.csv')]
