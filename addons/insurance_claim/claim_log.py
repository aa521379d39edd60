"""The change log of claims: who changed which field when, from what to what.

The claim records its own changes (see Claim.write); staff and partners only
read them. A change of a key of details is logged as details.<key>. The log
keeps the raw field names and values (the partner API answers them); staff
read them as the claim form names them, in their language.
"""
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import Index, Model, ModelSQL, ModelView, fields
from trytond.modules.insurance_base.tables import created
from trytond.modules.insurance_base.timezone import in_china, utcnow
from trytond.pool import Pool
from trytond.transaction import Transaction

DETAILS_PREFIX = 'details.'
# The actors named in the context (claim_actor) besides users
CHANNEL_ACTOR = 'channel '
ADJUDICATION_ACTOR = 'adjudication'
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
            yield Change(claim_id, DETAILS_PREFIX + key,
                old.get(key), new.get(key))


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
    actor_name = fields.Function(fields.Char("Changed By"), 'get_labels')
    field_name = fields.Function(fields.Char("Field"), 'get_labels')
    old_text = fields.Function(fields.Char("Before"), 'get_labels')
    new_text = fields.Function(fields.Char("After"), 'get_labels')

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
        creation, created_values = created(table)
        cursor.execute(*table.insert(
                [table.claim, table.at, table.user, table.actor,
                    table.field, table.old_value, table.new_value,
                    *creation],
                [[c.claim, now, user or None, actor, c.field,
                        as_text(c.field, c.old), as_text(c.field, c.new),
                        *created_values]
                    for c in changes]))

    @classmethod
    def get_labels(cls, logs, names):
        "The log as staff read it: labels of the claim form, in their language"
        labels = ClaimLabels()
        result = {name: {} for name in names}
        for log in logs:
            values = {
                'actor_name': labels.actor(log),
                'field_name': labels.field(log.field),
                'old_text': labels.value(log.field, log.old_value),
                'new_text': labels.value(log.field, log.new_value),
                }
            for name in names:
                result[name][log.id] = values[name]
        return result


class ClaimLabels:
    "The labels and selection texts of the claim's fields, read once"

    def __init__(self):
        pool = Pool()
        Claim = pool.get('insurance.claim')
        ClaimDetail = pool.get('insurance.line.claim_detail')
        self.definitions = Claim.fields_get()
        for definition in self.definitions.values():
            if isinstance(definition.get('selection'), str):
                # a selection of the records' time (rejection reasons)
                definition['selection'] = getattr(
                    Claim, definition['selection'])()
        # the details its lines of business declare
        self.detail_labels = {}
        for detail in ClaimDetail.search([], order=[('id', 'DESC')]):
            self.detail_labels[detail.name] = detail.string or detail.name
        self.channel_names = {}

    def field(self, name):
        if name.startswith(DETAILS_PREFIX):
            key = name.removeprefix(DETAILS_PREFIX)
            return self.detail_labels.get(key, key)
        definition = self.definitions.get(name)
        return definition['string'] if definition else name

    def value(self, name, value):
        definition = self.definitions.get(name)
        if value is None or definition is None:
            return value
        if definition['type'] == 'selection':
            return dict(definition['selection']).get(value, value)
        if definition['type'] == 'timestamp':
            return value[:len('YYYY-MM-DDTHH:MM:SS')].replace('T', ' ')
        return value

    def actor(self, log):
        if log.user and log.actor == log.user.login:
            return log.user.rec_name
        if log.actor.startswith(CHANNEL_ACTOR):
            return gettext('insurance_claim.msg_claim_actor_channel',
                channel=self.channel_name(
                    log.actor.removeprefix(CHANNEL_ACTOR)))
        if log.actor == ADJUDICATION_ACTOR:
            return gettext('insurance_claim.msg_claim_actor_adjudication')
        return log.actor

    def channel_name(self, code):
        if code not in self.channel_names:
            Channel = Pool().get('insurance.channel')
            channels = Channel.search([('code', '=', code)], limit=1)
            self.channel_names[code] = (
                channels[0].rec_name if channels else code)
        return self.channel_names[code]
