from trytond.exceptions import UserError
from trytond.model.exceptions import ValidationError


class InvoiceRequestError(UserError):
    pass


class InvoiceRequestValidationError(ValidationError):
    pass
