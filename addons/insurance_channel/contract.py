from decimal import Decimal

from sql import Null
from sql.operators import Like

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Unique, Workflow, fields
from trytond.modules.insurance_base.numbering import Numbering
from trytond.modules.insurance_base.timezone import utcnow
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.transaction import Transaction, without_check_access

from .exceptions import ContractError

NUMBERING = Numbering(
    'insurance_contract_number_seq', 'C', digits=6, dated=False)

OPERATIONS = [
    ('quote', "Quote"),
    ('issue', "Issue"),
    ('query', "Query"),
    ('endorse', "Endorse"),
    ('renew', "Renew"),
    ('cancel', "Cancel"),
    ('claim', "Claim"),
    ]
RATE_DIGITS = (16, 4)
DRAFT_ONLY = {'readonly': Eval('state') != 'draft'}
UNTIL_TERMINATED = {'readonly': Eval('state') == 'terminated'}
# The fields whose change on an active contract makes a new version.
TERMS = [
    'product_version', 'plans', 'operations', 'rate_adjustment',
    'fee_rate', 'start_date', 'end_date']


class ContractTerms:
    "What a contract grants a channel; shared by contracts and versions"
    __slots__ = ()

    product_version = fields.Many2One(
        'insurance.product.version', "Product Version", required=True)
    operations = fields.MultiSelection(
        OPERATIONS, "Operations", sort=False,
        help="The partner API operations the channel may call.")
    rate_adjustment = fields.Numeric(
        "Rate Adjustment", digits=RATE_DIGITS, required=True,
        domain=[('rate_adjustment', '>', 0)],
        help="Multiplies the premium computed for the channel.")
    fee_rate = fields.Numeric(
        "Channel Fee Rate", digits=RATE_DIGITS, required=True,
        domain=[('fee_rate', '>=', 0), ('fee_rate', '<', 1)],
        help="The channel's commission as a share of the premium, "
        "e.g. 0.15 for 15%.")
    start_date = fields.Date("Start Date", required=True)
    end_date = fields.Date(
        "End Date",
        domain=['OR',
            ('end_date', '=', None),
            ('end_date', '>=', Eval('start_date', None)),
            ])

    def terms(self):
        "The terms as comparable values, ready to create a version"
        return {
            'product_version': self.product_version.id,
            'plans': tuple(sorted(p.id for p in self.plans)),
            'operations': tuple(sorted(self.operations or ())),
            'rate_adjustment': self.rate_adjustment,
            'fee_rate': self.fee_rate,
            'start_date': self.start_date,
            'end_date': self.end_date,
            }


