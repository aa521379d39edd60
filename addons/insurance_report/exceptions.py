from trytond.exceptions import UserError
from trytond.model.exceptions import ValidationError


class StatementError(UserError):
    pass


class StatementValidationError(ValidationError):
    pass
