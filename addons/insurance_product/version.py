
from sql.operators import Equal

from trytond.i18n import gettext
from trytond.model import (
    Exclude,
    ModelSQL,
    ModelView,
    Unique,
    Workflow,
    fields,
)
from trytond.modules.insurance_base.guard import WorkflowGuard
from trytond.modules.insurance_base.timezone import utcnow
from trytond.pool import Pool
from trytond.pyson import Eval, PYSONEncoder

from .exceptions import VersionReadOnlyError, VersionStateError

STATES = [
    ('draft', "Draft"),
    ('published', "Published"),
    ('superseded', "Superseded"),
    ('withdrawn', "Withdrawn"),
    ]
DRAFT_ONLY = {'readonly': Eval('state') != 'draft'}


class ProductVersion(WorkflowGuard, Workflow, ModelSQL, ModelView):
    __name__ = 'insurance.product.version'
    __string__ = "Insurance Product Version"

    product = fields.Many2One(
        'insurance.product', "Product", required=True, ondelete='CASCADE',
        states=DRAFT_ONLY)
    number = fields.Integer("Number", readonly=True)
    state = fields.Selection(STATES, "State", readonly=True, required=True,
        sort=False)
    state_string = state.translated('state')
    published_at = fields.Timestamp("Published At", readonly=True)
    risk_attributes = fields.One2Many(
        'insurance.product.risk_attribute', 'version', "Risk Attributes",
        states=DRAFT_ONLY)
    rating_tables = fields.One2Many(
        'insurance.rating.table', 'version', "Rating Tables",
        states=DRAFT_ONLY)
    plans = fields.One2Many(
        'insurance.plan', 'version', "Plans", states=DRAFT_ONLY)
    clauses = fields.Text(
        "Clauses", states=DRAFT_ONLY,
        help="The policy wording (条款) printed on the e-policy, one "
        "paragraph a line.")
    notice = fields.Text(
        "Notice", states=DRAFT_ONLY,
        help="What the policyholder must know (投保须知), printed on the "
        "e-policy, one paragraph a line.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('product_number_unique', Unique(t, t.product, t.number),
                'insurance_product.msg_version_number_unique'),
            ('one_published_per_product',
                Exclude(t, (t.product, Equal),
                    where=t.state == 'published'),
                'insurance_product.msg_version_one_published'),
            ]
        cls._order = [('product', 'ASC'), ('number', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'published'),
            ('published', 'superseded'),
            ('published', 'withdrawn'),
            }
        cls._buttons.update({
                'publish': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'withdraw': {
                    'invisible': Eval('state') != 'published',
                    'icon': 'tryton-cancel',
                    'depends': ['state'],
                    },
                'new_version': {
                    'invisible': Eval('state') == 'draft',
                    'icon': 'tryton-copy',
                    'depends': ['state'],
                    },
                'try_out': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-launch',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_state():
        return 'draft'

    def get_rec_name(self, name):
        return f'{self.product.rec_name} v{self.number}'

    @classmethod
    def search_rec_name(cls, name, clause):
        return [('product.rec_name',) + tuple(clause[1:])]

    @classmethod
    def create(cls, vlist):
        # One at a time: preprocess_values numbers each after the last one
        versions = []
        for values in vlist:
            versions.extend(super().create([values]))
        return versions

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if mode == 'create':
            values['number'] = cls._next_number(values['product'])
        return values

    @classmethod
    def _next_number(cls, product_id):
        versions = cls.search(
            [('product', '=', product_id)], order=[('number', 'DESC')],
            limit=1)
        return versions[0].number + 1 if versions else 1

    @classmethod
    def check_modification(cls, mode, versions, values=None, external=False):
        super().check_modification(
            mode, versions, values=values, external=external)
        if mode == 'delete' or (
                mode == 'write' and set(values) - {'state', 'published_at'}):
            for version in versions:
                version.check_draft()

    def check_draft(self):
        if self.state != 'draft':
            raise VersionReadOnlyError(gettext(
                    'insurance_product.msg_version_read_only',
                    version=self.rec_name))

    @classmethod
    def on_modification(cls, mode, versions, field_names=None):
        super().on_modification(mode, versions, field_names=field_names)
        Pool().get('insurance.plan').clear_terms_cache()

    @classmethod
    def copy(cls, versions, default=None):
        pool = Pool()
        Plan = pool.get('insurance.plan')
        default = default.copy() if default is not None else {}
        default.setdefault('number', None)
        default.setdefault('state', 'draft')
        default.setdefault('published_at', None)
        # Plans point at rating tables of their own version: copied apart.
        default.setdefault('plans', None)
        new_versions = super().copy(versions, default=default)
        for version, new_version in zip(versions, new_versions, strict=True):
            Plan.copy_to_version(version.plans, new_version)
        return new_versions

    @classmethod
    def _check_state(cls, versions, state, message_id):
        for version in versions:
            if version.state != state:
                raise VersionStateError(gettext(
                        'insurance_product.' + message_id,
                        version=version.rec_name,
                        state=version.state_string))

    @classmethod
    @ModelView.button
    def publish(cls, versions):
        cls._check_state(versions, 'draft', 'msg_version_publish_not_draft')
        for version in versions:
            version.check_publishable()
        products = [v.product for v in versions]
        if len(set(products)) != len(products):
            raise VersionStateError(gettext(
                    'insurance_product.msg_version_publish_twice'))
        cls.supersede(cls.search([
                    ('product', 'in', [p.id for p in products]),
                    ('state', '=', 'published'),
                    ]))
        cls._publish(versions)

    def check_publishable(self):
        if not self.plans:
            raise VersionStateError(gettext(
                    'insurance_product.msg_version_publish_no_plan',
                    version=self.rec_name))
        for table in self.rating_tables:
            table.check_attribute()
        self.product.line.check_insured_object(self)

    @classmethod
    @Workflow.transition('published')
    def _publish(cls, versions):
        cls.write(versions, {
                'published_at': utcnow(),
                })

    @classmethod
    @Workflow.transition('superseded')
    def supersede(cls, versions):
        pass

    @classmethod
    @ModelView.button
    def withdraw(cls, versions):
        cls._check_state(
            versions, 'published', 'msg_version_withdraw_not_published')
        cls._withdraw(versions)

    @classmethod
    @Workflow.transition('withdrawn')
    def _withdraw(cls, versions):
        pass

    @classmethod
    @ModelView.button_action('insurance_product.wizard_try_out')
    def try_out(cls, versions):
        "Price sample risks and decide sample claims without issuing"
        pass

    @classmethod
    @ModelView.button_action('insurance_product.act_version_form')
    def new_version(cls, versions):
        """Open the draft of each version's product in a form, a copy of the
        version made if the product has none"""
        ModelData = Pool().get('ir.model.data')
        ids = [d.id for d in cls.drafts_of(versions)]
        return {
            'name': gettext('insurance_product.msg_version_new_tab'),
            'res_id': ids,
            'pyson_domain': PYSONEncoder().encode([('id', 'in', ids)]),
            'domains': [],
            # the form first: the person edits the draft at once
            'views': [
                (ModelData.get_id('insurance_product', 'version_view_form'),
                    'form'),
                (ModelData.get_id('insurance_product', 'version_view_list'),
                    'tree'),
                ],
            }

    @classmethod
    def drafts_of(cls, versions):
        """The draft of each product of versions: the one it has, else a copy
        of the version. A product has one draft however often, or however
        concurrently, it is asked for: its row is locked meanwhile."""
        Product = Pool().get('insurance.product')
        sources = {}
        for version in versions:
            sources.setdefault(version.product, version)
        Product.lock(list(sources))
        drafts = {d.product: d for d in cls.search([
                    ('product', 'in', [p.id for p in sources]),
                    ('state', '=', 'draft'),
                    ])}
        missing = [v for p, v in sources.items() if p not in drafts]
        for version, draft in zip(missing, cls.copy(missing), strict=True):
            drafts[version.product] = draft
        return [drafts[p] for p in sources]


class VersionContentMixin:
    """Content of a product version: editable only while it is draft

    Content not directly on the version overrides product_version and names
    the field that leads to it in _parent_field."""
    __slots__ = ()
    _parent_field = 'version'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        # Whoever may not change the version (a published one, by its rule)
        # may not change its content: sao shows it read-only
        cls.__access__.add(cls._parent_field)

    @property
    def product_version(self):
        return self.version

    @classmethod
    def check_modification(cls, mode, records, values=None, external=False):
        super().check_modification(
            mode, records, values=values, external=external)
        for record in records:
            record.product_version.check_draft()

    @classmethod
    def on_modification(cls, mode, records, field_names=None):
        super().on_modification(mode, records, field_names=field_names)
        Pool().get('insurance.plan').clear_terms_cache()
