"""Bulk issuance from a CSV file, chunk by chunk, without the queue."""
import csv
import io

import pytest

from trytond.model import ModelSQL, fields
from trytond.modules.insurance_policy.issuance import issue, quote, store
from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction
from trytond.transaction import Transaction

from .lifecycle_helpers import account_application, security_channel

HEADER = ('account_id,plan_code,policyholder_name,id_type,id_number,phone,'
    'email,effective_date,account_tier\n')


def row(account, plan='BASIC', name="张三", email='a@example.com'):
    return (f'{account},{plan},{name},ID_CARD,110101199003071234,'
        f'13800138000,{email},,standard\n')


GOOD = ['ACC1', 'ACC2', 'ACC3', 'ACC4']
FILE = b''.join([
        '\ufeff'.encode(), HEADER.encode(),
        row('ACC1').encode(),
        row('').encode(),  # missing account
        row('ACC2').encode(),
        row('ACC1').encode(),  # duplicate in file
        row('ACC5', name="\u5f20").encode()[:-1].replace(
            '\u5f20'.encode(), b'\xff\xfe') + b'\r\n',  # bad encoding
        b'\n',
        row('ACC6', plan='GOLD').encode(),  # unknown plan
        row('ACC3', plan='ADVANCED').encode(),
        row('ACC4').encode(),
        ])
EXPECTED_REJECTIONS = [
    (3, '', 'ACCOUNT_ID_MISSING'),
    (5, 'ACC1', 'DUPLICATE_IN_FILE'),
    (6, 'ACC5', 'INVALID_ENCODING'),
    (8, 'ACC6', 'PLAN_NOT_AUTHORIZED'),
    ]


@pytest.fixture(scope='module', autouse=True)
def module():
    activate_module('insurance_policy')


def run(job, data=None):
    "Issue every chunk of job from data or its file; return the chunks"
    Bulk = Pool().get('insurance.policy.bulk')
    Bulk.run([job])
    chunks = 0
    while Bulk.issue_chunks([job], data):
        chunks += 1
    return chunks + 1


def new_job(channel, chunk_size=2, **values):
    pool = Pool()
    Bulk = pool.get('insurance.policy.bulk')
    Product = pool.get('insurance.product')
    product, = Product.search([('code', '=', 'ACCOUNT_SECURITY')])
    job = Bulk(channel=channel, product=product, chunk_size=chunk_size,
        **values)
    job.save()
    return job


def policies_of(channel):
    Policy = Pool().get('insurance.policy')
    return Policy.search([('channel', '=', channel.id)])


@with_transaction()
def test_good_rows_are_issued_and_bad_ones_reported():
    channel = security_channel()
    job = new_job(channel, file=FILE, filename='accounts.csv')

    chunks = run(job)

    assert chunks == 4
    assert (job.state, job.total_rows, job.issued, job.rejected) == (
        'done', 8, 4, 4)
    assert job.progress == 1
    assert sorted(p.external_reference for p in policies_of(channel)) == GOOD
    assert [(r.line, r.account_id, r.code) for r in job.rejections] == (
        EXPECTED_REJECTIONS)
    report = list(csv.reader(io.StringIO(
                job.report.decode('utf-8-sig'))))
    assert report[0] == ['line', 'account_id', 'code', 'message']
    assert [tuple(r[:3]) for r in report[1:]] == [
        (str(line), account, code)
        for line, account, code in EXPECTED_REJECTIONS]


@with_transaction()
def test_a_rerun_issues_nothing_twice():
    channel = security_channel()
    first = new_job(channel, file=FILE)
    run(first)

    assert run(first) == 1
    second = new_job(channel, file=FILE)
    run(second)

    assert len(policies_of(channel)) == len(GOOD)
    assert second.issued == 0
    assert {r.code for r in second.rejections} >= {'DUPLICATE_POLICY'}
    assert first.digest == second.digest


@with_transaction()
def test_a_job_resumed_after_a_lost_chunk_issues_each_account_once():
    "A crash loses the uncommitted chunk: the offset stays before it"
    pool = Pool()
    Bulk = pool.get('insurance.policy.bulk')
    channel = security_channel()
    job = new_job(channel)
    Bulk.run([job])
    Bulk.issue_chunks([job], FILE)
    cursor = Transaction().connection.cursor()
    cursor.execute('SAVEPOINT crash')
    Bulk.issue_chunks([job], FILE)
    cursor.execute('ROLLBACK TO SAVEPOINT crash')

    job = Bulk(job.id)
    while Bulk.issue_chunks([job], FILE):
        pass

    assert sorted(p.external_reference for p in policies_of(channel)) == GOOD
    assert job.issued == 4


