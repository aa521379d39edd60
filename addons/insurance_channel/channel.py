import ipaddress
import secrets

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Unique, Workflow, fields
from trytond.modules.insurance_base.guard import WorkflowGuard
from trytond.modules.insurance_base.nested_access import NestedSearchAccess
from trytond.pyson import Eval

from . import callback_target
from .exceptions import ChannelValidationError

WEBHOOK_SECRET_BYTES = 32


def new_webhook_secret():
    return secrets.token_urlsafe(WEBHOOK_SECRET_BYTES)


def allowlist_entries(allowlist):
    "The entries of an allowlist: one IP address or CIDR network per line"
    return (allowlist or '').split()


def parse_network(entry):
    return ipaddress.ip_network(entry, strict=False)


def parse_address(address):
    ip = ipaddress.ip_address(address)
    # A dual-stack server sees IPv4 clients as ::ffff:a.b.c.d
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip


class Channel(NestedSearchAccess, WorkflowGuard, Workflow, ModelSQL,
        ModelView):
    __name__ = 'insurance.channel'

    code = fields.Char(
        "Code", required=True, strip=True,
        help="The code staff and tools use to designate the channel.")
    name = fields.Char("Name", required=True)
    kind = fields.Selection([
            ('ecommerce', "E-commerce Platform"),
            ('payment', "Payment Platform"),
            ], "Kind", required=True)
    state = fields.Selection([
            ('open', "Open"),
            ('closed', "Closed"),
            ], "State", readonly=True, required=True, sort=False)
    callback_url = fields.Char(
        "Callback URL", strip=True,
        help="Where claim events are posted (http or https).")
    # Nobody reads or searches the stored secret over RPC (a search is an
    # oracle, one prefix at a time); administrators see it through
    # webhook_secret_shown, which cannot be searched nor sorted.
    webhook_secret = fields.Char(
        "Webhook Secret", readonly=True, strip=False,
        help="Signs the callbacks (HMAC-SHA256); generated on creation.")
    webhook_secret_shown = fields.Function(fields.Char(
            "Webhook Secret",
            help="Signs the callbacks (HMAC-SHA256); generated on creation."),
        'get_webhook_secret_shown')
    ip_allowlist = fields.Text(
        "IP Allowlist",
        help="One IP address or CIDR network per line.\n"
        "Leave empty to accept calls from any address.")
    rate_limit = fields.Integer(
        "Rate Limit", required=True,
        domain=[('rate_limit', '>', 0)],
        help="Requests per second accepted from the channel.")
    settlement = fields.Selection([
            ('monthly', "Monthly"),
            ], "Settlement", required=True)
    contacts = fields.One2Many(
        'insurance.channel.contact', 'channel', "Contacts")
    api_keys = fields.One2Many(
        'insurance.channel.api_key', 'channel', "API Keys", readonly=True)
    contracts = fields.One2Many(
        'insurance.contract', 'channel', "Contracts", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_unique', Unique(t, t.code),
                'insurance_channel.msg_channel_code_unique'),
            ]
        cls._order.insert(0, ('code', 'ASC'))
        cls._transitions |= {
            ('open', 'closed'),
            ('closed', 'open'),
            }
        cls._buttons.update({
                'close': {
                    'invisible': Eval('state') != 'open',
                    'icon': 'tryton-cancel',
                    'depends': ['state'],
                    },
                'reopen': {
                    'invisible': Eval('state') != 'closed',
                    'icon': 'tryton-forward',
                    'depends': ['state'],
                    },
                'regenerate_webhook_secret': {
                    'icon': 'tryton-refresh',
                    # hidden with the secret from who may not read it
                    'depends': ['webhook_secret'],
                    },
                'generate_api_key': {
                    'invisible': Eval('state') != 'open',
                    'icon': 'tryton-launch',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'open'

    @classmethod
    def default_rate_limit(cls):
        return 50

    @classmethod
    def default_settlement(cls):
        return 'monthly'

    def get_webhook_secret_shown(self, name):
        return self.webhook_secret

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if mode == 'create' and not values.get('webhook_secret'):
            values['webhook_secret'] = new_webhook_secret()
        return values

    @classmethod
    def validate_fields(cls, channels, field_names):
        super().validate_fields(channels, field_names)
        if field_names is None or 'callback_url' in field_names:
            cls.check_callback_url(channels)
        if field_names is None or 'ip_allowlist' in field_names:
            cls.check_ip_allowlist(channels)

    @classmethod
    def check_callback_url(cls, channels):
        "Refuse URLs that lead to this machine or private networks"
        for channel in channels:
            if not channel.callback_url:
                continue
            try:
                callback_target.check_url(channel.callback_url)
            except callback_target.ForbiddenTarget as refusal:
                raise ChannelValidationError(gettext(
                        'insurance_channel.msg_channel_callback_url_'
                        + refusal.reason,
                        url=channel.callback_url,
                        channel=channel.rec_name,
                        address=refusal.address)) from None

    @classmethod
    def check_ip_allowlist(cls, channels):
        for channel in channels:
            for entry in allowlist_entries(channel.ip_allowlist):
                try:
                    parse_network(entry)
                except ValueError:
                    raise ChannelValidationError(gettext(
                            'insurance_channel.msg_channel_ip_entry_invalid',
                            entry=entry,
                            channel=channel.rec_name)) from None

    def ip_allowed(self, address):
        "Tell whether a call from address passes the IP allowlist"
        entries = allowlist_entries(self.ip_allowlist)
        if not entries:
            return True
        try:
            ip = parse_address(address)
        except ValueError:
            return False
        return any(ip in parse_network(entry) for entry in entries)

    @classmethod
    @ModelView.button
    @Workflow.transition('closed')
    def close(cls, channels):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('open')
    def reopen(cls, channels):
        pass

    @classmethod
    @ModelView.button
    def regenerate_webhook_secret(cls, channels):
        for channel in channels:
            channel.webhook_secret = new_webhook_secret()
        cls.save(channels)

    @classmethod
    @ModelView.button_action('insurance_channel.wizard_generate_api_key')
    def generate_api_key(cls, channels):
        pass


class ChannelContact(ModelSQL, ModelView):
    __name__ = 'insurance.channel.contact'

    channel = fields.Many2One(
        'insurance.channel', "Channel", required=True, ondelete='CASCADE')
    name = fields.Char("Name", required=True)
    role = fields.Char(
        "Role", help="What the contact handles, e.g. technical, settlement.")
    phone = fields.Char("Phone")
    email = fields.Char("Email")
