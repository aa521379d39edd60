from trytond.model import ModelSQL, ModelView, Unique, Workflow, fields


class Statement(Workflow, ModelSQL, ModelView):
    "Channel Statement"
    __name__ = 'insurance.statement'

    channel = fields.Many2One(
        'insurance.channel', "Channel", required=True, ondelete='RESTRICT')
    period = fields.Char(
        "Period", required=True, help="The month settled, as YYYY-MM.")
    state = fields.Selection([
            ('draft', "Draft"),
            ('confirmed', "Confirmed"),
            ('settled', "Settled"),
            ], "State", readonly=True, required=True, sort=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('channel_period_unique', Unique(t, t.channel, t.period),
                'insurance_report.msg_statement_channel_period_unique'),
            ]
        cls._order = [('period', 'DESC'), ('channel', 'ASC'), ('id', 'DESC')]

    @classmethod
    def default_state(cls):
        return 'draft'

    def get_rec_name(self, name):
        return f'{self.channel.rec_name} {self.period}'
