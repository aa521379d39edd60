from sql import Null

from trytond.i18n import gettext
from trytond.model import (
    Check,
    ModelSQL,
    ModelView,
    Unique,
    fields,
    sequence_ordered,
)
from trytond.pyson import Bool, Eval

from .exceptions import ProductValidationError
from .terms import RatingCell, RatingRowTerms, RatingTableTerms
from .version import VersionContentMixin

FACTOR_DIGITS = (16, 4)
NUMERIC_TYPES = {'decimal', 'integer'}
MATCHES = [
    ('exact', "Exact Value"),
    ('band', "Numeric Band"),
    ]
# The suffixes of the fields of keys 2 and 3 (key 1 has none)
MORE_KEYS = ('2', '3')


def key_fields(number):
    "The attribute and match fields of the table's key number (2 or 3)"
    attribute = fields.Char(
        f"Risk Attribute {number}", strip=True,
        help="Leave empty for a table keyed by fewer attributes.")
    match = fields.Selection([(None, "")] + MATCHES, f"Match {number}",
        states={
            'required': Bool(Eval(f'attribute{number}')),
            'invisible': ~Eval(f'attribute{number}'),
            })
    return attribute, match


def cell_fields(number):
    "The value, lower and upper fields of a row's cell of key number"
    match = Eval(f'match{number}')
    value = fields.Char(f"Key {number}", strip=True,
        states={'required': match == 'exact', 'invisible': match != 'exact'})
    lower = fields.Numeric(f"Key {number} From", digits=FACTOR_DIGITS,
        states={'invisible': match != 'band'}, help="Included.")
    upper = fields.Numeric(f"Key {number} To", digits=FACTOR_DIGITS,
        states={'invisible': match != 'band'}, help="Excluded.")
    return value, lower, upper


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
        help="The name of the risk attribute the rows are keyed by; "
        "up to two more make a grid.")
    match = fields.Selection(MATCHES, "Match", required=True,
        help="Bands include their lower bound and exclude their upper bound.")
    attribute2, match2 = key_fields(2)
    attribute3, match3 = key_fields(3)
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

    @property
    def keys(self):
        "The (attribute, match) of each key of the table"
        keys = [(self.attribute, self.match)]
        for suffix in MORE_KEYS:
            attribute = getattr(self, 'attribute' + suffix)
            if attribute:
                keys.append((attribute, getattr(self, 'match' + suffix)))
        return keys

    def check_attribute(self):
        "Check the table is keyed by risk attributes of its version"
        for name, match in self.keys:
            attribute = next((a for a in self.version.risk_attributes
                    if a.name == name), None)
            if attribute is None:
                raise ProductValidationError(gettext(
                        'insurance_product.msg_rating_table_unknown_attribute',
                        table=self.rec_name, attribute=name))
            if match == 'band' and attribute.type not in NUMERIC_TYPES:
                raise ProductValidationError(gettext(
                        'insurance_product.msg_rating_table_band_not_numeric',
                        table=self.rec_name, attribute=name))

    def get_terms(self):
        return RatingTableTerms(
            code=self.code, name=self.name, attribute=self.attribute,
            match=self.match,
            rows=tuple(r.get_terms() for r in self.rows),
            default_factor=self.default_factor,
            more_keys=tuple(self.keys[1:]))


class RatingTableRow(
        VersionContentMixin, sequence_ordered(), ModelSQL, ModelView):
    __name__ = 'insurance.rating.table.row'
    __string__ = "Insurance Rating Table Row"
    _parent_field = 'table'

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
    match2 = fields.Function(fields.Selection(
            [(None, "")] + MATCHES, "Match 2"), 'on_change_with_match2')
    value2, lower2, upper2 = cell_fields(2)
    match3 = fields.Function(fields.Selection(
            [(None, "")] + MATCHES, "Match 3"), 'on_change_with_match3')
    value3, lower3, upper3 = cell_fields(3)
    factor = fields.Numeric(
        "Factor", digits=FACTOR_DIGITS, required=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('factor_positive', Check(t, t.factor >= 0),
                'insurance_product.msg_rating_row_factor_positive'),
            ] + [
            (f'band_ordered{suffix}', Check(t, band_ordered(t, suffix)),
                'insurance_product.msg_rating_row_band_ordered')
            for suffix in ('',) + MORE_KEYS]

    @classmethod
    def get_matches(cls):
        return cls.table.get_target().fields_get(['match'])['match'][
            'selection']

    @fields.depends('table', '_parent_table.match')
    def on_change_with_match(self, name=None):
        return self.table.match if self.table else None

    @fields.depends('table', '_parent_table.match2')
    def on_change_with_match2(self, name=None):
        return self.table.match2 if self.table else None

    @fields.depends('table', '_parent_table.match3')
    def on_change_with_match3(self, name=None):
        return self.table.match3 if self.table else None

    @property
    def product_version(self):
        return self.table.version

    def get_terms(self):
        suffixes = ('',) + MORE_KEYS
        first, *more = [self.cell(suffix, match) for suffix, (_, match)
            in zip(suffixes, self.table.keys, strict=False)]
        return RatingRowTerms(self.factor, first.value, first.lower,
            first.upper, more=tuple(more))

    def cell(self, suffix, match):
        "The RatingCell of the key of suffix ('' for key 1), matched by match"
        if match == 'exact':
            return RatingCell(value=getattr(self, 'value' + suffix))
        return RatingCell(lower=getattr(self, 'lower' + suffix),
            upper=getattr(self, 'upper' + suffix))


def band_ordered(table, suffix):
    lower = getattr(table, 'lower' + suffix)
    upper = getattr(table, 'upper' + suffix)
    return (lower == Null) | (upper == Null) | (lower < upper)
