"""The SQL behind channel statements: which records a statement takes in.

A record (an issued policy, a cancellation, an endorsement, a paid claim)
belongs to the statement being built when it happened for the channel
before the end of the month and no confirmed (or settled) statement holds
it yet. So a cancellation stamped in an already confirmed month is taken in
by the next statement built, and nothing is counted twice or lost.

The queries are built with python-sql from the models' tables
(insurance_base.tables.model_table): a column renamed in another module
fails when the query is built, which the module's tests do for each one.
"""
from sql import Cast, Literal
from sql.aggregate import Count, Sum
from sql.conditionals import Case, Coalesce
from sql.operators import Concat, Exists

from trytond.modules.insurance_base.tables import created, model_table
from trytond.pool import Pool

KINDS = ('issue', 'cancellation', 'endorsement', 'claim')
# What take_in reads of each source, in the order of the line's columns
SOURCE_COLUMNS = ('record', 'policy', 'contract_version', 'occurred_at',
    'amount')


def tables(*names):
    pool = Pool()
    return [model_table(pool.get(name)) for name in names]


def source(kind, channel_id, start, end):
    """The records of kind of the channel that happened in [start, end), as
    SOURCE_COLUMNS"""
    policy, endorsement, claim = tables('insurance.policy',
        'insurance.policy.endorsement', 'insurance.claim')
    channel = policy.channel == channel_id
    if kind == 'issue':
        from_, stamp = policy, policy.issued_at
        columns = [policy.id, policy.id, policy.contract_version, stamp,
            policy.premium]
    elif kind == 'cancellation':
        from_, stamp = policy, policy.cancelled_at
        columns = [policy.id, policy.id, policy.contract_version, stamp,
            Coalesce(policy.refund, 0)]
    elif kind == 'endorsement':
        from_ = endorsement.join(
            policy, condition=policy.id == endorsement.policy)
        stamp = endorsement.created_at
        columns = [endorsement.id, endorsement.policy,
            endorsement.contract_version, stamp, endorsement.premium_delta]
    else:
        from_ = claim.join(policy, condition=policy.id == claim.policy)
        channel, stamp = claim.channel == channel_id, claim.paid_at
        columns = [claim.id, claim.policy, policy.contract_version, stamp,
            claim.paid_amount]
    return from_.select(
        *(c.as_(n) for c, n in zip(columns, SOURCE_COLUMNS, strict=True)),
        where=channel & (stamp >= start) & (stamp < end))


def take_in(statement_id, kind, channel_id, start, end, records=None):
    """Insert the lines of the records of kind that no confirmed statement
    holds; records: the source already read (on a replica), else read"""
    line, held, statement = tables('insurance.statement.line',
        'insurance.statement.line', 'insurance.statement')
    if records is None:
        records = source(kind, channel_id, start, end)
    kind_text = Cast(Literal(kind), 'VARCHAR')
    confirmed = held.join(statement,
        condition=statement.id == held.statement).select(Literal(1),
        where=(held.kind == kind_text) & (held.record == records.record)
        & (statement.state != 'draft'))
    creation, (user, now) = created(line)
    return line.insert(
        [*creation, line.statement, line.kind,
            *(getattr(line, name) for name in SOURCE_COLUMNS)],
        records.select(Literal(user), now, Literal(statement_id),
            kind_text, *(getattr(records, name) for name in SOURCE_COLUMNS),
            where=~Exists(confirmed)))


def clear(statement_id):
    line, = tables('insurance.statement.line')
    return line.delete(where=line.statement == statement_id)


def analyze_lines():
    "Fresh statistics of the lines for the planner (not python-sql)"
    Line = Pool().get('insurance.statement.line')
    return f'ANALYZE "{Line._table}"'


def save_xlsx(statement_id, xlsx):
    # bytes go to PostgreSQL in binary format, not as hex text
    statement, = tables('insurance.statement')
    return statement.update([statement.xlsx], [xlsx],
        where=statement.id == statement_id)


def taken_elsewhere(statement_id):
    """A line of the statement already held by a confirmed one: it was built
    before that one got confirmed and must be built again"""
    line, held, statement = tables('insurance.statement.line',
        'insurance.statement.line', 'insurance.statement')
    return line.join(held, condition=(held.kind == line.kind)
        & (held.record == line.record)).join(statement,
        condition=statement.id == held.statement).select(Literal(1),
        where=(line.statement == statement_id)
        & (statement.state != 'draft'),
        limit=1)


def totals_by_kind(statement_id):
    "(kind, count, amount) of the statement's lines"
    line, = tables('insurance.statement.line')
    return line.select(line.kind, Count(line.id),
        Coalesce(Sum(line.amount), 0),
        where=line.statement == statement_id,
        group_by=[line.kind])


def fee_bases(statement_id):
    "(contract version, premium, endorsement delta, refund) of the lines"
    line, = tables('insurance.statement.line')

    def amounts(kind):
        return Sum(Case((line.kind == kind, line.amount), else_=0))
    return line.select(line.contract_version, amounts('issue'),
        amounts('endorsement'), amounts('cancellation'),
        where=(line.statement == statement_id) & (line.kind != 'claim'),
        group_by=[line.contract_version],
        order_by=[line.contract_version])


def details(statement_id, kind):
    "The rows of the detail sheet of kind, in the order of its columns"
    line, policy, plan, product, version, contract = tables(
        'insurance.statement.line', 'insurance.policy', 'insurance.plan',
        'insurance.product', 'insurance.contract.version',
        'insurance.contract')
    endorsement, claim = tables(
        'insurance.policy.endorsement', 'insurance.claim')
    joined = (line
        .join(policy, condition=policy.id == line.policy)
        .join(plan, condition=plan.id == policy.plan)
        .join(product, condition=product.id == policy.product)
        .join(version, condition=version.id == line.contract_version)
        .join(contract, condition=contract.id == version.contract))
    version_label = Concat(Concat(contract.number, ' v'), version.number)
    if kind == 'issue':
        columns = [policy.number, product.name, plan.name, version_label,
            line.occurred_at, policy.starts_at, policy.ends_at, line.amount]
    elif kind == 'cancellation':
        columns = [policy.number, product.name, plan.name, version_label,
            line.occurred_at, policy.cancellation_date, line.amount]
    elif kind == 'endorsement':
        joined = joined.join(endorsement,
            condition=endorsement.id == line.record)
        columns = [endorsement.number, policy.number, plan.name,
            version_label, line.occurred_at, endorsement.effective_date,
            line.amount]
    else:
        joined = joined.join(claim, condition=claim.id == line.record)
        columns = [claim.number, policy.number, plan.name, version_label,
            line.occurred_at, line.amount]
    return joined.select(*columns,
        where=(line.statement == statement_id) & (line.kind == kind),
        order_by=[line.occurred_at, line.id])
