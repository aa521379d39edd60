from trytond.exceptions import UserError
from trytond.model.exceptions import ValidationError


class ClaimError(UserError):
    """A refusal to file, update or handle a claim

    code is what partners see (NOT_COVERED, CLAIM_FINAL...)."""

    def __init__(self, code, message, details=()):
        super().__init__(message)
        self.code = code
        self.details = list(details)


class ClaimValidationError(ValidationError):
    pass
