from trytond.exceptions import UserError
from trytond.model.exceptions import ValidationError


class ProductError(UserError):
    pass


class ProductValidationError(ValidationError):
    pass