class Contract(ContractTerms, Workflow, ModelSQL, ModelView):
    __name__ = 'insurance.contract'
    __string__ = "Channel Contract"

    number = fields.Char("Number", readonly=True)
    channel = fields.Many2One(
        'insurance.channel', "Channel", required=True,
        states=DRAFT_ONLY)
    plans = fields.Many2Many(
        'insurance.contract-insurance.plan', 'contract', 'plan', "Plans",
        domain=[('version', '=', Eval('product_version', -1))],
        states=UNTIL_TERMINATED)
    state = fields.Selection([
            ('draft', "Draft"),
            ('active', "Active"),
            ('terminated', "Terminated"),
            ], "State", readonly=True, required=True, sort=False)
    versions = fields.One2Many(
        'insurance.contract.version', 'contract', "Versions", readonly=True)
    current_version = fields.Function(fields.Many2One(
            'insurance.contract.version', "Current Version"),
        'get_current_version')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('number_unique', Unique(t, t.number),
                'insurance_channel.msg_contract_number_unique'),
            ]
        cls._sql_indexes.add(Index(t, (t.channel, Index.Equality())))
        cls._order = [('number', 'DESC'), ('id', 'DESC')]
        cls.product_version.domain = [
            If(Eval('state') == 'draft', ('state', '=', 'published'), ()),
            ]
        cls.product_version.states = DRAFT_ONLY
        for name in ['operations', 'rate_adjustment', 'fee_rate',
                'start_date', 'end_date']:
            getattr(cls, name).states = UNTIL_TERMINATED
        cls._transitions |= {
            ('draft', 'active'),
            ('active', 'terminated'),
            }
        cls._buttons.update({
                'activate': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'terminate': {
                    'invisible': Eval('state') != 'active',
                    'icon': 'tryton-cancel',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    def default_operations(cls):
        return ('quote', 'issue', 'query')

    @classmethod
    def default_rate_adjustment(cls):
        return Decimal(1)

    @classmethod
    def default_fee_rate(cls):
        return Decimal(0)

    @classmethod
    def default_start_date(cls):
        return Pool().get('ir.date').today()

    def get_rec_name(self, name):
        return self.number or str(self.id)

    @classmethod
    def search_rec_name(cls, name, clause):
        return [('number',) + tuple(clause[1:])]

    @classmethod
    def get_current_version(cls, contracts, name):
        pool = Pool()
        Version = pool.get('insurance.contract.version')
        current = dict.fromkeys(map(int, contracts))
        for version in Version.search([
                    ('contract', 'in', list(current)),
                    ('effective_to', '=', None),
                    ]):
            current[version.contract.id] = version.id
        return current

    @classmethod
    def __register__(cls, module):
        super().__register__(module)
        NUMBERING.create(start=cls._next_free_number)

    @classmethod
    def _next_free_number(cls):
        "The value after the highest number given (by ir.sequence before)"
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.select(table.number,
                where=Like(table.number, NUMBERING.prefix + '%')))
        values = [int(n[len(NUMBERING.prefix):]) for n, in cursor
            if n[len(NUMBERING.prefix):].isdigit()]
        return max(values, default=0) + 1

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if mode == 'create' and not values.get('number'):
            values['number'] = NUMBERING.next()
        return values

    @classmethod
    def copy(cls, contracts, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('number', None)
        default.setdefault('versions', None)
        return super().copy(contracts, default=default)

    @classmethod
    def check_modification(cls, mode, contracts, values=None, external=False):
        super().check_modification(
            mode, contracts, values=values, external=external)
        if mode == 'delete':
            refused = [c for c in contracts if c.state != 'draft']
            message = 'msg_contract_delete_not_draft'
        elif mode == 'write' and set(values) & set(TERMS):
            refused = [c for c in contracts if c.state == 'terminated']
            message = 'msg_contract_terminated'
        else:
            refused = []
        if refused:
            raise ContractError(gettext(
                    'insurance_channel.' + message,
                    contract=refused[0].rec_name))

    @classmethod
    def on_modification(cls, mode, contracts, field_names=None):
        super().on_modification(mode, contracts, field_names=field_names)
        if mode == 'write' and field_names & set(TERMS):
            cls.version_changed_terms(
                [c for c in contracts if c.state == 'active'])

    @classmethod
    def version_changed_terms(cls, contracts):
        """Close the current version of contracts whose terms changed and
        make the next one effective from now"""
        changed = [
            c for c in contracts if c.current_version.terms() != c.terms()]
        if changed:
            now = utcnow()
            cls.close_versions(changed, now)
            cls.open_versions(changed, now)

    @classmethod
    @without_check_access
    def open_versions(cls, contracts, now):
        # Versions are kept by the system, never edited by staff.
        pool = Pool()
        Version = pool.get('insurance.contract.version')
        Version.create([{
                    'contract': c.id,
                    'number': len(c.versions) + 1,
                    'effective_from': now,
                    **c.version_terms(),
                    } for c in contracts])

    @classmethod
    @without_check_access
    def close_versions(cls, contracts, now):
        pool = Pool()
        Version = pool.get('insurance.contract.version')
        Version.write(
            [c.current_version for c in contracts if c.current_version],
            {'effective_to': now})

    def version_terms(self):
        terms = self.terms()
        terms['plans'] = [('add', terms['plans'])]
        return terms

    def check_activable(self):
        if self.channel.state != 'open':
            raise ContractError(gettext(
                    'insurance_channel.msg_contract_channel_closed',
                    contract=self.rec_name,
                    channel=self.channel.rec_name))
        self.check_product_version_published()
        if not self.plans:
            raise ContractError(gettext(
                    'insurance_channel.msg_contract_no_plan',
                    contract=self.rec_name))
        self.check_only_active_on_product()

    def check_only_active_on_product(self):
        "One active contract per channel and product keeps find_for exact"
        others = self.search([
                ('id', '!=', self.id),
                ('channel', '=', self.channel.id),
                ('product_version.product', '=',
                    self.product_version.product.id),
                ('state', '=', 'active'),
                ], limit=1)
        if others:
            raise ContractError(gettext(
                    'insurance_channel.msg_contract_duplicate_active',
                    contract=self.rec_name,
                    other=others[0].rec_name,
                    channel=self.channel.rec_name,
                    product=self.product_version.product.rec_name))

    def check_product_version_published(self):
        if self.product_version.state != 'published':
            raise ContractError(gettext(
                    'insurance_channel.msg_contract_product_not_published',
                    contract=self.rec_name,
                    version=self.product_version.rec_name,
                    state=self.product_version.state_string))

    @classmethod
    @ModelView.button
    @Workflow.transition('active')
    def activate(cls, contracts):
        for contract in contracts:
            contract.check_activable()
        cls.open_versions(contracts, utcnow())

    @classmethod
    @ModelView.button
    @Workflow.transition('terminated')
    def terminate(cls, contracts):
        cls.close_versions(contracts, utcnow())

    @classmethod
    @without_check_access
    def follow_product_versions(cls, successors):
        """Move the active contracts on the keys of successors (product
        versions) to their values, granting the plans of the same codes.

        It writes the terms, so each contract gets a new version effective
        now: policies issued before keep theirs. Draft contracts stay put,
        their activation is refused until they name a published version."""
        contracts = cls.search([
                ('state', '=', 'active'),
                ('product_version', 'in', [v.id for v in successors]),
                ])
        for contract in contracts:
            successor = successors[contract.product_version]
            codes = {p.code for p in contract.plans}
            contract.product_version = successor
            contract.plans = [p for p in successor.plans if p.code in codes]
        cls.save(contracts)

    @classmethod
    def find_for(cls, channel, product_code):
        """Return the current version of the channel's active contract on
        the product of product_code, or None.

        The version may be on a withdrawn product version or out of its
        validity dates: the caller answers those cases."""
        pool = Pool()
        Version = pool.get('insurance.contract.version')
        versions = Version.search([
                ('contract.channel', '=', int(channel)),
                ('contract.state', '=', 'active'),
                ('effective_to', '=', None),
                ('product_version.product.code', '=', product_code),
                ], limit=1)
        return versions[0] if versions else None

    @classmethod
    def find_sellable(cls, channel):
        """Return the current versions of the channel's active contracts
        on published product versions: what the channel may sell now"""
        pool = Pool()
        Version = pool.get('insurance.contract.version')
        return Version.search([
                ('contract.channel', '=', int(channel)),
                ('contract.state', '=', 'active'),
                ('effective_to', '=', None),
                ('product_version.state', '=', 'published'),
                ])


class ContractPlan(ModelSQL):
    __name__ = 'insurance.contract-insurance.plan'

    contract = fields.Many2One(
        'insurance.contract', "Contract", required=True, ondelete='CASCADE')
    plan = fields.Many2One(
        'insurance.plan', "Plan", required=True, ondelete='CASCADE')


class ContractVersion(ContractTerms, ModelSQL, ModelView):
    """The terms of a contract from effective_from until effective_to (none
    while current). Policies point at the version they were issued under."""
    __name__ = 'insurance.contract.version'
    __string__ = "Channel Contract Version"

    contract = fields.Many2One(
        'insurance.contract', "Contract", required=True, ondelete='CASCADE')
    number = fields.Integer("Number", required=True)
    effective_from = fields.Timestamp("Effective From", required=True)
    effective_to = fields.Timestamp("Effective To")
    plans = fields.Many2Many(
        'insurance.contract.version-insurance.plan', 'version', 'plan',
        "Plans")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('contract_number_unique', Unique(t, t.contract, t.number),
                'insurance_channel.msg_contract_version_number_unique'),
            ]
        cls._sql_indexes.add(Index(
                t, (t.contract, Index.Equality()),
                where=t.effective_to == Null))
        cls._order = [('contract', 'DESC'), ('number', 'DESC'), ('id', 'DESC')]
        for name in TERMS + [
                'contract', 'number', 'effective_from', 'effective_to']:
            getattr(cls, name).readonly = True

    def get_rec_name(self, name):
        return f'{self.contract.rec_name} v{self.number}'

    @property
    def channel(self):
        return self.contract.channel

    def grants_operation(self, operation):
        return operation in (self.operations or ())

    def grants_plan(self, plan_code):
        return self.plan(plan_code) is not None

    def plan(self, plan_code):
        "The granted plan of code plan_code, or None"
        for plan in self.plans:
            if plan.code == plan_code:
                return plan
        return None

    def covers(self, date):
        "Tell whether date falls within the contract's validity"
        return (self.start_date <= date
            and (not self.end_date or date <= self.end_date))

    @property
    def product_withdrawn(self):
        "A withdrawn product keeps its contracts but sells nothing new"
        return self.product_version.state == 'withdrawn'


class ContractVersionPlan(ModelSQL):
    __name__ = 'insurance.contract.version-insurance.plan'

    version = fields.Many2One(
        'insurance.contract.version', "Version", required=True,
        ondelete='CASCADE')
    plan = fields.Many2One(
        'insurance.plan', "Plan", required=True, ondelete='RESTRICT')
