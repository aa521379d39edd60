from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError, ValidationError


class ProductError(UserError):
    pass


class ProductValidationError(ValidationError):
    pass


class VersionReadOnlyError(AccessError):
    pass


class VersionStateError(UserError):
    pass


class RuleExpressionError(ValidationError):
    pass


class RatingError(UserError):
    "The plan cannot price the risk; code tells partners why"

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code
