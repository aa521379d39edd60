from trytond.model import Index, ModelSQL, ModelView, Unique, Workflow, fields


class Policy(Workflow, ModelSQL, ModelView):
    "Insurance Policy"
    __name__ = 'insurance.policy'
    _rec_name = 'number'

    number = fields.Char("Number", required=True, readonly=True)
    channel = fields.Many2One(
        'insurance.channel', "Channel", required=True, readonly=True,
        ondelete='RESTRICT')
    product = fields.Many2One(
        'insurance.product', "Product", required=True, readonly=True,
        ondelete='RESTRICT')
    state = fields.Selection([
            ('in_force', "In Force"),
            ('cancelled', "Cancelled"),
            ('expired', "Expired"),
            ], "State", readonly=True, required=True, sort=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('number_unique', Unique(t, t.number),
                'insurance_policy.msg_policy_number_unique'),
            ]
        cls._sql_indexes.add(
            Index(t, (t.state, Index.Equality(cardinality='low'))))
        cls._order = [('id', 'DESC')]

    @classmethod
    def default_state(cls):
        return 'in_force'
