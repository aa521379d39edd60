from trytond.model import Index, ModelSQL, ModelView, Unique, fields


class IdempotencyRecord(ModelSQL, ModelView):
    "API Idempotency Record"
    __name__ = 'insurance.api.idempotency'

    channel = fields.Many2One(
        'insurance.channel', "Channel", required=True, readonly=True,
        ondelete='CASCADE')
    key = fields.Char("Idempotency Key", required=True, readonly=True)
    method = fields.Char("Method", required=True, readonly=True)
    path = fields.Char("Path", required=True, readonly=True)
    request_hash = fields.Char(
        "Request Hash", required=True, readonly=True,
        help="SHA-256 of the method, path and body of the first request.")
    response_status = fields.Integer("Response Status", readonly=True)
    response_body = fields.Text("Response Body", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('channel_key_unique', Unique(t, t.channel, t.key),
                'insurance_api.msg_idempotency_key_unique'),
            ]
        cls._sql_indexes.add(Index(t, (t.create_date, Index.Range())))
        cls._order = [('id', 'DESC')]
