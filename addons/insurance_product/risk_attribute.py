from trytond.model import ModelSQL, ModelView, Unique, fields, sequence_ordered
from trytond.pyson import Eval
from trytond.rpc import RPC

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
# The type of the client's dictionary widget showing each type
DICT_TYPES = {
    'char': 'char', 'decimal': 'numeric', 'integer': 'integer',
    'date': 'date', 'selection': 'selection',
    }


class TypedAttributeMixin(sequence_ordered()):
    """A named, typed value partners send: a risk attribute, a claim detail

    It is also the schema of the dictionaries staff enter such values in
    (get_keys and search_get_keys, as trytond's DictSchemaMixin)."""
    __slots__ = ()
    name = fields.Char(
        "Name", required=True, strip=True,
        help="The key partners send, e.g. order_amount.")
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
        cls.__rpc__.update({
                'get_keys': RPC(instantiate=0),
                'search_get_keys': RPC(),
                })

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

    @classmethod
    def get_keys(cls, records):
        return [record._key() for record in records]

    @classmethod
    def search_get_keys(cls, domain, limit=None):
        return cls.get_keys(cls.search(domain, limit=limit))

    def _key(self):
        key = {
            'id': self.id, 'name': self.name,
            'string': self.string or self.name, 'help': None,
            'type': DICT_TYPES[self.type], 'domain': None,
            'sequence': self.sequence or 0,
            }
        if self.type == 'selection':
            key.update({
                    'selection': [(v, v) for v in self.selection_values],
                    'help_selection': {}, 'sort': False,
                    })
        elif self.type == 'decimal':
            key['digits'] = (16, 4)
        return key


class RiskAttribute(
        VersionContentMixin, TypedAttributeMixin, ModelSQL, ModelView):
    __name__ = 'insurance.product.risk_attribute'
    __string__ = "Insurance Risk Attribute"

    version = fields.Many2One(
        'insurance.product.version', "Version", required=True,
        ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('version_name_unique', Unique(t, t.version, t.name),
                'insurance_product.msg_risk_attribute_name_unique'),
            ]
