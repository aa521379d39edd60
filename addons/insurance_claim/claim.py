from trytond.model import ModelSQL, ModelView, Unique, Workflow, fields


class Claim(Workflow, ModelSQL, ModelView):
    "Insurance Claim"
    __name__ = 'insurance.claim'
    _rec_name = 'number'

    number = fields.Char("Number", required=True, readonly=True)
    policy = fields.Many2One(
        'insurance.policy', "Policy", required=True, ondelete='RESTRICT')
    state = fields.Selection([
            ('submitted', "Submitted"),
            ('under_review', "Under Review"),
            ('approved', "Approved"),
            ('rejected', "Rejected"),
            ('paid', "Paid"),
            ('closed', "Closed"),
            ], "State", readonly=True, required=True, sort=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('number_unique', Unique(t, t.number),
                'insurance_claim.msg_claim_number_unique'),
            ]
        cls._order = [('id', 'DESC')]

    @classmethod
    def default_state(cls):
        return 'submitted'
