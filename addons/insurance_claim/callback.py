"""The callbacks outbox (回调通知): every change of state of a claim writes an
event in the transaction of the change; workers deliver it afterwards.

Delivery guarantees:
- in order per claim: an event is due only when every earlier event of its
  claim is delivered;
- at least once: the attempt is counted and the next one scheduled, in a
  committed transaction, before the HTTP call; a worker dying during the
  call leaves the event to be sent again;
- a failing or slow channel delays only itself: each channel's due events
  are posted by a thread of their own, and a channel that does not answer
  is left for the next run.
"""
import json
import logging
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

from sql import Literal
from sql.aggregate import Max
from sql.operators import Exists

from trytond import backend, config
from trytond.model import Index, ModelSQL, ModelView, Unique, fields
from trytond.modules.insurance_base.guard import WorkflowGuard
from trytond.modules.insurance_base.locking import skip_locked
from trytond.modules.insurance_base.money import money_text
from trytond.modules.insurance_base.queue import CALLBACKS, queue
from trytond.modules.insurance_base.tables import created
from trytond.modules.insurance_base.timezone import in_china, utcnow
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .claim import rejection_reason
from .delivery import Callback, post, retry_delay, window_spent

logger = logging.getLogger(__name__)

EVENT_TYPE = 'claim.status_changed'
# What the payload tells of a claim
CLAIM_FIELDS = [
    'number', 'policy.number', 'channel', 'state', 'paid_amount',
    'rejection_code', 'rejection_text']
DUE_BATCH = 1000
PARALLEL_CHANNELS = 16
# A run stops starting attempts after this, so that it ends before the next
# run of the cron (every minute) and never holds up the other crons long.
RUN_SECONDS = 45


def payload(event_id, occurred_at, claim, previous_status):
    """The body of the callback, as the partner API contract defines it

    claim is the dictionary of the CLAIM_FIELDS that Claim.read returns."""
    return {
        'event_id': event_id,
        'event_type': EVENT_TYPE,
        'occurred_at': in_china(occurred_at).isoformat(timespec='seconds'),
        'data': {
            'claim_no': claim['number'],
            'policy_no': claim['policy.']['number'],
            'status': claim['state'],
            'previous_status': previous_status,
            'paid_amount': money_text(claim['paid_amount']),
            'rejection_reason': rejection_reason(claim['state'],
                claim['rejection_code'], claim['rejection_text']),
            },
        }


