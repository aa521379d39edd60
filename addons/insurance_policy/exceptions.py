from trytond.exceptions import UserError


class IssuanceError(UserError):
    """A refusal to quote or issue; code tells partners and bulk reports why

    details lists the failing rules or the alternatives offered."""

    def __init__(self, code, message, details=()):
        super().__init__(message)
        self.code = code
        self.details = tuple(details)
