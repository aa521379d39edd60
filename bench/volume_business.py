"""The business of a year, as the ORM would have written it, row by row.

The mix (the seed: 20,000 policies a day, half a claim per policy):
- 80% of the policies are return-shipping insurance sold by the e-commerce
  channel (STANDARD 70%, PLUS 30%), 20% account security sold by the
  payment channel (BASIC 85%, ADVANCED 15%);
- the months follow the seasons of online shopping (Singles' Day makes
  November the busiest: its e-commerce month is over 600,000 policies);
- 2% of return-shipping policies are cancelled within three days, 5% of
  BASIC policies get the free upgrade to ADVANCED by endorsement;
- about 64% of return-shipping policies get a claim (the seed's ratio of
  claims overall), adjudicated within the hour: 90% paid, 10% rejected;
  1% of account-security policies get a claim handled over days.

Premiums and breakdowns come from the real rating engine, run once per
risk profile; numbers, ids and times are those the sequences and the clock
would have given, in the order the business happened.
"""
import datetime as dt
import json
import random
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

from trytond.modules.insurance_base.money import money
from trytond.modules.insurance_base.timezone import china_date, china_midnight

POLICIES_PER_DAY = 20_000
MONTH_WEIGHTS = [1.0, 0.8, 0.95, 0.95, 1.0, 1.1, 0.9, 0.9, 0.95, 1.05, 1.3,
    1.1]
ROOT_USER = 0  # the partner API and the scheduled jobs run as root
CHANNEL_SHARES = {'TAOMALL': 0.8, 'ZHIFUPAY': 0.2}
PLAN_SHARES = {'STANDARD': 0.7, 'PLUS': 0.3, 'BASIC': 0.85,
    'ADVANCED': 0.15}
CANCELLED_SHARE = 0.02
UPGRADED_SHARE = 0.05
RETURN_CLAIM_SHARE = 0.64
THEFT_CLAIM_SHARE = 0.01
RETURN_PAID_SHARE = 0.9
RETURN_RISKS = [
    ({'goods_category': category, 'order_amount': amount,
            'return_rate_band': band}, weight)
    for category, category_weight in [('apparel', 5), ('shoes', 2),
        ('electronics', 2), ('home', 1)]
    for amount, amount_weight in [('59.00', 3), ('268.00', 5),
        ('1299.00', 2)]
    for band, band_weight in [('A', 3), ('B', 5), ('C', 2)]
    for weight in [category_weight * amount_weight * band_weight]]
THEFT_RISKS = [
    ({'account_tier': 'standard'}, 9), ({'account_tier': 'gold'}, 1)]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN_NAMES = ["伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军",
    "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀兰", "霞"]


@dataclass(frozen=True)
class Profile:
    "What is sold together: a channel's plan for a kind of risk"
    channel: object  # sale terms
    plan: object  # PlanTerms
    risk: dict
    premium: Decimal
    rating: str  # JSON
    weight: float

    @property
    def risk_key(self):
        return as_json(self.risk)

    @cached_property
    def risk_template(self):
        "The risk JSON, with %-placeholders for what each policy has"
        if 'order_amount' in self.risk:
            return as_json({**self.risk, 'order_no': '%(reference)s',
                    'buyer_id': 'B%(phone)s', 'seller_id': 'S%(seller)s'})
        return as_json({**self.risk, 'account_id': '%(reference)s'})

    @property
    def reference_prefix(self):
        return 'TM' if 'order_amount' in self.risk else 'ZF'


def as_json(value):
    return json.dumps(value, ensure_ascii=False, separators=(', ', ': '),
        sort_keys=True)


def days_of(year, start=None, days=None):
    """The days loaded (the year, or days of it from start), each with its
    policies at scale 1"""
    first = dt.date(year, 1, 1)
    year_days = [first + dt.timedelta(days=i)
        for i in range((dt.date(year + 1, 1, 1) - first).days)]
    mean = sum(MONTH_WEIGHTS[d.month - 1] for d in year_days) / len(
        year_days)
    loaded = [d for d in year_days if start is None or d >= start][:days]
    return [(day, POLICIES_PER_DAY * MONTH_WEIGHTS[day.month - 1] / mean)
        for day in loaded]


