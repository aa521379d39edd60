"""Bulk issuance (批量投保): the accounts of a file, issued chunk by chunk.

A job reads its file from a committed byte offset; each chunk is one
transaction that issues its rows, records its rejections and moves the
offset, so a crash loses at most the chunk in progress and a rerun goes on
from there. A row's idempotency is its account_id: the one-in-force-per-
object constraint refuses a second policy (the insert skips it, the row is
reported DUPLICATE_POLICY), and an account issued or rejected earlier in the
job is reported DUPLICATE_IN_FILE.

Rows go through the issuance engine's quote (contract, rules, rating from
cached plan terms); policies are written by one INSERT per chunk with the
values, defaults and create_uid/create_date ModelSQL.create would write,
numbered from the policy sequence in one query per chunk. The back office
runs a job as one ir.queue task per chunk, the command line (bulk_cli) in
its own transactions.
"""
import csv
import dataclasses
import hashlib
import io

from trytond.i18n import gettext
from trytond.model import (
    Index,
    ModelSQL,
    ModelView,
    Workflow,
    dualmethod,
    fields,
)
from trytond.modules.insurance_base.guard import WorkflowGuard
from trytond.modules.insurance_base.queue import BULK, queue
from trytond.modules.insurance_base.timezone import china_today, utcnow
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction
from trytond.wizard import Button, StateAction, StateView, Wizard

from . import bulk_file, issuance
from .exceptions import IssuanceError
from .storage import insert_as_create

CHUNK_SIZE = 2000
REPORT_HEADER = ('line', 'account_id', 'code', 'message')


