"""Who issues the documents: the insurer's name and contacts as printed,
and the secret the verification codes are derived from."""
import secrets

from sql.functions import CurrentTimestamp

from trytond.model import ModelSingleton, ModelSQL, ModelView, fields
from trytond.transaction import Transaction, without_check_access


class Configuration(ModelSingleton, ModelSQL, ModelView):
    "E-Policy Configuration"
    __name__ = 'insurance.document.configuration'
    __string__ = "E-Policy Configuration"

    insurer_name = fields.Char("Insurer", required=True,
        help="The insurer's registered name, printed on every document.")
    insurer_address = fields.Char("Address")
    service_phone = fields.Char("Customer Service Phone")
    # Never shown nor read by staff (field access in document.xml): who
    # reads it can forge verification codes.
    verification_secret = fields.Char("Verification Secret", readonly=True)

    @classmethod
    def __register__(cls, module):
        super().__register__(module)
        cls._ensure_secret()

    @classmethod
    def _ensure_secret(cls):
        """Store a random secret once, when the module is activated

        Created here rather than on first use, so that two workers never
        draw two secrets."""
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.select(table.id, table.verification_secret))
        rows = cursor.fetchall()
        if not rows:
            cursor.execute(*table.insert(
                    [table.insurer_name, table.verification_secret,
                        table.create_uid, table.create_date],
                    [['', secrets.token_hex(32), 0, CurrentTimestamp()]]))
        elif not rows[0][1]:
            cursor.execute(*table.update(
                    [table.verification_secret], [secrets.token_hex(32)],
                    where=table.id == rows[0][0]))

    @classmethod
    def secret(cls):
        with without_check_access():
            return cls.get_singleton().verification_secret
