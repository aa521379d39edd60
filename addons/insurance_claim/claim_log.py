"""The change log of claims: who changed which field when, from what to what.

The claim records its own changes (see Claim.write); staff and partners only
read them. A change of a key of details is logged as details.<key>.
"""
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from trytond.model import Index, Model, ModelSQL, ModelView, fields
from trytond.modules.insurance_base.timezone import in_china, utcnow
from trytond.pool import Pool
from trytond.transaction import Transaction

TRACKED_FIELDS = (
    'state', 'incident_date', 'claimed_amount', 'details', 'handler',
    'approved_amount', 'payment_reference', 'paid_amount', 'paid_at',
    'rejection_code', 'rejection_text')


@dataclass(frozen=True, slots=True)
class Change:
    claim: int
    field: str
    old: object
    new: object


def changes_of_write(args):
    "The Changes that Claim.write(*args) makes, read before the write"
    actions = iter(args)
    return [change
        for claims, values in zip(actions, actions, strict=True)
        for claim in claims
        for change in changes_of(claim, values)]


def changes_of(claim, values):
    for name in TRACKED_FIELDS:
        if name not in values:
            continue
        old, new = comparable(getattr(claim, name)), comparable(values[name])
        if name == 'details':
            yield from detail_changes(claim.id, old or {}, new or {})
        elif old != new:
            yield Change(claim.id, name, old, new)


def detail_changes(claim_id, old, new):
    for key in sorted(old.keys() | new.keys()):
        if old.get(key) != new.get(key):
            yield Change(
                claim_id, f'details.{key}', old.get(key), new.get(key))


def comparable(value):
    "Records as ids, so that old and new values compare"
    return value.id if isinstance(value, Model) else value


def as_text(field, value):
    if value is None:
        return None
    if field == 'handler':
        return Pool().get('res.user')(value).rec_name
    if isinstance(value, Decimal):
        return f'{value:.2f}'
    if isinstance(value, dt.datetime):
        return in_china(value).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def current_actor():
    """Who makes the change: the channel or job named in the context, else
    the user"""
    transaction = Transaction()
    actor = transaction.context.get('claim_actor')
    if actor:
        return actor
    return Pool().get('res.user')(transaction.user).login


class ClaimLog(ModelSQL, ModelView):
    __name__ = 'insurance.claim.log'
    __string__ = "Claim Change Log"
    __access__ = {'claim'}

    claim = fields.Many2One(
        'insurance.claim', "Claim", required=True, readonly=True,
        ondelete='CASCADE')
    at = fields.Timestamp("At", required=True, readonly=True)
    user = fields.Many2One('res.user', "User", readonly=True)
    actor = fields.Char(
        "Actor", readonly=True,
        help="Who made the change: a user, a channel or a scheduled job.")
    field = fields.Char(
        "Field", required=True, readonly=True,
        help="The field changed; state for a change of state.")
    old_value = fields.Char("Old Value", readonly=True)
    new_value = fields.Char("New Value", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t,
                (t.claim, Index.Equality()), (t.id, Index.Range())))
        cls._order = [('at', 'ASC'), ('id', 'ASC')]

    @classmethod
    def record(cls, changes):
        "Insert the rows of changes, made now by the current actor"
        if not changes:
            return
        transaction = Transaction()
        table = cls.__table__()
        now, user, actor = utcnow(), transaction.user, current_actor()
        cursor = transaction.connection.cursor()
        cursor.execute(*table.insert(
                [table.claim, table.at, table.user, table.actor,
                    table.field, table.old_value, table.new_value,
                    table.create_uid, table.create_date],
                [[c.claim, now, user or None, actor, c.field,
                        as_text(c.field, c.old), as_text(c.field, c.new),
                        user, now]
                    for c in changes]))
