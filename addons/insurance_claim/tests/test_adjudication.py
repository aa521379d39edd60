import datetime as dt
from decimal import Decimal

import pytest

from trytond.modules.insurance_base.queue import ADJUDICATION, CALLBACKS
from trytond.modules.insurance_base.timezone import china_today
from trytond.modules.insurance_product.expression import evaluate
from trytond.modules.insurance_product.settlement import CLAIM_VARIABLES
from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction
from trytond.transaction import Transaction

from .tools import create_channel, create_contract, create_policy, file_claim


@pytest.fixture(scope='module', autouse=True)
def module():
    activate_module('insurance_claim')


def return_shipping_policy(code='SHOP', **values):
    contract = create_contract(create_channel(code), 'RETURN_SHIPPING')
    return create_policy(contract, 'STANDARD', **values)


def adjudicate(*claims):
    Claim = Pool().get('insurance.claim')
    Claim.adjudicate(claims)
    return [(c.state, c.rejection_code) for c in Claim.browse(claims)]


@with_transaction()
def test_tracking_number_format():
    "The rule of the return-shipping line loaded by line.xml"
    Rule = Pool().get('insurance.line.claim_rule')
    rule, = Rule.search([('rejection_code', '=', 'INVALID_TRACKING_NO')])

    def well_formed(value):
        return evaluate(rule.expression, CLAIM_VARIABLES,
            {'details': {'return_tracking_no': value}})
    for good in ['SF1234567890', 'YT12345678', 'JDVA123456789012345']:
        assert well_formed(good), good
    for bad in ['SF123', 'sf1234567890', 'S1234567890', 'ABCDE12345678',
            'SF1234567890123456', 'SF 12345678', '', None, 1234567890]:
        assert not well_formed(bad), bad


@with_transaction()
def test_well_formed_claim_paid_the_sum_insured():
    policy = return_shipping_policy()
    claim = file_claim(policy, amount='8.00')
    assert adjudicate(claim) == [('paid', None)]
    assert claim.paid_amount == policy.sum_insured == Decimal('12.00')
    assert claim.payment_reference == f'RS-{claim.number}'
    assert claim.paid_at
    event, = claim.callback_events
    assert (event.sequence, event.state) == (1, 'pending')
    actors = {log.actor for log in claim.history if log.field != 'state'
        or log.old_value}
    assert actors == {'adjudication'}


@with_transaction()
def test_rejections():
    pool = Pool()
    Claim = pool.get('insurance.claim')
    Policy = pool.get('insurance.policy')
    policy = return_shipping_policy()
    bad_tracking = file_claim(policy, 'SF123')
    assert adjudicate(bad_tracking) == [('rejected', 'INVALID_TRACKING_NO')]
    assert bad_tracking.rejection_reason['code'] == 'INVALID_TRACKING_NO'

    paid, duplicate = file_claim(policy), file_claim(policy)
    assert adjudicate(paid, duplicate) == [
        ('paid', None), ('rejected', 'DUPLICATE_CLAIM')]
    assert adjudicate(file_claim(policy)) == [
        ('rejected', 'DUPLICATE_CLAIM')]

    cancelled = return_shipping_policy('OTHER')
    uncovered = file_claim(cancelled)
    Policy.write([cancelled], {'state': 'cancelled'})
    assert adjudicate(uncovered) == [('rejected', 'NOT_COVERED')]

    expired = return_shipping_policy(
        'OLD', start=china_today() - dt.timedelta(days=120))
    too_late, = Claim.create([{
                'policy': expired.id, 'claimed_amount': Decimal('12'),
                'details': {'return_tracking_no': 'SF1234567890'}}])
    assert adjudicate(too_late) == [('rejected', 'NOT_COVERED')]


@with_transaction()
def test_updated_rejected_claim_adjudicated_again():
    claim = file_claim(return_shipping_policy(), 'SF123')
    adjudicate(claim)
    claim.amend(details={'return_tracking_no': 'SF1234567890'})
    assert claim.state == 'submitted'
    assert adjudicate(claim) == [('paid', None)]


@with_transaction()
def test_account_security_never_auto_adjudicated():
    contract = create_contract(create_channel(), 'ACCOUNT_SECURITY')
    claim = file_claim(create_policy(contract), None, amount='10.00')
    assert adjudicate(claim) == [('submitted', None)]


@with_transaction()
def test_filing_enqueues_the_adjudication():
    Queue = Pool().get('ir.queue')
    claim = file_claim(return_shipping_policy())
    tasks = [q for q in Queue.search([])
        if q.data.get('method') == 'adjudicate']
    assert (tasks[-1].data['model'], list(tasks[-1].data['instances'])) == (
        'insurance.claim', [claim.id])
    assert tasks[-1].name == ADJUDICATION


@with_transaction()
def test_a_backlog_of_callbacks_does_not_delay_adjudication():
    """Deliveries and adjudications have queues of their own: the worker of
    the adjudication queue (trytond-worker --name adjudication) takes only
    adjudications, however many deliveries wait before them"""
    pool = Pool()
    Queue = pool.get('ir.queue')
    CallbackEvent = pool.get('insurance.callback.event')
    earlier = file_claim(return_shipping_policy('EARLY'))
    CallbackEvent.announce([(earlier.id, 'submitted')] * 20)
    claim = file_claim(return_shipping_policy('LATE'))
    transaction = Transaction()

    def pull_all(name):
        "The (method, instances) of the tasks the worker of name takes"
        tasks = []
        while True:
            task_id, _ = Queue.pull(
                transaction.database, transaction.connection, name)
            if task_id is None:
                return tasks
            data = Queue(task_id).data
            tasks.append((data['method'], list(data['instances'])))

    adjudications = pull_all(ADJUDICATION)
    assert sorted(adjudications) == sorted(
        [('adjudicate', [earlier.id]), ('adjudicate', [claim.id])])
    deliveries = pull_all(CALLBACKS)
    assert {method for method, _ in deliveries} == {'deliver'}


@with_transaction()
def test_cron_skips_claims_another_job_holds():
    Claim = Pool().get('insurance.claim')
    held, free = file_claim(return_shipping_policy('A')), file_claim(
        return_shipping_policy('B'))
    transaction = Transaction()
    transaction.commit()
    with transaction.new_transaction() as other:
        cursor = other.connection.cursor()
        cursor.execute(
            'SELECT id FROM insurance_claim WHERE id = %s FOR UPDATE',
            (held.id,))
        Claim.adjudicate_submitted()
    transaction.commit()
    assert [c.state for c in Claim.browse([held, free])] == [
        'submitted', 'paid']
    Claim.adjudicate_submitted()
    transaction.commit()
    assert Claim(held.id).state == 'paid'
