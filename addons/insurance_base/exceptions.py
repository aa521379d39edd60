from trytond.model.exceptions import AccessError


class WorkflowGuardError(AccessError):
    "A call over RPC tried to set what only the workflow sets"
