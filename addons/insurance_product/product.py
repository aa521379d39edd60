from sql import Null
from sql.aggregate import Count

from trytond.model import DeactivableMixin, ModelSQL, ModelView, Unique, fields
from trytond.pool import Pool
from trytond.transaction import Transaction

# The codes of the lines of business products and claims had as a selection
# before lines were data (line.xml)
LEGACY_LINES = {
    'return_shipping': 'RETURN_SHIPPING',
    'account_security': 'ACCOUNT_SECURITY',
    }


class Product(DeactivableMixin, ModelSQL, ModelView):
    __name__ = 'insurance.product'
    __string__ = "Insurance Product"

    code = fields.Char(
        "Code", required=True, strip=True,
        help="The code partners send as product_code, e.g. RETURN_SHIPPING.")
    name = fields.Char("Name", required=True, translate=True)
    line = fields.Many2One(
        'insurance.line', "Line of Business", required=True,
        ondelete='RESTRICT')
    description = fields.Text("Description", translate=True)
    versions = fields.One2Many(
        'insurance.product.version', 'product', "Versions")
    current_version = fields.Function(fields.Many2One(
            'insurance.product.version', "Published Version",
            help="The version new business is written on."),
        'get_current_version', searcher='search_current_version')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_unique', Unique(t, t.code),
                'insurance_product.msg_product_code_unique'),
            ]
        cls._order.insert(0, ('code', 'ASC'))

    @classmethod
    def __register__(cls, module):
        table_h = cls.__table_handler__(module)
        if (table_h.column_exist('line')
                and table_h.column_is_type('line', 'VARCHAR')):
            table_h.column_rename('line', 'line_code')
        super().__register__(module)
        cls.migrate_line_codes(module)

    @classmethod
    def migrate_line_codes(cls, module='insurance_product'):
        """Fill the line of products from their former selection once the
        lines exist: line.xml loads after this register, so insurance_policy
        calls it again"""
        table_h = cls.__table_handler__(module)
        if (table_h.column_exist('line_code')
                and migrate_line_codes(cls.__table__())):
            table_h.drop_column('line_code')
            table_h.not_null_action('line', 'add')

    @classmethod
    def get_current_version(cls, products, name):
        Version = Pool().get('insurance.product.version')
        versions = Version.search([
                ('product', 'in', [p.id for p in products]),
                ('state', '=', 'published'),
                ])
        current = dict.fromkeys(map(int, products))
        current.update({v.product.id: v.id for v in versions})
        return current

    @classmethod
    def search_current_version(cls, name, clause):
        nested = clause[0][len(name) + 1:]
        return [('versions', 'where', [
                    ('state', '=', 'published'),
                    (nested or 'id', *clause[1:]),
                    ])]

    @classmethod
    def get_published_plan(cls, product_code, plan_code):
        "Return the plan product_code sells now as plan_code or None"
        Plan = Pool().get('insurance.plan')
        plans = Plan.search([
                ('version.product.code', '=', product_code),
                ('version.state', '=', 'published'),
                ('code', '=', plan_code),
                ], limit=1)
        return plans[0] if plans else None



def migrate_line_codes(table):
    """Point the line of table's rows at the line records of the codes the
    rows had as a selection (in line_code), once line.xml created them;
    return whether every row has its line"""
    Line = Pool().get('insurance.line')
    line = Line.__table__()
    cursor = Transaction().connection.cursor()
    cursor.execute(*table.select(table.line_code, distinct=True,
            where=table.line == Null))
    for old_code, in cursor.fetchall():
        code = LEGACY_LINES.get(old_code, old_code.upper())
        cursor.execute(*table.update([table.line],
                line.select(line.id, where=line.code == code),
                where=(table.line_code == old_code) & (table.line == Null)))
    cursor.execute(*table.select(Count(table.id),
            where=table.line == Null))
    missing, = cursor.fetchone()
    return not missing
