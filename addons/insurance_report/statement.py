"""Channel statements (渠道对账单): what a channel owes for a month.

A statement is built in the background, step by step (a queue task runs
steps for a second or so, so that the progress of a large month shows and
a small one is built in a task or two), then confirmed: from then on its
lines and totals are frozen, and whatever happens later goes to the next
statement of the channel (see statement_sql). Then it is settled.
"""
import datetime as dt
import time
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Unique, Workflow, fields
from trytond.modules.insurance_base.guard import WorkflowGuard
from trytond.modules.insurance_base.money import MONEY_DIGITS, money
from trytond.modules.insurance_base.queue import STATEMENTS, queue
from trytond.modules.insurance_base.timezone import utcnow
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction

from . import replica
from . import statement_sql as sql
from .exceptions import StatementError, StatementValidationError
from .period import china_days, is_period, month_bounds
from .statement_export import statement_workbook

KINDS = [
    ('issue', "Issued Policy"),
    ('cancellation', "Cancellation"),
    ('endorsement', "Endorsement"),
    ('claim', "Claim Paid"),
    ]
FIGURES = ['issued_count', 'premium', 'cancellation_count', 'refund',
    'endorsement_count', 'endorsement_delta', 'fee', 'net_amount',
    'claim_count', 'claim_amount']
# Where a first statement of a channel starts taking records in
BEGINNING = dt.datetime(2000, 1, 1)
# How long a queue task of a build runs steps before queuing the next
TASK_SECONDS = 1.0


def _money_field(string, help=''):
    return fields.Numeric(string, digits=MONEY_DIGITS, readonly=True,
        help=help)


