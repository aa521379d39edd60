from trytond.i18n import gettext
from trytond.model import (
    Check,
    ModelSQL,
    ModelView,
    Unique,
    fields,
    sequence_ordered,
)
from trytond.pyson import Eval

from .exceptions import ProductValidationError
from .terms import RatingRowTerms, RatingTableTerms
from .version import VersionContentMixin

FACTOR_DIGITS = (16, 4)
NUMERIC_TYPES = {'decimal', 'integer'}


class RatingTable(VersionContentMixin, ModelSQL, ModelView):
    __name__ = 'insurance.rating.table'
    __string__ = "Insurance Rating Table"

    version = fields.Many2One(
        'insurance.product.version', "Version", required=True,
        ondelete='CASCADE')
    code = fields.Char("Code", required=True, strip=True)
    name = fields.Char("Name", required=True, translate=True)
    attribute = fields.Char(
        "Risk Attribute", required=True, strip=True,
        help="The name of the risk attribute the rows are keyed by.")
    match = fields.Selection([
            ('exact', "Exact Value"),
            ('band', "Numeric Band"),
            ], "Match", required=True,
        help="Bands include their lower bound and exclude their upper bound.")
    default_factor = fields.Numeric(
        "Default Factor", digits=FACTOR_DIGITS,
        help="The factor when no row matches; "
        "leave empty to refuse rating such risks.")
    rows = fields.One2Many('insurance.rating.table.row', 'table', "Rows")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('version_code_unique', Unique(t, t.version, t.code),
                'insurance_product.msg_rating_table_code_unique'),
            ]

    @staticmethod
    def default_match():
        return 'exact'

    def get_rec_name(self, name):
        return f'[{self.code}] {self.name}'

    def check_attribute(self):
        "Check the table is keyed by a risk attribute of its version"
        attribute = next((a for a in self.version.risk_attributes
                if a.name == self.attribute), None)
        if attribute is None:
            raise ProductValidationError(gettext(
                    'insurance_product.msg_rating_table_unknown_attribute',
                    table=self.rec_name, attribute=self.attribute))
        if self.match == 'band' and attribute.type not in NUMERIC_TYPES:
            raise ProductValidationError(gettext(
                    'insurance_product.msg_rating_table_band_not_numeric',
                    table=self.rec_name, attribute=self.attribute))

    def get_terms(self):
        return RatingTableTerms(
            code=self.code, name=self.name, attribute=self.attribute,
            match=self.match,
            rows=tuple(r.get_terms() for r in self.rows),
            default_factor=self.default_factor)


class RatingTableRow(
        VersionContentMixin, sequence_ordered(), ModelSQL, ModelView):
    __name__ = 'insurance.rating.table.row'
    __string__ = "Insurance Rating Table Row"

    table = fields.Many2One(
        'insurance.rating.table', "Table", required=True, ondelete='CASCADE')
    match = fields.Function(fields.Selection(
            'get_matches', "Match"), 'on_change_with_match')
    value = fields.Char(
        "Value", strip=True,
        states={
            'required': Eval('match') == 'exact',
            'invisible': Eval('match') == 'band',
            })
    lower = fields.Numeric(
        "From", digits=FACTOR_DIGITS,
        states={'invisible': Eval('match') == 'exact'},
        help="Included.")
    upper = fields.Numeric(
        "To", digits=FACTOR_DIGITS,
        states={'invisible': Eval('match') == 'exact'},
        help="Excluded.")
    factor = fields.Numeric(
        "Factor", digits=FACTOR_DIGITS, required=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('factor_positive', Check(t, t.factor >= 0),
                'insurance_product.msg_rating_row_factor_positive'),
            ('band_ordered',
                Check(t, (t.lower == None) | (t.upper == None)  # noqa: E711
                    | (t.lower < t.upper)),
                'insurance_product.msg_rating_row_band_ordered'),
            ]

    @classmethod
    def get_matches(cls):
        return cls.table.get_target().fields_get(['match'])['match'][
            'selection']

    @fields.depends('table', '_parent_table.match')
    def on_change_with_match(self, name=None):
        return self.table.match if self.table else None

    @property
    def product_version(self):
        return self.table.version

    def get_terms(self):
        exact = self.table.match == 'exact'
        return RatingRowTerms(
            factor=self.factor,
            value=self.value if exact else None,
            lower=None if exact else self.lower,
            upper=None if exact else self.upper)