def prorate(amount, starts_at, ends_at, day):
    "As insurance_policy.proration.prorate: the share for the days left"
    start, end = china_date(starts_at), china_date(ends_at)
    left = max((end - max(day, start)).days, 0)
    return money(Decimal(amount) * left / (end - start).days)


class Numbers:
    "Ids and numbers as the ORM and the PostgreSQL sequences give them"

    def __init__(self, next_id, next_value, prefix, digits):
        self.next_id, self.next_value = next_id, next_value
        self.prefix, self.digits = prefix, digits
        self._day, self._dated_prefix = None, None

    def take(self, day):
        "The next id and the number of a record made on day in China"
        if day != self._day:
            self._day, self._dated_prefix = day, f'{self.prefix}{day:%Y%m%d}'
        id_, value = self.next_id, self.next_value
        self.next_id += 1
        self.next_value += 1
        return id_, f'{self._dated_prefix}{value:0{self.digits}d}'


def ts(value):
    return '\\N' if value is None else value.isoformat(' ')


def text(value):
    if value is None:
        return '\\N'
    return str(value).replace('\\', '\\\\').replace('\t', ' ').replace(
        '\n', ' ')


def row(*values):
    return '\t'.join(values) + '\n'


class Year:
    """The policies of the year in the order they were issued, then the
    claims and endorsements in the order they were made

    The policies are yielded as COPY text rows; the claims and endorsements
    they bring are kept per day and yielded by later_rows()."""

    def __init__(self, profiles, days, scale, now, numbers, seed=2025):
        self.profiles = profiles
        self.days = days
        self.scale = scale
        self.now = now
        self.numbers = numbers  # policy, claim, endorsement: Numbers
        self.random = random.Random(seed)
        self.upgrades = {p.risk_key: p for p in profiles
            if p.plan.code == 'ADVANCED'}
        self.claims = []  # (filed_at, policy values...)
        self.endorsements = []
        self.terms = {}  # (plan id, day): (starts_at, ends_at)
        self.counts = {'policy': 0, 'claim': 0, 'endorsement': 0,
            'cancelled': 0}

    def policy_rows(self):
        weights = [p.weight for p in self.profiles]
        for day, policies in self.days:
            count = round(policies * self.scale)
            chosen = self.random.choices(self.profiles, weights, k=count)
            start = china_midnight(day)
            seconds = sorted(self.random.random() * 86400
                for _ in range(count))
            for profile, second in zip(chosen, seconds, strict=True):
                yield self.policy_row(
                    profile, day, start + dt.timedelta(seconds=second))

    def term(self, plan, day):
        "The start and end of a policy of plan taking effect on day"
        key = plan.id, day
        if key not in self.terms:
            self.terms[key] = (
                china_midnight(day), china_midnight(plan.end_date(day)))
        return self.terms[key]

    def policy_row(self, profile, day, issued_at):
        rnd = self.random
        id_, number = self.numbers['policy'].take(day)
        self.counts['policy'] += 1
        plan, terms = profile.plan, profile.channel
        starts_at, ends_at = self.term(plan, day)
        person = self.person(id_)
        reference, risk = self.risk(profile, id_, person)
        premium, rating, sum_insured = (
            profile.premium, profile.rating, plan.sum_insured)
        state, written_at = self.final_state(ends_at)
        cancellation = (None, None, None)
        plan_id = plan.id
        if plan.code in {'STANDARD', 'PLUS'}:
            if rnd.random() < CANCELLED_SHARE:
                cancelled_at = issued_at + dt.timedelta(
                    seconds=rnd.random() * 3 * 86400)
                cancel_day = max(china_date(cancelled_at), day)
                cancellation = (cancel_day, cancelled_at, prorate(
                        premium, starts_at, ends_at, cancel_day))
                state, written_at = 'cancelled', cancelled_at
                self.counts['cancelled'] += 1
            elif rnd.random() < RETURN_CLAIM_SHARE:
                self.claim_return(id_, profile, issued_at, ends_at)
        else:
            endorsed_at = None
            if plan.code == 'BASIC' and rnd.random() < UPGRADED_SHARE:
                endorsed_at = self.upgrade(
                    id_, profile, issued_at, starts_at, ends_at)
            if endorsed_at:
                advanced = self.upgrades[profile.risk_key]
                plan_id, sum_insured, rating = (advanced.plan.id,
                    advanced.plan.sum_insured, advanced.rating)
                written_at = max(written_at or endorsed_at, endorsed_at)
            if rnd.random() < THEFT_CLAIM_SHARE:
                self.claim_theft(id_, profile, issued_at, ends_at,
                    sum_insured)
        cancel_day, cancelled_at, refund = cancellation
        holder = person
        return row(str(id_), str(ROOT_USER), ts(issued_at),
            '\\N' if written_at is None else str(ROOT_USER), ts(written_at),
            number, str(terms.channel_id), str(terms.contract_version_id),
            str(terms.product_id), str(terms.product_version_id),
            str(plan_id),
            holder['name'], 'ID_CARD', holder['id_number'], holder['phone'],
            '\\N', holder['name'], 'ID_CARD', holder['id_number'],
            holder['phone'], '\\N',
            text(risk), reference, str(premium), text(rating),
            str(sum_insured), plan.currency, ts(starts_at), ts(ends_at),
            state, ts(issued_at), f'vol-{id_}',
            '\\N' if cancel_day is None else cancel_day.isoformat(),
            '\\N' if cancel_day is None else "买家取消订单",
            ts(cancelled_at), '\\N' if refund is None else str(refund))

    def final_state(self, ends_at):
        "Expired by the daily job a few minutes after the end, or in force"
        if ends_at <= self.now:
            return 'expired', ends_at + dt.timedelta(minutes=5)
        return 'in_force', None

    def person(self, policy_id):
        # About three policies per person over a year: phone look-ups find a
        # handful of policies, as in life.
        person = (policy_id * 2654435761) % max(
            int(POLICIES_PER_DAY * 365 * self.scale / 3), 1000)
        return {
            'name': SURNAMES[person % len(SURNAMES)]
            + GIVEN_NAMES[person // 7 % len(GIVEN_NAMES)],
            'id_number': f'110101{1960 + person % 45}0101{person:04d}'[:18],
            'phone': f'1{3 + person % 7}{person:09d}',
            }

    def risk(self, profile, policy_id, person):
        reference = f'{profile.reference_prefix}{policy_id:012d}'
        return reference, profile.risk_template % {
            'reference': reference, 'phone': person['phone'],
            'seller': f'{policy_id % 50000:06d}'}

    def upgrade(self, policy_id, profile, issued_at, starts_at, ends_at):
        """The free upgrade of a BASIC policy to ADVANCED some days later:
        return when it was made, None if that is still to come"""
        advanced = self.upgrades[profile.risk_key]
        endorsed_at = issued_at + dt.timedelta(
            days=self.random.uniform(1, 90))
        if endorsed_at > self.now:
            return None
        day = china_date(endorsed_at)
        delta = prorate(advanced.premium - profile.premium, starts_at,
            ends_at, day)
        self.endorsements.append((endorsed_at, policy_id, day, profile,
                advanced, delta))
        return endorsed_at

    def claim_return(self, policy_id, profile, issued_at, ends_at):
        filed_at = issued_at + dt.timedelta(
            days=self.random.uniform(2, 20))
        if filed_at < min(ends_at, self.now):
            paid = self.random.random() < RETURN_PAID_SHARE
            self.claims.append((filed_at, policy_id, profile,
                    'paid' if paid else 'rejected',
                    profile.plan.sum_insured if paid else None,
                    filed_at + dt.timedelta(minutes=self.random.uniform(
                                1, 60))))

    def claim_theft(self, policy_id, profile, issued_at, ends_at,
            sum_insured):
        filed_at = issued_at + dt.timedelta(
            days=self.random.uniform(1, 300))
        if filed_at < min(ends_at, self.now):
            draw = self.random.random()
            state = ('closed' if draw < 0.6 else 'rejected' if draw < 0.8
                else 'under_review')
            amount = money(Decimal(sum_insured) * Decimal(
                    self.random.uniform(0.05, 0.8)))
            handled_at = filed_at + dt.timedelta(
                days=self.random.uniform(1, 10))
            self.claims.append((filed_at, policy_id, profile, state,
                    amount if state == 'closed' else None,
                    min(handled_at, self.now)))

    def claim_rows(self):
        "The claims in the order they were filed"
        for filed_at, policy_id, profile, state, paid, handled_at in sorted(
                self.claims, key=lambda claim: claim[0]):
            id_, number = self.numbers['claim'].take(china_date(filed_at))
            self.counts['claim'] += 1
            terms = profile.channel
            returns = 'order_amount' in profile.risk
            claimed = paid or profile.plan.sum_insured
            if returns:
                details = as_json({'return_tracking_no': f'SF{id_:010d}'})
            else:
                details = as_json({'theft_report': "账户被盗，已报警。"})
            paid_at = handled_at if paid else None
            rejected = state == 'rejected'
            yield row(str(id_), str(ROOT_USER), ts(filed_at),
                str(ROOT_USER), ts(handled_at),
                number, str(policy_id), str(terms.channel_id),
                str(profile.plan.line_id), 't' if returns else 'f', 'api',
                ts(filed_at), china_date(filed_at).isoformat(),
                str(claimed), text(details), state,
                '\\N' if paid is None else str(paid),
                '\\N' if paid is None else str(paid),
                '\\N' if paid is None else f'RS-{number}',
                ts(paid_at),
                'INVALID_TRACKING_NO' if rejected else '\\N',
                "物流单号无效" if rejected else '\\N')

    def endorsement_rows(self):
        "The endorsements in the order they were made"
        for endorsed_at, policy_id, day, before, after, delta in sorted(
                self.endorsements, key=lambda e: e[0]):
            id_, number = self.numbers['endorsement'].take(
                china_date(endorsed_at))
            self.counts['endorsement'] += 1
            yield row(str(id_), str(ROOT_USER), ts(endorsed_at), '\\N',
                '\\N', number, str(policy_id), day.isoformat(),
                str(before.plan.id), str(after.plan.id),
                text(snapshot(before)), text(snapshot(after)), str(delta),
                str(after.channel.contract_version_id), ts(endorsed_at))


def snapshot(profile):
    return as_json({
            'plan_code': profile.plan.code,
            'product_version': profile.plan.version_number,
            'term_premium': str(profile.premium),
            'sum_insured': str(profile.plan.sum_insured),
            'rating': json.loads(profile.rating),
            })


POLICY_COLUMNS = ['id', 'create_uid', 'create_date', 'write_uid',
    'write_date', 'number', 'channel', 'contract_version', 'product',
    'product_version', 'plan', 'policyholder_name', 'policyholder_id_type',
    'policyholder_id_number', 'policyholder_phone', 'policyholder_email',
    'insured_name', 'insured_id_type', 'insured_id_number', 'insured_phone',
    'insured_email', 'risk', 'external_reference', 'premium', 'rating',
    'sum_insured', 'currency', 'starts_at', 'ends_at', 'state', 'issued_at',
    'idempotency_key', 'cancellation_date', 'cancellation_reason',
    'cancelled_at', 'refund']
CLAIM_COLUMNS = ['id', 'create_uid', 'create_date', 'write_uid',
    'write_date', 'number', 'policy', 'channel', 'line', 'single_payment',
    'source',
    'filed_at', 'incident_date', 'claimed_amount', 'details', 'state',
    'approved_amount', 'paid_amount', 'payment_reference', 'paid_at',
    'rejection_code', 'rejection_text']
ENDORSEMENT_COLUMNS = ['id', 'create_uid', 'create_date', 'write_uid',
    'write_date', 'number', 'policy', 'effective_date', 'plan_before',
    'plan_after', 'before', 'after', 'premium_delta', 'contract_version',
    'created_at']
