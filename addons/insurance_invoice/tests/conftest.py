from trytond.modules.insurance_document.tests.smtp import mail_server  # noqa: F401
