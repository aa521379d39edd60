from trytond.model import ModelSQL, ModelView, Unique, fields, sequence_ordered
from trytond.pyson import Eval

from .terms import PARSERS, RiskAttributeTerms
from .version import VersionContentMixin

TYPES = [
    ('char', "Text"),
    ('decimal', "Decimal"),
    ('integer', "Integer"),
    ('date', "Date"),
    ('selection', "Selection"),
    ]
assert {t for t, _ in TYPES} == set(PARSERS)


class RiskAttribute(
        VersionContentMixin, sequence_ordered(), ModelSQL, ModelView):
    __name__ = 'insurance.product.risk_attribute'
    __string__ = "Insurance Risk Attribute"

    version = fields.Many2One(
        'insurance.product.version', "Version", required=True,
        ondelete='CASCADE')
    name = fields.Char(
        "Name", required=True, strip=True,
        help="The key partners send in risk, e.g. order_amount.")
    string = fields.Char("Label", translate=True)
    type = fields.Selection(TYPES, "Type", required=True)
    required = fields.Boolean("Required")
    selection = fields.Text(
        "Selection Values",
        states={
            'invisible': Eval('type') != 'selection',
            'required': Eval('type') == 'selection',
            },
        help="One value per line.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('version_name_unique', Unique(t, t.version, t.name),
                'insurance_product.msg_risk_attribute_name_unique'),
            ]

    @staticmethod
    def default_type():
        return 'char'

    @property
    def selection_values(self):
        return tuple(v.strip() for v in (self.selection or '').splitlines()
            if v.strip())

    def get_terms(self):
        return RiskAttributeTerms(
            name=self.name, type=self.type, required=bool(self.required),
            selection=self.selection_values)