class Statement(WorkflowGuard, Workflow, ModelSQL, ModelView):
    __name__ = 'insurance.statement'
    __string__ = "Channel Statement"

    _draft = {'readonly': Eval('state') != 'draft'}

    channel = fields.Many2One(
        'insurance.channel', "Channel", required=True, ondelete='RESTRICT',
        states=_draft)
    period = fields.Char(
        "Period", required=True, states=_draft,
        help="The month settled, as YYYY-MM (China time).")
    state = fields.Selection([
            ('draft', "Draft"),
            ('confirmed', "Confirmed"),
            ('settled', "Settled"),
            ], "State", readonly=True, required=True, sort=False)
    build_state = fields.Selection([
            (None, "Not Built"),
            ('queued', "Queued"),
            ('running', "Running"),
            ('done', "Built"),
            ], "Build", readonly=True, sort=False)
    progress = fields.Float("Progress", digits=(1, 2), readonly=True,
        help="The share of the build done.")
    built_at = fields.Timestamp("Built At", readonly=True)
    build_run = fields.Integer("Build Run", readonly=True,
        help="Counts the builds: a step of an earlier build stops.")
    issued_count = fields.Integer("Policies Issued", readonly=True)
    premium = _money_field("Premium")
    cancellation_count = fields.Integer("Cancellations", readonly=True)
    refund = _money_field("Refunds")
    endorsement_count = fields.Integer("Endorsements", readonly=True)
    endorsement_delta = _money_field(
        "Endorsement Premium", help="The sum of the signed premium "
        "differences of the endorsements.")
    fee = _money_field(
        "Channel Fee", help="The sum of the fees per contract version.")
    net_amount = _money_field(
        "Net Amount Due", help="Premium + endorsement premium − refunds − "
        "channel fee.")
    claim_count = fields.Integer("Claims Paid", readonly=True,
        help="For information: not part of the net amount.")
    claim_amount = _money_field(
        "Claims Paid Amount", help="For information: not part of the net "
        "amount.")
    fees = fields.One2Many(
        'insurance.statement.fee', 'statement', "Fees per Contract Version",
        readonly=True)
    xlsx = fields.Binary("XLSX", filename='xlsx_name', readonly=True)
    xlsx_name = fields.Function(fields.Char("XLSX Name"), 'get_xlsx_name')

    del _draft

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('channel_period_unique', Unique(t, t.channel, t.period),
                'insurance_report.msg_statement_channel_period_unique'),
            ]
        cls._order = [('period', 'DESC'), ('channel', 'ASC'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'confirmed'),
            ('confirmed', 'settled'),
            }
        building = Eval('build_state').in_(['queued', 'running'])
        cls._buttons.update({
                'build': {
                    'invisible': (Eval('state') != 'draft') | building,
                    'icon': 'tryton-refresh',
                    'depends': ['state', 'build_state'],
                    },
                'confirm': {
                    'invisible': Eval('state') != 'draft',
                    'readonly': Eval('build_state') != 'done',
                    'icon': 'tryton-ok',
                    'depends': ['state', 'build_state'],
                    },
                'settle': {
                    'invisible': Eval('state') != 'confirmed',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'draft'

    def get_rec_name(self, name):
        return f'{self.channel.rec_name} {self.period}'

    @classmethod
    def search_rec_name(cls, name, clause):
        return ['OR',
            ('channel.rec_name',) + tuple(clause[1:]),
            ('period',) + tuple(clause[1:]),
            ]

    def get_xlsx_name(self, name):
        return f'statement-{self.channel.code}-{self.period}.xlsx'

    @classmethod
    def validate_fields(cls, statements, field_names):
        super().validate_fields(statements, field_names)
        for statement in statements:
            if not is_period(statement.period):
                raise StatementValidationError(gettext(
                        'insurance_report.msg_statement_period_invalid',
                        period=statement.period))

    @classmethod
    def check_modification(cls, mode, statements, values=None,
            external=False):
        super().check_modification(
            mode, statements, values=values, external=external)
        if mode == 'delete':
            for statement in statements:
                if statement.state != 'draft':
                    raise StatementError(gettext(
                            'insurance_report.msg_statement_delete_draft',
                            statement=statement.rec_name))

    @classmethod
    def copy(cls, statements, default=None):
        "Copy only what defines a statement: it is built again"
        default = default.copy() if default is not None else {}
        for name in FIGURES + ['build_state', 'build_run', 'progress',
                'built_at', 'xlsx']:
            default.setdefault(name, None)
        default.setdefault('fees')
        return super().copy(statements, default=default)

    # Building

    @classmethod
    @ModelView.button
    def build(cls, statements):
        "Build the statements in the background"
        cls._check_draft(statements)
        for statement in statements:
            statement.build_run = (statement.build_run or 0) + 1
            statement.build_state, statement.progress = 'queued', 0
        cls.save(statements)
        for statement in statements:
            queue(cls, STATEMENTS).build_step(
                [statement], statement.build_run, 0)

    @classmethod
    def build_step(cls, statements, run, index):
        """Run the steps of the build run from index for TASK_SECONDS, then
        queue a task for the steps left"""
        for statement in statements:
            if statement.state != 'draft' or statement.build_run != run:
                continue  # superseded by a later build, or confirmed
            steps = statement.build_steps()
            done = statement.run_steps(steps, index)
            statement.record_progress(done, len(steps))
            if done < len(steps):
                queue(cls, STATEMENTS).build_step([statement], run, done)

    def run_steps(self, steps, start):
        """Run steps from start, at least one, till TASK_SECONDS are over;
        return the index of the next step"""
        deadline = time.monotonic() + TASK_SECONDS
        for index in range(start, len(steps)):
            self.run_step(steps[index])
            if time.monotonic() >= deadline:
                return index + 1
        return len(steps)

    @classmethod
    def build_now(cls, statements):
        "Build the statements at once, in this transaction"
        cls._check_draft(statements)
        for statement in statements:
            steps = statement.build_steps()
            for step in steps:
                statement.run_step(step)
            statement.record_progress(len(steps), len(steps))

    @classmethod
    def _check_draft(cls, statements):
        for statement in statements:
            if statement.state != 'draft':
                raise StatementError(gettext(
                        'insurance_report.msg_statement_frozen',
                        statement=statement.rec_name))

    def build_steps(self):
        """The steps of a build: clear, take in each kind of record window
        by window (what was left over before the month, then each day),
        compute the totals, write the XLSX"""
        month_start, _ = month_bounds(self.period)
        windows = [(self.leftovers_start(), month_start)]
        windows += list(china_days(self.period))
        return ([('clear',)]
            + [('take_in', kind, start, end)
                for kind, _ in KINDS for start, end in windows]
            + [('totals',), ('export',)])

    def leftovers_start(self):
        """Where the records not yet in a confirmed statement may start

        Records are stamped when written and committed seconds later, so
        none older than the last confirmed month can still be missing."""
        confirmed = self.search([
                ('channel', '=', self.channel.id),
                ('period', '<', self.period),
                ('state', '!=', 'draft'),
                ], order=[('period', 'DESC')], limit=1)
        if confirmed:
            return month_bounds(confirmed[0].period)[0]
        return BEGINNING

    def run_step(self, step):
        name, *arguments = step
        getattr(self, '_' + name)(*arguments)

    def record_progress(self, done, total):
        self.progress = round(done / total, 2)
        self.build_state = 'done' if done == total else 'running'
        if done == total:
            self.built_at = utcnow()
        self.save()

    def _clear(self):
        Fee = Pool().get('insurance.statement.fee')
        Fee.delete(self.fees)
        cursor = Transaction().connection.cursor()
        cursor.execute(*sql.clear(self.id))
        # Confirming a month adds a million lines in one go: without fresh
        # statistics PostgreSQL would hash them all for every window taken
        # in, instead of probing them by index.
        cursor.execute(sql.analyze_lines())

    def _take_in(self, kind, start, end):
        records = None
        replica_connection = replica.caught_up_replica()
        if replica_connection:
            # the heavy read on the replica, the lines written here
            records = replica.copied_source(replica_connection,
                sql.source(kind, self.channel.id, start, end))
        cursor = Transaction().connection.cursor()
        cursor.execute(*sql.take_in(self.id, kind, self.channel.id,
                start, end, records=records))

    def _totals(self):
        cursor = Transaction().connection.cursor()
        cursor.execute(*sql.totals_by_kind(self.id))
        totals = {kind: (count, money(amount))
            for kind, count, amount in cursor}
        nothing = (0, Decimal(0))
        self.issued_count, self.premium = totals.get('issue', nothing)
        self.cancellation_count, self.refund = totals.get(
            'cancellation', nothing)
        self.endorsement_count, self.endorsement_delta = totals.get(
            'endorsement', nothing)
        self.claim_count, self.claim_amount = totals.get('claim', nothing)
        fees = self.compute_fees()
        self.fee = sum((f.fee for f in fees), Decimal(0))
        self.net_amount = (self.premium + self.endorsement_delta
            - self.refund - self.fee)
        self.save()

    def compute_fees(self):
        pool = Pool()
        Fee = pool.get('insurance.statement.fee')
        ContractVersion = pool.get('insurance.contract.version')
        cursor = Transaction().connection.cursor()
        cursor.execute(*sql.fee_bases(self.id))
        fees = [Fee.compute(self, ContractVersion(version_id),
                money(premium), money(delta), money(refund))
            for version_id, premium, delta, refund in cursor]
        Fee.save(fees)
        return fees

    def _export(self):
        # Written as binary: the ORM would send it as hex text, twice its
        # size, and the file of a large month is tens of megabytes.
        cursor = Transaction().connection.cursor()
        cursor.execute(*sql.save_xlsx(self.id, statement_workbook(self)))

    # Workflow

    @classmethod
    @ModelView.button
    @Workflow.transition('confirmed')
    def confirm(cls, statements):
        for statement in statements:
            statement.check_confirmable()

    def check_confirmable(self):
        if self.build_state != 'done':
            raise StatementError(gettext(
                    'insurance_report.msg_statement_not_built',
                    statement=self.rec_name))
        # Confirmations of a channel are serialised: each one checks what
        # the others have frozen.
        channel_statements = self.search([('channel', '=', self.channel.id)])
        self.__class__.lock(channel_statements)
        if self.search([
                    ('channel', '=', self.channel.id),
                    ('period', '<', self.period),
                    ('state', '=', 'draft'),
                    ], limit=1):
            raise StatementError(gettext(
                    'insurance_report.msg_statement_earlier_draft',
                    statement=self.rec_name))
        cursor = Transaction().connection.cursor()
        cursor.execute(*sql.taken_elsewhere(self.id))
        if cursor.fetchone():
            raise StatementError(gettext(
                    'insurance_report.msg_statement_outdated',
                    statement=self.rec_name))

    @classmethod
    @ModelView.button
    @Workflow.transition('settled')
    def settle(cls, statements):
        pass


class StatementFee(WorkflowGuard, ModelSQL, ModelView):
    __name__ = 'insurance.statement.fee'
    __string__ = "Channel Statement Fee per Contract Version"

    statement = fields.Many2One(
        'insurance.statement', "Statement", required=True,
        ondelete='CASCADE')
    contract_version = fields.Many2One(
        'insurance.contract.version', "Contract Version", required=True,
        readonly=True, ondelete='RESTRICT')
    fee_rate = fields.Numeric(
        "Fee Rate", digits=(16, 4), required=True, readonly=True)
    premium = _money_field("Premium")
    endorsement_delta = _money_field("Endorsement Premium")
    refund = _money_field("Refunds")
    base = _money_field(
        "Fee Base", help="Premium + endorsement premium − refunds.")
    fee = _money_field("Fee", help="Fee rate × fee base, rounded half up.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('statement')
        cls._order = [('statement', 'ASC'), ('contract_version', 'ASC'),
            ('id', 'ASC')]

    @classmethod
    def compute(cls, statement, contract_version, premium,
            endorsement_delta, refund):
        base = premium + endorsement_delta - refund
        return cls(statement=statement,
            contract_version=contract_version,
            fee_rate=contract_version.fee_rate,
            premium=premium, endorsement_delta=endorsement_delta,
            refund=refund, base=base,
            fee=money(contract_version.fee_rate * base))


class StatementLine(WorkflowGuard, ModelSQL, ModelView):
    __name__ = 'insurance.statement.line'
    __string__ = "Channel Statement Line"

    statement = fields.Many2One(
        'insurance.statement', "Statement", required=True,
        ondelete='CASCADE', readonly=True)
    kind = fields.Selection(KINDS, "Kind", required=True, readonly=True)
    record = fields.Integer(
        "Record", required=True, readonly=True,
        help="The id of the policy, endorsement or claim, after the kind.")
    policy = fields.Many2One(
        'insurance.policy', "Policy", required=True, readonly=True,
        ondelete='RESTRICT')
    contract_version = fields.Many2One(
        'insurance.contract.version', "Contract Version", required=True,
        readonly=True, ondelete='RESTRICT')
    occurred_at = fields.Timestamp("Occurred At", required=True,
        readonly=True)
    amount = fields.Numeric(
        "Amount", digits=MONEY_DIGITS, required=True, readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('statement')
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.kind, Index.Equality(cardinality='low')),
                    (t.record, Index.Equality())),
                Index(t, (t.statement, Index.Equality()),
                    (t.kind, Index.Equality(cardinality='low'))),
                })
        cls._order = [('occurred_at', 'ASC'), ('id', 'ASC')]
