import datetime as dt
import hashlib
import secrets

from sql import Null

from trytond.backend import DatabaseOperationalError
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Unique, Workflow, fields
from trytond.modules.insurance_base.guard import WorkflowGuard
from trytond.modules.insurance_base.nested_access import NestedSearchAccess
from trytond.modules.insurance_base.timezone import utcnow
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .exceptions import ApiKeyError

KEY_PREFIX = 'ick_'
# 30 random bytes make 40 url-safe characters: 240 bits of entropy.
KEY_RANDOM_BYTES = 30
VISIBLE_PREFIX_LENGTH = len(KEY_PREFIX) + 8
KEY_MAX_LENGTH = 128
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


def new_raw_key():
    return KEY_PREFIX + secrets.token_urlsafe(KEY_RANDOM_BYTES)


def hash_key(raw_key):
    # A single SHA-256 is enough: the keys are random with 240 bits of
    # entropy, so unlike passwords they cannot be guessed from a dictionary
    # and need no slow key derivation function; it also keeps the lookup of
    # every API request cheap and lets the hash be an indexed unique column.
    return hashlib.sha256(raw_key.encode('utf-8')).hexdigest()


def looks_like_key(raw_key):
    return (isinstance(raw_key, str)
        and raw_key.startswith(KEY_PREFIX)
        and len(raw_key) <= KEY_MAX_LENGTH)


class ApiKey(NestedSearchAccess, WorkflowGuard, Workflow, ModelSQL,
        ModelView):
    __name__ = 'insurance.channel.api_key'
    __string__ = "Channel API Key"

    channel = fields.Many2One(
        'insurance.channel', "Channel", required=True, readonly=True,
        ondelete='CASCADE')
    name = fields.Char(
        "Name", help="What the key is for, e.g. production or staging.")
    prefix = fields.Char(
        "Prefix", readonly=True,
        help="The first characters of the key, to recognise it.")
    key_hash = fields.Char("Key Hash", readonly=True, required=True)
    state = fields.Selection([
            ('active', "Active"),
            ('revoked', "Revoked"),
            ], "State", readonly=True, required=True, sort=False)
    last_used = fields.Timestamp(
        "Last Used", readonly=True,
        help="Recorded at most once a minute.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        # The unique constraint is also the index authenticate() looks up.
        cls._sql_constraints += [
            ('key_hash_unique', Unique(t, t.key_hash),
                'insurance_channel.msg_api_key_hash_unique'),
            ]
        cls._order.insert(0, ('create_date', 'DESC'))
        cls._transitions |= {
            ('active', 'revoked'),
            }
        cls._buttons.update({
                'revoke': {
                    'invisible': Eval('state') != 'active',
                    'icon': 'tryton-cancel',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'active'

    def get_rec_name(self, name):
        if self.name:
            return f'{self.prefix}… ({self.name})'
        return f'{self.prefix}…'

    @classmethod
    def generate(cls, channel, name=None):
        "Create a new key for channel; return it with the raw key to show once"
        raw_key = new_raw_key()
        return cls.register(channel, raw_key, name=name), raw_key

    @classmethod
    def register(cls, channel, raw_key, name=None):
        "Store a key chosen by the caller (demo data); keep only its hash"
        if not looks_like_key(raw_key):
            raise ApiKeyError(gettext(
                    'insurance_channel.msg_api_key_malformed',
                    prefix=KEY_PREFIX))
        # Whoever may create keys registers one; its channel, prefix and
        # hash are set here, never by the caller
        Pool().get('ir.model.access').check(cls.__name__, 'create')
        with without_check_access():
            api_key, = cls.create([{
                        'channel': channel.id,
                        'name': name,
                        'prefix': raw_key[:VISIBLE_PREFIX_LENGTH],
                        'key_hash': hash_key(raw_key),
                        }])
        return api_key

    @classmethod
    def find(cls, raw_key):
        "Return the key, active or revoked, whose raw value is raw_key"
        if not looks_like_key(raw_key):
            return None
        keys = cls.search([('key_hash', '=', hash_key(raw_key))], limit=1)
        return keys[0] if keys else None

    @classmethod
    def authenticate(cls, raw_key):
        """Return the active key matching raw_key or None.

        The caller still checks the channel: a closed channel or an address
        outside its allowlist is refused, not unknown."""
        api_key = cls.find(raw_key)
        if api_key and api_key.state == 'active':
            return api_key
        return None

    def record_use(self):
        """Record that the key has just been used.

        Written at most once a minute per key, in its own short transaction:
        the request's transaction may be read-only, and concurrent requests
        must not queue on the key's row lock until the slowest of them ends.
        When two requests race, one update wins and the other is dropped."""
        now = utcnow()
        if self.last_used and now - self.last_used < LAST_USED_RESOLUTION:
            return
        table = self.__table__()
        stale = (table.last_used == Null) | (
            table.last_used < now - LAST_USED_RESOLUTION)
        try:
            with Transaction().new_transaction() as transaction:
                cursor = transaction.connection.cursor()
                cursor.execute(*table.update(
                        [table.last_used], [now],
                        where=(table.id == self.id) & stale))
        except DatabaseOperationalError:
            pass

    @classmethod
    @ModelView.button
    @Workflow.transition('revoked')
    def revoke(cls, api_keys):
        pass


class GenerateApiKeyStart(ModelView):
    __name__ = 'insurance.channel.api_key.generate.start'
    __string__ = "Generate API Key"

    name = fields.Char(
        "Name", help="What the key is for, e.g. production or staging.")


class GenerateApiKeyResult(ModelView):
    __name__ = 'insurance.channel.api_key.generate.result'
    __string__ = "Generated API Key"

    key = fields.Char("Key", readonly=True)


class GenerateApiKey(Wizard):
    __name__ = 'insurance.channel.api_key.generate'

    start = StateView(
        'insurance.channel.api_key.generate.start',
        'insurance_channel.api_key_generate_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Generate", 'generate', 'tryton-ok', default=True),
            ])
    generate = StateTransition()
    result = StateView(
        'insurance.channel.api_key.generate.result',
        'insurance_channel.api_key_generate_result_view_form', [
            Button("Close", 'end', 'tryton-close', default=True),
            ])

    def transition_generate(self):
        pool = Pool()
        ApiKey = pool.get('insurance.channel.api_key')
        _, self.result.key = ApiKey.generate(self.record, self.start.name)
        return 'result'

    def default_result(self, fields):
        return {'key': self.result.key}

    def _save(self):
        # The raw key is shown once: it never goes into the stored session.
        self.result.key = None
        super()._save()
