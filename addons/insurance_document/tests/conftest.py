from .smtp import mail_server  # noqa: F401