class CallbackEvent(WorkflowGuard, ModelSQL, ModelView):
    __name__ = 'insurance.callback.event'
    __string__ = "Claim Callback Event"
    __access__ = {'claim'}

    event_id = fields.Char("Event ID", required=True, readonly=True)
    event_type = fields.Char("Event Type", required=True, readonly=True)
    channel = fields.Many2One(
        'insurance.channel', "Channel", required=True, readonly=True,
        ondelete='RESTRICT')
    claim = fields.Many2One(
        'insurance.claim', "Claim", required=True, readonly=True,
        ondelete='RESTRICT')
    sequence = fields.Integer(
        "Sequence", required=True, readonly=True,
        help="The order of the event among the events of its claim.")
    occurred_at = fields.Timestamp("Occurred At", required=True, readonly=True)
    body = fields.Text(
        "Body", required=True, readonly=True,
        help="The JSON posted, the same bytes at every attempt.")
    state = fields.Selection([
            ('pending', "Pending"),
            ('delivered', "Delivered"),
            ('failed', "Failed"),
            ], "State", required=True, readonly=True, sort=False)
    attempts = fields.Integer("Attempts", required=True, readonly=True)
    next_attempt_at = fields.Timestamp("Next Attempt At", readonly=True)
    last_attempt_at = fields.Timestamp("Last Attempt At", readonly=True)
    last_status = fields.Integer(
        "Last HTTP Status", readonly=True,
        help="Empty when the channel did not answer.")
    last_error = fields.Text("Last Error", readonly=True)
    delivered_at = fields.Timestamp("Delivered At", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('event_id_unique', Unique(t, t.event_id),
                'insurance_claim.msg_callback_event_id_unique'),
            ('claim_sequence_unique', Unique(t, t.claim, t.sequence),
                'insurance_claim.msg_callback_sequence_unique'),
            ]
        cls._sql_indexes.update({
                Index(t, (t.next_attempt_at, Index.Range()),
                    where=t.state == 'pending'),
                Index(t, (t.state, Index.Equality(cardinality='low'))),
                Index(t, (t.channel, Index.Equality()),
                    (t.occurred_at, Index.Range())),
                })
        cls._order = [('occurred_at', 'DESC'), ('id', 'DESC')]
        cls._buttons.update({
                'resend': {
                    'invisible': Eval('state') != 'failed',
                    'icon': 'tryton-refresh',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'pending'

    @classmethod
    def default_attempts(cls):
        return 0

    def get_rec_name(self, name):
        return self.event_id

    @classmethod
    def announce(cls, transitions):
        """Write the events of transitions, [(claim id, previous state)],
        and enqueue their delivery"""
        if not transitions:
            return
        Claim = Pool().get('insurance.claim')
        claim_ids = [claim_id for claim_id, _ in transitions]
        claims = {c['id']: c for c in Claim.read(claim_ids, CLAIM_FIELDS)}
        sequences = cls._last_sequences(claims)
        now = utcnow()
        rows = []
        for claim_id, previous in transitions:
            claim = claims[claim_id]
            sequences[claim_id] = sequences.get(claim_id, 0) + 1
            event_id = str(uuid.uuid4())
            body = json.dumps(payload(event_id, now, claim, previous),
                ensure_ascii=False, separators=(',', ':'))
            rows.append([event_id, EVENT_TYPE, claim['channel'], claim_id,
                    sequences[claim_id], now, body, 'pending', 0, now])
        queue(cls, CALLBACKS).deliver(cls._insert(rows, now))

    @classmethod
    def _last_sequences(cls, claim_ids):
        "{claim id: sequence of its last event}"
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.select(
                table.claim, Max(table.sequence),
                where=table.claim.in_(list(claim_ids)),
                group_by=[table.claim]))
        return dict(cursor)

    @classmethod
    def _insert(cls, rows, now):
        table = cls.__table__()
        creation, created_values = created(table)
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.insert(
                [table.event_id, table.event_type, table.channel,
                    table.claim, table.sequence, table.occurred_at,
                    table.body, table.state, table.attempts,
                    table.next_attempt_at, *creation],
                [row + created_values for row in rows],
                returning=[table.id]))
        return cls.browse([id_ for id_, in cursor])

    @classmethod
    @ModelView.button
    def resend(cls, events):
        "Give failed events a new window of attempts, starting now"
        failed = [e for e in events if e.state == 'failed']
        cls.write(failed, {
                'state': 'pending',
                'attempts': 0,
                'next_attempt_at': utcnow(),
                })
        queue(cls, CALLBACKS).deliver(failed)

    @classmethod
    def deliver_due(cls):
        "Deliver every due event (the cron's entry point)"
        cls.deliver()

    @classmethod
    def deliver(cls, events=None, clock=utcnow):
        """Deliver the due events of the claims of events (all when None),
        then the events that became due behind them

        clock gives the current naive UTC time (tests drive it)."""
        database = Transaction().database.name
        claim_ids = None
        if events is not None:
            claim_ids = list({e.claim.id for e in events})
        deadline = time.monotonic() + RUN_SECONDS
        while time.monotonic() < deadline:
            # read afresh: the events delivered and announced meanwhile
            with Transaction().new_transaction(readonly=True):
                due = cls._due_by_channel(clock(), claim_ids)
            if not due or not cls._deliver_by_channel(
                    database, due, clock, deadline):
                return

    @classmethod
    def _deliver_by_channel(cls, database, due, clock, deadline):
        "Post each channel's due events in a thread; return how many arrived"
        with ThreadPoolExecutor(
                max_workers=min(len(due), PARALLEL_CHANNELS)) as executor:
            runs = [executor.submit(cls._deliver_in_order,
                    database, event_ids, clock, deadline)
                for event_ids in due.values()]
            return sum(run.result() for run in runs)

    @classmethod
    def _due_condition(cls, table, now):
        earlier = cls.__table__()
        undelivered_earlier = Exists(earlier.select(Literal(1),
                where=(earlier.claim == table.claim)
                & (earlier.sequence < table.sequence)
                & (earlier.state != 'delivered')))
        return ((table.state == 'pending')
            & (table.next_attempt_at <= now)
            & ~undelivered_earlier)

    @classmethod
    def _due_by_channel(cls, now, claim_ids=None):
        "{channel id: [due event ids, oldest due first]}"
        table = cls.__table__()
        where = cls._due_condition(table, now)
        if claim_ids is not None:
            where &= table.claim.in_(claim_ids or [-1])
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.select(table.id, table.channel,
                where=where,
                order_by=[table.next_attempt_at, table.id],
                limit=DUE_BATCH))
        due = {}
        for event_id, channel_id in cursor:
            due.setdefault(channel_id, []).append(event_id)
        return due

    @classmethod
    def _deliver_in_order(cls, database, event_ids, clock, deadline):
        """Post the events of one channel, one after the other (a thread);
        return how many arrived"""
        delivered = 0
        for event_id in event_ids:
            if time.monotonic() > deadline:
                break
            callback = in_transaction(
                database, cls._start_attempt, event_id, clock())
            if callback is None:
                continue
            outcome = post(callback, clock())
            in_transaction(
                database, cls._record_outcome, event_id, outcome, clock())
            delivered += outcome.delivered
            if outcome.channel_unreachable:
                break
        return delivered

    @classmethod
    def _start_attempt(cls, event_id, now):
        """Count the attempt and schedule the next one; return the Callback

        None when the event is no longer due or another worker holds it."""
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.select(table.id,
                where=(table.id == event_id)
                & cls._due_condition(table, now),
                for_=skip_locked()))
        if not cursor.fetchone():
            return None
        event = cls(event_id)
        attempts = event.attempts + 1
        cls.write([event], {
                'attempts': attempts,
                'last_attempt_at': now,
                'next_attempt_at': now + retry_delay(attempts),
                })
        channel = event.channel
        return Callback(event_id=event.event_id, url=channel.callback_url,
            secret=channel.webhook_secret or '', body=event.body.encode())

    @classmethod
    def _record_outcome(cls, event_id, outcome, now):
        event = cls(event_id)
        values = {'last_status': outcome.status, 'last_error': outcome.error}
        if outcome.delivered:
            values.update(state='delivered', delivered_at=now,
                next_attempt_at=None)
        elif window_spent(event.attempts):
            values.update(state='failed', next_attempt_at=None)
        cls.write([event], values)


def in_transaction(database, function, *args):
    """Run function in a short transaction of its own, committed at once

    A database error (a conflict, a connection refused or lost) is retried
    as trytond retries a request ([database] retry times): giving up on the
    first one would leave a due event to the next run, and end this run when
    it was the only event of its round. None when it kept failing, or when
    function found nothing to do."""
    retry = config.getint('database', 'retry')
    for count in range(retry + 1):
        if count:
            time.sleep(0.02 * count)
        try:
            with Transaction().start(database, 0) as transaction:
                result = function(*args)
                transaction.commit()
                return result
        except backend.DatabaseOperationalError:
            if count == retry:
                logger.warning("%s%s failed %d times", function.__name__,
                    args[:1], retry + 1, exc_info=True)
    return None