@with_transaction()
def test_bulk_rows_are_written_as_the_orm_writes_them():
    pool = Pool()
    Policy = pool.get('insurance.policy')
    channel = security_channel()
    by_orm = store(quote(channel.id, account_application('ORM'), 'issue'))
    job = new_job(channel, chunk_size=10,
        file=HEADER.encode() + row('BULK', email='').encode())
    run(job)
    by_bulk, = Policy.search([('external_reference', '=', 'BULK')])

    orm_row, bulk_row = (stored_row(p) for p in [by_orm, by_bulk])

    differing = {k for k in orm_row if orm_row[k] != bulk_row[k]}
    assert differing == {'id', 'number', 'external_reference', 'risk',
        'issued_at', 'bulk'}
    assert by_bulk.number[:9] == by_orm.number[:9]
    assert len(by_bulk.number) == len(by_orm.number)


@with_transaction()
def test_issued_rows_are_written_as_the_orm_writes_them():
    channel = security_channel()
    by_orm = store(quote(channel.id, account_application('ORM'), 'issue'))
    by_issue = issue(channel.id, account_application('ISSUE'), 'key-1')

    orm_row, issue_row = (stored_row(p) for p in [by_orm, by_issue])

    differing = {k for k in orm_row if orm_row[k] != issue_row[k]}
    assert differing == {'id', 'number', 'external_reference', 'risk',
        'issued_at', 'idempotency_key'}
    assert issue_row['number'][:9] == orm_row['number'][:9]
    assert len(issue_row['number']) == len(orm_row['number'])


def stored_row(policy):
    cursor = Transaction().connection.cursor()
    cursor.execute('SELECT * FROM insurance_policy WHERE id = %s',
        (policy.id,))
    names = [d[0] for d in cursor.description]
    return dict(zip(names, cursor.fetchone(), strict=True))


@with_transaction()
def test_a_file_without_the_required_columns_fails_the_job():
    channel = security_channel()
    job = new_job(channel, file=b'account,plan\nA,BASIC\n')

    run(job)

    assert job.state == 'failed'
    assert 'id_number' in job.failure


@with_transaction()
def test_the_back_office_job_runs_as_queued_chunks():
    pool = Pool()
    Bulk = pool.get('insurance.policy.bulk')
    Queue = pool.get('ir.queue')
    channel = security_channel()
    job = new_job(channel, file=FILE)

    Bulk.start([job])
    tasks = 0
    while pending := Queue.search([('finished_at', '=', None)]):
        for task in pending:
            task.run()
            tasks += 1

    assert tasks == 4
    assert (job.state, job.issued, job.rejected) == ('done', 4, 4)


# What Policy.create runs for each record and storage.insert_as_create (bulk
# issuance, the API's issue) does not
CREATION_HOOKS = (
    'create', 'preprocess_values', 'check_modification', 'on_modification',
    'validate', 'validate_fields', 'pre_validate', '_before_create',
    '_after_create')


def skipped_by_bulk(Model):
    """The creation hooks and field validations our modules give Model that
    storage.insert_as_create would not run"""
    hooks = [f'{klass.__module__}.{klass.__qualname__}.{name}'
        for klass in Model.__mro__
        if klass.__module__.startswith('trytond.modules.insurance_')
        for name in CREATION_HOOKS if name in vars(klass)]
    domains = [f'{Model.__name__}.{name} (domain)'
        for name, field in Model._fields.items()
        if getattr(field, 'domain', None)
        and not isinstance(field, fields.Function)]
    return [hook for hook in hooks + domains if hook not in ACCESS_GUARDS]


# Hooks that refuse only what staff send over RPC (check_access, external):
# the engine that inserts policies is not such a caller, so they have
# nothing to run there.
ACCESS_GUARDS = {
    'trytond.modules.insurance_base.guard.WorkflowGuard.create',
    'trytond.modules.insurance_base.guard.WorkflowGuard.check_modification',
    'trytond.modules.insurance_policy.policy.Policy.create',
    'trytond.modules.insurance_policy.policy.Policy.check_modification',
    }


@with_transaction()
def test_no_policy_creation_hook_is_skipped_by_bulk_issuance():
    "A new hook must be run by insert_as_create too, then listed here"
    Policy = Pool().get('insurance.policy')

    assert skipped_by_bulk(Policy) == []


def test_a_creation_hook_would_be_seen():
    class Policy(ModelSQL):
        __name__ = 'insurance.policy.hooked'

        @classmethod
        def on_modification(cls, mode, records, field_names=None):
            super().on_modification(mode, records, field_names)
    Policy.__module__ = 'trytond.modules.insurance_x.policy'
    Policy._fields = {}

    assert skipped_by_bulk(Policy) == [
        'trytond.modules.insurance_x.policy.'
        'test_a_creation_hook_would_be_seen.<locals>.Policy.on_modification']
