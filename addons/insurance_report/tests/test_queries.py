"""Every report query builds from the models' tables: a renamed or removed
column of another module fails here, not when a month is built."""
import datetime as dt

import pytest

from trytond.modules.insurance_report import statement_sql, statistics_sql
from trytond.tests.test_tryton import activate_module, with_transaction

START, END = dt.datetime(2026, 1, 1), dt.datetime(2026, 2, 1)


@pytest.fixture(scope='module', autouse=True)
def module():
    activate_module('insurance_report')


def queries():
    for kind in statement_sql.KINDS:
        yield statement_sql.take_in(1, kind, 1, START, END)
        yield statement_sql.details(1, kind)
    yield from [statement_sql.clear(1), statement_sql.save_xlsx(1, b''),
        statement_sql.taken_elsewhere(1), statement_sql.totals_by_kind(1),
        statement_sql.fee_bases(1), statistics_sql.first_issue(),
        statistics_sql.touched_days(START),
        statistics_sql.recompute(START, END, START.date(), END.date())]


@with_transaction()
def test_every_report_query_builds_and_names_only_fields():
    built = [tuple(query) for query in queries()]

    assert len(built) == 16
    assert all(text.strip() for text, _ in built)
