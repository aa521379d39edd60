"""Automatic adjudication (自动理赔) of the claims of lines settled by rules.

A submitted claim of such a line is decided by its line's Settlement
(insurance_product/settlement.py): rejected by the first claim rule it
fails, with the rule's code and message, or paid the payment formula capped
at what remains of the sum insured, with a payment reference made of the
line's prefix and the claim number.

The cron takes the oldest submitted claims by batches, each in a transaction
of its own; the rows are locked with SKIP LOCKED, claims and policies both,
so concurrent jobs share the work and never decide two claims of one policy
at the same time. The history of the batch's policies is read with one
query, and updated as the batch pays (of two payable claims of one policy,
the first filed is decided first). Each line's rules are compiled once per
batch. The decisions are written with one UPDATE per outcome (rejection
reason, or amount paid), not through Workflow.transition (three times
slower), and recorded as Claim.write records them: change log and callback
events.

Filing or updating a claim through the API also enqueues its adjudication,
so that partners get the decision within seconds.
"""
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from sql import Null
from sql.aggregate import Count, Sum
from sql.operators import Concat

from trytond.modules.insurance_base.locking import skip_locked
from trytond.modules.insurance_base.timezone import (
    china_today,
    in_china,
    utcnow,
)
from trytond.modules.insurance_product.settlement import (
    Settlement,
    claim_names,
)
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

from .claim_log import ADJUDICATION_ACTOR, Change

BATCH_SIZE = 1000


@dataclass(frozen=True, slots=True)
class Submitted:
    "What the adjudication reads of a submitted claim and its policy"
    claim_id: int
    number: str
    line_id: int
    policy_id: int
    incident_date: object
    filed_at: object
    claimed_amount: Decimal
    source: str
    details: dict
    policy_number: str
    policy_state: str
    starts_at: object
    ends_at: object
    sum_insured: Decimal
    premium: Decimal
    plan_id: int
    risk: dict

    def claim_values(self):
        return {
            'number': self.number,
            'incident_date': self.incident_date,
            'filed_date': in_china(self.filed_at).date(),
            'claimed_amount': self.claimed_amount,
            'source': self.source,
            'details': self.details or {},
            }

    def policy_values(self, plan_terms):
        return {
            'number': self.policy_number,
            'state': self.policy_state,
            'start': in_china(self.starts_at).date(),
            'end': in_china(self.ends_at).date(),
            'sum_insured': self.sum_insured,
            'premium': self.premium,
            'product': plan_terms.product_code,
            'plan': plan_terms.code,
            'risk': self.risk or {},
            }


class Batch:
    "Decides submitted claims; each line's rules compiled once"

    def __init__(self, histories, today):
        self.histories = histories  # {policy id: history}, updated on pay
        self.today = today
        self.settlements = {}

    def settlement(self, line_id):
        if line_id not in self.settlements:
            Line = Pool().get('insurance.line')
            self.settlements[line_id] = Settlement(Line(line_id).get_terms())
        return self.settlements[line_id]

    def decide(self, claim):
        "Return the Decision on the Submitted claim"
        Plan = Pool().get('insurance.plan')
        settlement = self.settlement(claim.line_id)
        plan_terms = Plan(claim.plan_id).get_terms()
        history = self.histories[claim.policy_id]
        decision = settlement.decide(claim_names(
                settlement.line, plan_terms, claim.claim_values(),
                claim.policy_values(plan_terms), history, self.today))
        if decision.paid:
            history['paid_claims'] += 1
            history['paid_amount'] += decision.amount
        return decision


