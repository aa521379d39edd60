from trytond.pool import PoolMeta


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.extend([
                ('insurance.claim|adjudicate_submitted',
                    "Adjudicate Claims by Rules"),
                ('insurance.callback.event|deliver_due',
                    "Deliver Claim Callbacks"),
                ])
