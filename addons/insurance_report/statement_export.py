"""The XLSX of a channel statement: a summary sheet, then a detail sheet per
kind of line, streamed from a server-side cursor."""
from concurrent.futures import ThreadPoolExecutor

from trytond.transaction import Transaction

from . import statement_sql as sql
from .xlsx import Column, Workbook

FETCHED_ROWS = 5000
SUMMARY_COLUMNS = [Column("项目"), Column("件数", 'integer'),
    Column("金额", 'money')]
FEE_COLUMNS = [Column("契约版本"), Column("手续费率", 'rate'),
    Column("保费", 'money'), Column("批改保费差额", 'money'),
    Column("退费", 'money'), Column("计费基数", 'money'),
    Column("渠道手续费", 'money')]
DETAIL_SHEETS = {
    'issue': ("承保明细", [Column("保单号"), Column("产品"), Column("方案"),
            Column("契约版本"), Column("出单时间", 'timestamp'),
            Column("起保时间", 'timestamp'), Column("止保时间", 'timestamp'),
            Column("保费", 'money')]),
    'cancellation': ("退保明细", [Column("保单号"), Column("产品"),
            Column("方案"), Column("契约版本"),
            Column("退保时间", 'timestamp'), Column("退保生效日", 'date'),
            Column("退费", 'money')]),
    'endorsement': ("批改明细", [Column("批改单号"), Column("保单号"),
            Column("方案"), Column("契约版本"),
            Column("批改时间", 'timestamp'), Column("批改生效日", 'date'),
            Column("保费差额", 'money')]),
    'claim': ("理赔明细", [Column("理赔单号"), Column("保单号"),
            Column("方案"), Column("契约版本"),
            Column("赔付时间", 'timestamp'), Column("赔付金额", 'money')]),
    }


def statement_workbook(statement):
    "The bytes of the XLSX file of statement"
    workbook = Workbook()
    write_summary(workbook, statement)
    for kind, (title, columns) in DETAIL_SHEETS.items():
        sheet = workbook.sheet(title, columns)
        sheet.write_all(detail_rows(statement, kind))
        sheet.close()
    return workbook.close()


def summary_rows(statement):
    return [
        ("渠道：" + statement.channel.rec_name, None, None),
        ("账期：" + statement.period, None, None),
        ("承保保单", statement.issued_count, statement.premium),
        ("退保", statement.cancellation_count, statement.refund),
        ("批改保费差额", statement.endorsement_count,
            statement.endorsement_delta),
        ("渠道手续费", None, statement.fee),
        ("应结净额", None, statement.net_amount),
        ("理赔已付（仅供参考）", statement.claim_count,
            statement.claim_amount),
        ]


def write_summary(workbook, statement):
    summary = workbook.sheet("汇总", SUMMARY_COLUMNS)
    summary.write_all(summary_rows(statement)).close()
    fees = workbook.sheet("手续费", FEE_COLUMNS)
    fees.write_all((fee.contract_version.rec_name, fee.fee_rate,
            fee.premium, fee.endorsement_delta, fee.refund, fee.base,
            fee.fee) for fee in statement.fees).close()


def detail_rows(statement, kind):
    "The rows of the detail sheet of kind, fetched a batch ahead"
    connection = Transaction().connection
    with connection.cursor(name=f'statement_{kind}') as cursor:
        cursor.execute(*sql.details(statement.id, kind))
        yield from prefetched(lambda: cursor.fetchmany(FETCHED_ROWS))


def prefetched(fetch):
    """The rows of the batches fetch() returns until an empty one, each
    batch fetched by a thread while the rows before are written: the
    database's work and Python's overlap on two cores"""
    with ThreadPoolExecutor(max_workers=1) as fetcher:
        batch = fetch()
        while batch:
            following = fetcher.submit(fetch)
            yield from batch
            batch = following.result()
