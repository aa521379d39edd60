from trytond.cache import Cache
from trytond.model import (
    Check,
    ModelSQL,
    ModelView,
    Unique,
    fields,
    sequence_ordered,
)
from trytond.modules.insurance_base.money import MONEY_DIGITS
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .terms import TERM_UNITS, CoverageTerms, PlanTerms
from .version import VersionContentMixin


class Plan(VersionContentMixin, ModelSQL, ModelView):
    __name__ = 'insurance.plan'
    __string__ = "Insurance Plan"

    version = fields.Many2One(
        'insurance.product.version', "Version", required=True,
        ondelete='CASCADE')
    code = fields.Char(
        "Code", required=True, strip=True,
        help="The code partners send as plan_code, e.g. STANDARD.")
    name = fields.Char("Name", required=True, translate=True)
    term_value = fields.Integer("Term", required=True)
    term_unit = fields.Selection([
            ('day', "Days"),
            ('month', "Months"),
            ('year', "Years"),
            ], "Term Unit", required=True, sort=False)
    currency = fields.Char("Currency", required=True, readonly=True)
    base_premium = fields.Numeric(
        "Base Premium", digits=MONEY_DIGITS, required=True)
    minimum_premium = fields.Numeric(
        "Minimum Premium", digits=MONEY_DIGITS, required=True)
    sum_insured = fields.Numeric(
        "Sum Insured", digits=MONEY_DIGITS, required=True)
    coverages = fields.One2Many(
        'insurance.plan.coverage', 'plan', "Coverages")
    rating_factors = fields.One2Many(
        'insurance.plan.rating_factor', 'plan', "Rating Factors")
    rules = fields.One2Many('insurance.plan.rule', 'plan', "Rules")

    _terms_cache = Cache('insurance.plan.terms', context=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('version_code_unique', Unique(t, t.version, t.code),
                'insurance_product.msg_plan_code_unique'),
            ('term_positive', Check(t, t.term_value > 0),
                'insurance_product.msg_plan_term_positive'),
            ('amounts_positive', Check(t, (t.base_premium >= 0)
                    & (t.minimum_premium >= 0) & (t.sum_insured >= 0)),
                'insurance_product.msg_plan_amounts_positive'),
            ]
        assert {u for u, _ in cls.term_unit.selection} == set(TERM_UNITS)

    @staticmethod
    def default_currency():
        return 'CNY'

    @staticmethod
    def default_term_unit():
        return 'day'

    def get_rec_name(self, name):
        return f'[{self.code}] {self.name}'

    @classmethod
    def search_rec_name(cls, name, clause):
        return ['OR',
            ('code',) + tuple(clause[1:]),
            ('name',) + tuple(clause[1:]),
            ]

    @classmethod
    def copy_to_version(cls, plans, version):
        "Copy plans into version, pointing at its rating tables of same code"
        new_tables = {t.code: t.id for t in version.rating_tables}
        copied_tables = {f.table.id: new_tables[f.table.code]
            for plan in plans for f in plan.rating_factors}
        return cls.copy(plans, default={
                'version': version.id,
                'rating_factors.table': lambda data: copied_tables[
                    data['table']],
                })

    def get_terms(self):
        "Return the immutable PlanTerms the engines run on, cached"
        return self.terms_of(self.id)

    @classmethod
    def terms_of(cls, plan_id):
        """Return the PlanTerms of the plan of id, cached

        Without instantiating the plan: quoting calls it for every row."""
        key = (plan_id, Transaction().language)
        terms = cls._terms_cache.get(key)
        if terms is None:
            terms = cls._terms_cache.set(key, cls(plan_id)._build_terms())
        return terms

    @classmethod
    def clear_terms_cache(cls):
        cls._terms_cache.clear()

    def _build_terms(self):
        version = self.version
        return PlanTerms(
            id=self.id, code=self.code, name=self.name,
            product_code=version.product.code,
            version_id=version.id, version_number=version.number,
            version_state=version.state,
            currency=self.currency,
            term_value=self.term_value, term_unit=self.term_unit,
            base_premium=self.base_premium,
            minimum_premium=self.minimum_premium,
            sum_insured=self.sum_insured,
            coverages=tuple(c.get_terms() for c in self.coverages),
            risk_attributes=tuple(
                a.get_terms() for a in version.risk_attributes),
            rating_tables=tuple(
                f.table.get_terms() for f in self.rating_factors),
            rules=tuple(r.get_terms() for r in self.rules if r.enabled),
            line_id=version.product.line.id,
            insured_object=version.product.line.insured_object_names)


class PlanCoverage(
        VersionContentMixin, sequence_ordered(), ModelSQL, ModelView):
    __name__ = 'insurance.plan.coverage'
    __string__ = "Insurance Plan Coverage"
    _parent_field = 'plan'

    plan = fields.Many2One(
        'insurance.plan', "Plan", required=True, ondelete='CASCADE')
    code = fields.Char("Code", required=True, strip=True)
    name = fields.Char("Name", required=True, translate=True)
    sum_insured = fields.Numeric(
        "Sum Insured", digits=MONEY_DIGITS, required=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('plan_code_unique', Unique(t, t.plan, t.code),
                'insurance_product.msg_coverage_code_unique'),
            ]

    @property
    def product_version(self):
        return self.plan.version

    def get_terms(self):
        return CoverageTerms(
            code=self.code, name=self.name, sum_insured=self.sum_insured)


class PlanRatingFactor(
        VersionContentMixin, sequence_ordered(), ModelSQL, ModelView):
    __name__ = 'insurance.plan.rating_factor'
    __string__ = "Insurance Plan Rating Factor"
    _parent_field = 'plan'

    plan = fields.Many2One(
        'insurance.plan', "Plan", required=True, ondelete='CASCADE')
    version = fields.Function(fields.Many2One(
            'insurance.product.version', "Version"),
        'on_change_with_version')
    table = fields.Many2One(
        'insurance.rating.table', "Rating Table", required=True,
        ondelete='RESTRICT',
        domain=[('version', '=', Eval('version', -1))])

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('plan_table_unique', Unique(t, t.plan, t.table),
                'insurance_product.msg_rating_factor_unique'),
            ]

    @fields.depends('plan', '_parent_plan.version')
    def on_change_with_version(self, name=None):
        return self.plan.version if self.plan else None

    @property
    def product_version(self):
        return self.plan.version