class Bulk(WorkflowGuard, Workflow, ModelSQL, ModelView):
    __name__ = 'insurance.policy.bulk'
    __string__ = "Bulk Issuance"

    channel = fields.Many2One(
        'insurance.channel', "Channel", required=True, ondelete='RESTRICT',
        states={'readonly': Eval('state') != 'draft'})
    product = fields.Many2One(
        'insurance.product', "Product", required=True, ondelete='RESTRICT',
        states={'readonly': Eval('state') != 'draft'})
    file = fields.Binary("File", filename='filename',
        states={'readonly': Eval('state') != 'draft'},
        help="CSV in UTF-8, see docs/bulk-issuance.md.")
    filename = fields.Char("File Name", readonly=True)
    digest = fields.Char("SHA-256", readonly=True,
        help="Identifies the file, so that a rerun resumes its job.")
    effective_date = fields.Date("Effective Date", required=True,
        states={'readonly': Eval('state') != 'draft'},
        help="For the rows that give none.")
    chunk_size = fields.Integer("Chunk Size", required=True,
        domain=[('chunk_size', '>', 0)],
        states={'readonly': Eval('state') != 'draft'},
        help="The rows issued per transaction.")
    state = fields.Selection([
            ('draft', "Draft"),
            ('running', "Running"),
            ('done', "Done"),
            ('failed', "Failed"),
            ], "State", readonly=True, required=True, sort=False)
    failure = fields.Text("Failure", readonly=True,
        states={'invisible': Eval('state') != 'failed'})
    total_rows = fields.Integer("Rows", readonly=True)
    issued = fields.Integer("Issued", readonly=True)
    rejected = fields.Integer("Rejected", readonly=True)
    # The share done (0 to 1), as sao's progress bar takes it: it shows
    # 33.3 % from digits (1, 3) (a percentage with digits (3, 1) made it
    # ask for -1 decimals and stopped drawing the form)
    progress = fields.Function(fields.Float("Progress", digits=(1, 3)),
        'get_progress')
    next_offset = fields.Integer("Next Offset", readonly=True)
    next_line = fields.Integer("Next Line", readonly=True)
    started_at = fields.Timestamp("Started At", readonly=True)
    finished_at = fields.Timestamp("Finished At", readonly=True)
    rejections = fields.One2Many(
        'insurance.policy.bulk.rejection', 'bulk', "Rejections",
        readonly=True)
    report = fields.Function(fields.Binary("Rejected Rows",
            filename='report_filename'), 'get_report')
    report_filename = fields.Function(
        fields.Char("Report File Name"), 'get_report_filename')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.digest, Index.Equality())))
        cls._order = [('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'running'),
            ('running', 'done'),
            ('running', 'failed'),
            ('failed', 'running'),
            }
        cls._buttons.update({
                'start': {
                    'invisible': ~Eval('state').in_(['draft', 'failed']),
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    def default_chunk_size(cls):
        return CHUNK_SIZE

    @classmethod
    def default_effective_date(cls):
        return china_today()

    @classmethod
    def default_total_rows(cls):
        return 0

    default_issued = default_rejected = default_total_rows

    def get_progress(self, name):
        if not self.total_rows:
            return 1.0 if self.state == 'done' else 0.0
        return round((self.issued + self.rejected) / self.total_rows, 3)

    def get_report(self, name):
        output = io.StringIO()
        writer = csv.writer(output, lineterminator='\n')
        writer.writerow(REPORT_HEADER)
        writer.writerows((r.line, r.account_id, r.code, r.message)
            for r in self.rejections)
        return output.getvalue().encode('utf-8-sig')

    def get_report_filename(self, name):
        return f'rejected-{self.id}.csv'

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if values.get('file') is not None:
            values['digest'] = hashlib.sha256(values['file']).hexdigest()
        return values

    @classmethod
    @ModelView.button
    def start(cls, jobs):
        "Issue in the background, one queued task per chunk"
        cls.run(jobs)
        queue(cls, BULK).issue_next_chunk(jobs)

    @classmethod
    @Workflow.transition('running')
    def run(cls, jobs):
        for job in jobs:
            job.started_at = job.started_at or utcnow()
        cls.save(jobs)

    @classmethod
    @Workflow.transition('done')
    def finish(cls, jobs):
        cls.write(jobs, {'finished_at': utcnow()})

    @classmethod
    @Workflow.transition('failed')
    def fail(cls, jobs):
        cls.write(jobs, {'finished_at': utcnow()})

    @dualmethod
    def issue_next_chunk(cls, jobs):
        "Issue a chunk of each running job, then queue the next (ir.queue)"
        unfinished = cls.issue_chunks(jobs)
        if unfinished:
            queue(cls, BULK).issue_next_chunk(unfinished)

    @classmethod
    def issue_chunks(cls, jobs, data=None):
        """Issue the next chunk of each running job from data or its file;
        return the jobs with rows left"""
        running = [j for j in jobs if j.state == 'running']
        finished, failed = [], []
        for job in running:
            try:
                if job.issue_chunk(job.file if data is None else data):
                    finished.append(job)
            except bulk_file.FileError as error:
                job.failure = str(error)
                failed.append(job)
        cls.save(running)
        cls.finish(finished)
        cls.fail(failed)
        return [j for j in running if j not in finished and j not in failed]

    def issue_chunk(self, data):
        """Issue the next chunk of data in the current transaction; tell
        whether the file is done"""
        self.prepare(data)
        batch = self.quote_chunk(data, self.next_offset, self.next_line)
        self.store_chunk(batch)
        return batch.at_end

    def prepare(self, data):
        "Check the header and count the rows once, or raise FileError"
        _, body_offset = bulk_file.read_header(data or b'')
        if self.next_offset is None:
            self.next_offset, self.next_line = body_offset, 1
            self.total_rows = bulk_file.count_records(data, body_offset)

    def quote_chunk(self, data, offset, line_number, also_seen=()):
        """Return the Batch of the chunk from offset, quoted and numbered

        also_seen names the accounts of a chunk not committed yet."""
        columns, _ = bulk_file.read_header(data)
        lines, offset, line_number = bulk_file.read_lines(
            data, columns, offset, line_number, self.chunk_size)
        batch = Batch(offset, line_number, offset >= len(data))
        ChunkIssuer(self).quote(lines, batch, set(also_seen))
        return batch

    def store_chunk(self, batch):
        "Store batch and move the job past it (not saved)"
        issued, rejected = ChunkIssuer(self).store(batch)
        self.issued += issued
        self.rejected += rejected
        self.next_offset, self.next_line = batch.next_offset, batch.next_line


class Rejection(WorkflowGuard, ModelSQL, ModelView):
    __name__ = 'insurance.policy.bulk.rejection'
    __string__ = "Bulk Issuance Rejected Row"

    bulk = fields.Many2One('insurance.policy.bulk', "Bulk Issuance",
        required=True, ondelete='CASCADE', readonly=True)
    line = fields.Integer("Line", required=True, readonly=True)
    account_id = fields.Char("Account", readonly=True)
    code = fields.Char("Code", required=True, readonly=True)
    message = fields.Text("Message", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t,
                (t.bulk, Index.Equality()), (t.account_id, Index.Equality())))
        cls._order = [('bulk', 'ASC'), ('line', 'ASC'), ('id', 'ASC')]


class Policy(metaclass=PoolMeta):
    __name__ = 'insurance.policy'

    bulk = fields.Many2One('insurance.policy.bulk', "Bulk Issuance",
        readonly=True, ondelete='RESTRICT')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t,
                (t.bulk, Index.Equality()),
                (t.external_reference, Index.Equality()),
                where=t.bulk != None))  # noqa: E711


@dataclasses.dataclass(slots=True)
class Batch:
    "A chunk quoted and numbered, ready to store in one transaction"
    next_offset: int
    next_line: int
    at_end: bool
    # (line, external reference)
    policies: list = dataclasses.field(default_factory=list)
    # The query and parameters inserting the policies, encoded while the
    # chunk before is stored
    insert: tuple | None = None
    # (line, account, code, message)
    rejections: list = dataclasses.field(default_factory=list)

    @property
    def accounts(self):
        return ({reference for _, reference in self.policies}
            | {account for _, account, _, _ in self.rejections})


class ChunkIssuer:
    "Quotes the lines of a job's chunk, then stores them"

    def __init__(self, job):
        # Read once per chunk, not once per row
        self.job_id = job.id
        self.channel_id = job.channel.id
        self.product_code = job.product.code
        self.effective_date = job.effective_date

    def quote(self, lines, batch, also_seen):
        "Fill batch with the policies and rejections of lines"
        seen = self.accounts_seen({line.account_id for line in lines})
        seen |= also_seen
        quoted = []
        for line in lines:
            try:
                quoted.append((line, self.quote_line(line, seen)))
            except bulk_file.RowError as error:
                batch.rejections.append(rejection(line, error.code,
                        error.message))
            except IssuanceError as error:
                batch.rejections.append(rejection(line, error.code,
                        refusal_text(error)))
        Policy = Pool().get('insurance.policy')
        vlist = []
        for (line, quotation), number in zip(
                quoted, Policy.next_numbers(len(quoted)), strict=True):
            values = issuance.policy_values(quotation, None, number=number)
            values['bulk'] = self.job_id
            vlist.append(values)
            batch.policies.append((line.number, values['external_reference']))
        if vlist:
            batch.insert = insert_as_create(
                vlist, returning=['external_reference'])

    def quote_line(self, line, seen):
        "The Quotation of line or raise RowError or IssuanceError"
        application = bulk_file.application_of(
            line, self.product_code, self.effective_date)
        account_id = line.account_id
        if account_id in seen:
            raise bulk_file.RowError('DUPLICATE_IN_FILE', gettext(
                    'insurance_policy.msg_bulk_duplicate_account',
                    account=account_id))
        seen.add(account_id)
        return issuance.quote(
            self.channel_id, application, operation='issue')

    def accounts_seen(self, accounts):
        "The accounts of the job already issued or rejected"
        pool = Pool()
        Policy = pool.get('insurance.policy')
        Rejection = pool.get('insurance.policy.bulk.rejection')
        policy, rejection = Policy.__table__(), Rejection.__table__()
        accounts = list(accounts)
        cursor = Transaction().connection.cursor()
        cursor.execute(*(policy.select(policy.external_reference,
                    where=(policy.bulk == self.job_id)
                    & policy.external_reference.in_(accounts))
                | rejection.select(rejection.account_id,
                    where=(rejection.bulk == self.job_id)
                    & rejection.account_id.in_(accounts))))
        return {account for account, in cursor}

    def store(self, batch):
        """Insert the policies and rejections of batch; return how many
        were issued and rejected"""
        Rejection = Pool().get('insurance.policy.bulk.rejection')
        inserted = set()
        if batch.insert:
            cursor = Transaction().connection.cursor()
            cursor.execute(*batch.insert)
            inserted = {reference for reference, in cursor}
        duplicates = [(number, reference, 'DUPLICATE_POLICY',
                gettext('insurance_policy.msg_policy_duplicate'))
            for number, reference in batch.policies
            if reference not in inserted]
        rejections = sorted(batch.rejections + duplicates)
        Rejection.save([Rejection(bulk=self.job_id, line=line,
                    account_id=account[:64], code=code, message=message)
                for line, account, code, message in rejections])
        return len(inserted), len(rejections)


def rejection(line, code, message):
    return (line.number, line.account_id, code, message)


def refusal_text(error):
    "The message of an IssuanceError followed by its details"
    reasons = [f"{d['code']}: {d['message']}" for d in error.details
        if 'message' in d]
    return ' '.join([error.message, *reasons])


class UploadStart(ModelView):
    __name__ = 'insurance.policy.bulk.upload.start'
    __string__ = "Bulk Issuance Upload"

    channel = fields.Many2One('insurance.channel', "Channel", required=True)
    product = fields.Many2One('insurance.product', "Product", required=True)
    file = fields.Binary("File", required=True, filename='filename')
    filename = fields.Char("File Name")
    effective_date = fields.Date("Effective Date", required=True)

    @classmethod
    def default_effective_date(cls):
        return china_today()


class Upload(Wizard):
    "Bulk Issuance Upload"
    __name__ = 'insurance.policy.bulk.upload'

    start = StateView('insurance.policy.bulk.upload.start',
        'insurance_policy.bulk_upload_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Start", 'open_', 'tryton-ok', default=True),
            ])
    open_ = StateAction('insurance_policy.act_bulk_form')

    def do_open_(self, action):
        Bulk = Pool().get('insurance.policy.bulk')
        job = Bulk(channel=self.start.channel, product=self.start.product,
            file=self.start.file, filename=self.start.filename,
            effective_date=self.start.effective_date)
        job.save()
        Bulk.start([job])
        # the job's form first: its progress and rejected rows show there
        action['views'].reverse()
        return action, {'res_id': [job.id]}
