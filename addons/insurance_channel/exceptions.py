from trytond.exceptions import UserError
from trytond.model.exceptions import ValidationError


class ChannelError(UserError):
    pass


class ChannelValidationError(ValidationError):
    pass


class ApiKeyError(UserError):
    pass


class ContractError(UserError):
    pass
