from trytond.model import ModelSQL, ModelView, Unique, Workflow, fields
from trytond.pyson import Eval


class Channel(Workflow, ModelSQL, ModelView):
    "Sales Channel"
    __name__ = 'insurance.channel'

    code = fields.Char("Code", required=True, strip=True)
    name = fields.Char("Name", required=True)
    kind = fields.Selection([
            ('ecommerce', "E-commerce Platform"),
            ('payment', "Payment Platform"),
            ], "Kind", required=True)
    state = fields.Selection([
            ('open', "Open"),
            ('closed', "Closed"),
            ], "State", readonly=True, required=True, sort=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_unique', Unique(t, t.code),
                'insurance_channel.msg_channel_code_unique'),
            ]
        cls._order.insert(0, ('code', 'ASC'))
        cls._transitions |= {
            ('open', 'closed'),
            ('closed', 'open'),
            }
        cls._buttons.update({
                'close': {
                    'invisible': Eval('state') != 'open',
                    'icon': 'tryton-cancel',
                    'depends': ['state'],
                    },
                'reopen': {
                    'invisible': Eval('state') != 'closed',
                    'icon': 'tryton-forward',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'open'

    @classmethod
    @ModelView.button
    @Workflow.transition('closed')
    def close(cls, channels):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('open')
    def reopen(cls, channels):
        pass
