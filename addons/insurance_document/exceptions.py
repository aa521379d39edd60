from trytond.exceptions import UserError


class DocumentError(UserError):
    pass


class EmailAddressError(UserError):
    pass
