"""Automatic adjudication of return-shipping claims (自动理赔).

A submitted return-shipping claim is, in this order:
- rejected NOT_COVERED when its policy does not cover the incident date;
- rejected DUPLICATE_CLAIM when a claim was already paid on the policy;
- rejected INVALID_TRACKING_NO unless the return tracking number is 2 to 4
  capital letters followed by 8 to 15 digits (e.g. SF1234567890);
- else paid the policy's sum insured with a generated payment reference.

The cron takes the oldest submitted claims by batches, each in a transaction
of its own; the rows are locked with SKIP LOCKED, claims and policies both,
so concurrent jobs share the work and never decide two claims of one policy
at the same time. The decisions of a batch are written with one UPDATE per
outcome, not through Workflow.transition (three times slower), and recorded
as Claim.write records them: change log and callback events.

Filing or updating a claim through the API also enqueues its adjudication,
so that partners get the decision within seconds.
"""
import re
from dataclasses import dataclass

from sql.operators import Concat, Exists

from trytond.i18n import gettext
from trytond.modules.insurance_base.locking import skip_locked
from trytond.modules.insurance_base.timezone import utcnow
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

from .claim import policy_covers
from .claim_log import ADJUDICATION_ACTOR, Change

BATCH_SIZE = 1000
PAYMENT_PREFIX = 'RS-'
TRACKING_NO = re.compile(r'[A-Z]{2,4}[0-9]{8,15}')


def well_formed_tracking_no(value):
    return isinstance(value, str) and bool(TRACKING_NO.fullmatch(value))


@dataclass(frozen=True, slots=True)
class Submitted:
    "What the adjudication knows of a submitted claim and its policy"
    claim_id: int
    policy_id: int
    incident_date: object
    tracking_no: object
    state: str  # of the policy, as starts_at and ends_at
    starts_at: object
    ends_at: object
    sum_insured: object
    paid_before: bool


def decide(claim, paid_policies):
    "Return the rejection code of claim or None to pay it"
    if not policy_covers(claim, claim.incident_date):
        return 'NOT_COVERED'
    if claim.paid_before or claim.policy_id in paid_policies:
        return 'DUPLICATE_CLAIM'
    if not well_formed_tracking_no(claim.tracking_no):
        return 'INVALID_TRACKING_NO'
    return None


def decide_all(claims):
    """Return ({rejection code: [claims]}, [claims to pay])

    Of two payable claims of one policy, the first filed is paid."""
    rejected, payable, paid_policies = {}, [], set()
    for claim in claims:
        code = decide(claim, paid_policies)
        if code:
            rejected.setdefault(code, []).append(claim)
        else:
            payable.append(claim)
            paid_policies.add(claim.policy_id)
    return rejected, payable


class Claim(metaclass=PoolMeta):
    __name__ = 'insurance.claim'

    @classmethod
    def adjudicate_return_shipping(cls):
        "Adjudicate every submitted return-shipping claim (the cron's task)"
        while True:
            with Transaction().new_transaction() as transaction:
                count = cls.adjudicate_batch()
                transaction.commit()
            if count < BATCH_SIZE:
                return

    @classmethod
    def adjudicate(cls, claims):
        "Adjudicate claims if still submitted (the queue's task)"
        cls.adjudicate_batch([c.id for c in claims])

    @classmethod
    def adjudicate_batch(cls, claim_ids=None, size=BATCH_SIZE):
        "Decide the next batch of submitted claims; return its size"
        submitted = cls._lock_submitted(claim_ids, size)
        rejected, payable = decide_all(submitted)
        now = utcnow()
        changes = [change
            for code, claims in rejected.items()
            for change in cls._reject_in_bulk(
                [c.claim_id for c in claims], code, now)]
        changes += cls._pay_in_bulk([c.claim_id for c in payable], now)
        with Transaction().set_context(claim_actor=ADJUDICATION_ACTOR):
            cls.record_changes(changes)
        return len(submitted)

    @classmethod
    def _lock_submitted(cls, claim_ids, size):
        "Lock and return the oldest Submitted return-shipping claims"
        Policy = Pool().get('insurance.policy')
        claim, policy, paid = (
            cls.__table__(), Policy.__table__(), cls.__table__())
        where = (claim.state == 'submitted') & (
            claim.line == 'return_shipping')
        if claim_ids is not None:
            where &= claim.id.in_(list(claim_ids) or [-1])
        paid_before = Exists(paid.select(paid.id,
                where=(paid.policy == claim.policy)
                & (paid.paid_at != None)))  # noqa: E711
        cursor = Transaction().connection.cursor()
        cursor.execute(*claim.join(policy,
                condition=claim.policy == policy.id).select(
                claim.id, claim.policy, claim.incident_date, claim.details,
                policy.state, policy.starts_at, policy.ends_at,
                policy.sum_insured, paid_before,
                where=where, order_by=[claim.id], limit=size,
                for_=[skip_locked(claim),
                    skip_locked(policy, strength='NO KEY UPDATE')]))
        return [Submitted(claim_id, policy_id, incident_date,
                (details or {}).get('return_tracking_no'), *policy_values)
            for claim_id, policy_id, incident_date, details, *policy_values
            in cursor]

    @classmethod
    def _reject_in_bulk(cls, claim_ids, code, now):
        "Reject the submitted claims for code; return the Changes made"
        if not claim_ids:
            return []
        text = gettext(f'insurance_claim.msg_rejection_{code.lower()}')
        claim = cls.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*claim.update(
                [claim.state, claim.rejection_code, claim.rejection_text,
                    claim.write_uid, claim.write_date],
                ['rejected', code, text, Transaction().user, now],
                where=claim.id.in_(claim_ids)))
        cls.forget(claim_ids)
        return [change for claim_id in claim_ids for change in [
                Change(claim_id, 'rejection_code', None, code),
                Change(claim_id, 'rejection_text', None, text),
                Change(claim_id, 'state', 'submitted', 'rejected'),
                ]]

    @classmethod
    def _pay_in_bulk(cls, claim_ids, now):
        """Pay the submitted claims the sum insured of their policy, with a
        payment reference made of the claim number; return the Changes"""
        if not claim_ids:
            return []
        Policy = Pool().get('insurance.policy')
        claim, policy = cls.__table__(), Policy.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*claim.update(
                [claim.state, claim.approved_amount, claim.paid_amount,
                    claim.payment_reference, claim.paid_at,
                    claim.write_uid, claim.write_date],
                ['paid', policy.sum_insured, policy.sum_insured,
                    Concat(PAYMENT_PREFIX, claim.number), now,
                    Transaction().user, now],
                from_=[policy],
                where=(policy.id == claim.policy) & claim.id.in_(claim_ids),
                returning=[claim.id, claim.paid_amount,
                    claim.payment_reference]))
        paid = cursor.fetchall()
        cls.forget(claim_ids)
        return [change for claim_id, amount, reference in paid
            for change in [
                Change(claim_id, 'approved_amount', None, amount),
                Change(claim_id, 'payment_reference', None, reference),
                Change(claim_id, 'paid_amount', None, amount),
                Change(claim_id, 'paid_at', None, now),
                Change(claim_id, 'state', 'submitted', 'paid'),
                ]]
