from trytond.model import DeactivableMixin, ModelSQL, ModelView, Unique, fields
from trytond.pool import Pool


class Product(DeactivableMixin, ModelSQL, ModelView):
    __name__ = 'insurance.product'
    __string__ = "Insurance Product"

    code = fields.Char(
        "Code", required=True, strip=True,
        help="The code partners send as product_code, e.g. RETURN_SHIPPING.")
    name = fields.Char("Name", required=True, translate=True)
    # Other lines of business extend this list in their __setup__.
    line = fields.Selection([
            ('return_shipping', "Return Shipping"),
            ('account_security', "Account Security"),
            ], "Line of Business", required=True)
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
