"""Finance and administrators run statements; analysts, business staff and
finance read the statistics."""
import pytest

from trytond.model.exceptions import AccessError
from trytond.modules.insurance_report.tests.tools import (
    create_channel,
    create_statement,
    create_user,
)
from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction
from trytond.transaction import Transaction

BUTTONS = ['build', 'confirm', 'settle']


@pytest.fixture(scope='module', autouse=True)
def module():
    activate_module('insurance_report')


def button_groups(name):
    Button = Pool().get('ir.model.button')
    button, = Button.search([
            ('model', '=', 'insurance.statement'), ('name', '=', name)])
    return {g.rec_name for g in button.groups}


@with_transaction()
def test_workflow_buttons_are_for_finance_and_administrators():
    for name in BUTTONS:
        assert button_groups(name) == {
            "Finance", "Insurance Administrator"}, name


@pytest.mark.parametrize('group,writes', [
        ('group_finance', True), ('group_insurance_admin', True),
        ('group_analyst', False), ('group_business', False)])
@with_transaction()
def test_who_writes_statements(group, writes):
    Statement = Pool().get('insurance.statement')
    channel = create_channel('SHOP')
    user = create_user('someone', group)
    with Transaction().set_user(user.id), \
            Transaction().set_context(_check_access=True):
        assert Statement.search([]) == []
        if writes:
            create_statement(channel, '2026-03')
        else:
            with pytest.raises(AccessError):
                create_statement(channel, '2026-03')


@pytest.mark.parametrize('group', [
        'group_analyst', 'group_business', 'group_finance'])
@with_transaction()
def test_who_reads_statistics(group):
    Statistics = Pool().get('insurance.statistics')
    user = create_user('someone', group)
    with Transaction().set_user(user.id), \
            Transaction().set_context(_check_access=True, period='week'):
        assert Statistics.search([]) == []


@with_transaction()
def test_claims_handlers_read_no_statistics():
    Statistics = Pool().get('insurance.statistics')
    user = create_user('someone', 'group_claims')
    with Transaction().set_user(user.id), \
            Transaction().set_context(_check_access=True):
        with pytest.raises(AccessError):
            Statistics.search([])
