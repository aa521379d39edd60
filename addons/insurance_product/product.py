from trytond.model import DeactivableMixin, ModelSQL, ModelView, Unique, fields


class Product(DeactivableMixin, ModelSQL, ModelView):
    "Insurance Product"
    __name__ = 'insurance.product'

    code = fields.Char(
        "Code", required=True, strip=True,
        help="The code partners send as product_code, e.g. RETURN_SHIPPING.")
    name = fields.Char("Name", required=True, translate=True)
    line = fields.Selection([
            ('return_shipping', "Return Shipping"),
            ('account_security', "Account Security"),
            ], "Line of Business", required=True)
    description = fields.Text("Description", translate=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_unique', Unique(t, t.code),
                'insurance_product.msg_product_code_unique'),
            ]
        cls._order.insert(0, ('code', 'ASC'))