class Claim(metaclass=PoolMeta):
    __name__ = 'insurance.claim'

    @classmethod
    def adjudicate_submitted(cls):
        "Adjudicate every submitted claim settled by rules (the cron's task)"
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
        Line = Pool().get('insurance.line')
        line_ids = Line.automatic_ids()
        if not line_ids:
            return 0
        submitted = cls._lock_submitted(line_ids, claim_ids, size)
        batch = Batch(cls._histories(submitted), china_today())
        rejected, paid = defaultdict(list), defaultdict(list)
        for claim in submitted:
            decision = batch.decide(claim)
            if decision.paid:
                prefix = batch.settlement(claim.line_id).line.payment_prefix
                paid[decision.amount, prefix].append(claim.claim_id)
            else:
                rejected[decision.code, decision.message].append(
                    claim.claim_id)
        now = utcnow()
        changes = [change
            for (code, text), ids in rejected.items()
            for change in cls._reject_in_bulk(ids, code, text, now)]
        changes += [change
            for (amount, prefix), ids in paid.items()
            for change in cls._pay_in_bulk(ids, amount, prefix, now)]
        with Transaction().set_context(claim_actor=ADJUDICATION_ACTOR):
            cls.record_changes(changes)
        return len(submitted)

    @classmethod
    def _lock_submitted(cls, line_ids, claim_ids, size):
        "Lock and return the oldest Submitted claims of line_ids"
        Policy = Pool().get('insurance.policy')
        claim, policy = cls.__table__(), Policy.__table__()
        where = (claim.state == 'submitted') & claim.line.in_(line_ids)
        if claim_ids is not None:
            where &= claim.id.in_(list(claim_ids) or [-1])
        cursor = Transaction().connection.cursor()
        cursor.execute(*claim.join(policy,
                condition=claim.policy == policy.id).select(
                claim.id, claim.number, claim.line, claim.policy,
                claim.incident_date, claim.filed_at, claim.claimed_amount,
                claim.source, claim.details,
                policy.number, policy.state, policy.starts_at,
                policy.ends_at, policy.sum_insured, policy.premium,
                policy.plan, policy.risk,
                where=where, order_by=[claim.id], limit=size,
                for_=[skip_locked(claim),
                    skip_locked(policy, strength='NO KEY UPDATE')]))
        return [Submitted(*row) for row in cursor]

    @classmethod
    def _histories(cls, submitted):
        "{policy id: its claims' history} of the policies of submitted"
        policy_ids = list({c.policy_id for c in submitted})
        histories = defaultdict(lambda: {
                'paid_claims': 0, 'paid_amount': Decimal(0), 'claims': 0})
        if not policy_ids:
            return histories
        claim = cls.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*claim.select(
                claim.policy,
                Count(claim.paid_at),
                Sum(claim.paid_amount, filter_=claim.paid_at != Null),
                Count(claim.id),
                where=claim.policy.in_(policy_ids),
                group_by=[claim.policy]))
        for policy_id, paid_claims, paid_amount, claims in cursor:
            histories[policy_id].update({
                    'paid_claims': paid_claims,
                    'paid_amount': paid_amount or Decimal(0),
                    # the other claims of the policy
                    'claims': claims - 1,
                    })
        return histories

    @classmethod
    def _reject_in_bulk(cls, claim_ids, code, text, now):
        "Reject the submitted claims for code; return the Changes made"
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
    def _pay_in_bulk(cls, claim_ids, amount, prefix, now):
        """Pay the submitted claims amount, with a payment reference made of
        prefix and the claim number; return the Changes"""
        claim = cls.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*claim.update(
                [claim.state, claim.approved_amount, claim.paid_amount,
                    claim.payment_reference, claim.paid_at,
                    claim.write_uid, claim.write_date],
                ['paid', amount, amount, Concat(prefix, claim.number), now,
                    Transaction().user, now],
                where=claim.id.in_(claim_ids),
                returning=[claim.id, claim.payment_reference]))
        paid = cursor.fetchall()
        cls.forget(claim_ids)
        return [change for claim_id, reference in paid
            for change in [
                Change(claim_id, 'approved_amount', None, amount),
                Change(claim_id, 'payment_reference', None, reference),
                Change(claim_id, 'paid_amount', None, amount),
                Change(claim_id, 'paid_at', None, now),
                Change(claim_id, 'state', 'submitted', 'paid'),
                ]]
