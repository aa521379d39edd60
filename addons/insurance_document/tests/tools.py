"""What the document tests share: policies to print, and reading PDFs as a
person's tools do (poppler's pdftotext and pdftoppm, zbar's zbarimg).

The tools are required: scripts/test.sh installs them, and a test without
them fails rather than passing unchecked."""
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from trytond.modules.insurance_document import demo
from trytond.modules.insurance_policy.tests.lifecycle_helpers import (
    security_channel,
    security_policy,
)
from trytond.pool import Pool

BUYER_ID = '110101199003071234'


def tool(name):
    path = shutil.which(name)
    if not path:
        pytest.fail(f"{name} is not installed (scripts/test.sh installs it)")
    return path


def pdf_text(pdf):
    "The text a person copies out of the PDF"
    return subprocess.run([tool('pdftotext'), '-layout', '-', '-'],
        input=pdf, capture_output=True, check=True).stdout.decode()


def pdf_fonts(pdf):
    with tempfile.NamedTemporaryFile(suffix='.pdf') as file:
        file.write(pdf)
        file.flush()
        return subprocess.run([tool('pdffonts'), file.name],
            capture_output=True, check=True, text=True).stdout


def qr_codes(pdf):
    "The texts of the QR codes on the first page of the PDF"
    with tempfile.TemporaryDirectory() as folder:
        page = Path(folder, 'page')
        subprocess.run([tool('pdftoppm'), '-r', '150', '-png', '-f', '1',
                '-l', '1', '-singlefile', '-', page],
            input=pdf, check=True)
        scanned = subprocess.run([tool('zbarimg'), '--quiet', '--raw',
                page.with_suffix('.png')], capture_output=True, text=True)
    return scanned.stdout.splitlines()


def insurer():
    "The demo insurer, so that documents can be produced"
    return demo.load()


def account_policy(plan='BASIC', account='A1'):
    "A policy in force, issued by the engine on a new channel"
    return security_policy(security_channel(), account=account, plan=plan)


def e_policy(policy):
    PolicyDocument = Pool().get('insurance.policy.document', type='report')
    return PolicyDocument.pdf(policy)
