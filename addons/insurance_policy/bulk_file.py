"""The CSV file of bulk issuance, read line by line (docs/bulk-issuance.md).

Every line is decoded on its own, so that one line in another encoding is
reported and the rest of the file issued; a record therefore fits on one
line (no line breaks inside quoted values). Reading resumes at a byte
offset, so that a chunk reads only its own lines.
"""
import csv
import datetime as dt
from dataclasses import dataclass

from trytond.i18n import gettext

from .issuance import Application, Person
from .policy import ID_TYPES

BOM = b'\xef\xbb\xbf'
PERSON_COLUMNS = {
    'policyholder_name': 'name', 'id_type': 'id_type',
    'id_number': 'id_number', 'phone': 'phone', 'email': 'email',
    }
REQUIRED_COLUMNS = ('account_id', 'plan_code', 'policyholder_name',
    'id_type', 'id_number')
# Columns that are neither the plan, the date nor the person are risk
# attributes of the product line, e.g. account_tier
NOT_RISK = {'plan_code', 'effective_date', *PERSON_COLUMNS}
PROBLEM_MESSAGES = {
    'INVALID_ENCODING': 'insurance_policy.msg_bulk_invalid_encoding',
    'INVALID_COLUMNS': 'insurance_policy.msg_bulk_invalid_columns',
    }


class FileError(Exception):
    "The file as a whole cannot be issued (no header, missing columns)"


class RowError(Exception):
    "A row that cannot become an application; code tells the report why"

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True, slots=True)
class Line:
    number: int  # 1 is the header
    raw: bytes
    values: dict  # column: text, empty when the line cannot be read
    problem: str | None = None  # INVALID_ENCODING or INVALID_COLUMNS

    @property
    def account_id(self):
        if 'account_id' in self.values:
            return self.values['account_id'].strip()
        return self.raw.split(b',', 1)[0].decode('utf-8', 'replace').strip()


def parse_line(number, raw, columns):
    try:
        text = raw.decode('utf-8')
    except UnicodeDecodeError:
        return Line(number, raw, {}, 'INVALID_ENCODING')
    fields = next(csv.reader([text]), [])
    if len(fields) != len(columns):
        return Line(number, raw, {}, 'INVALID_COLUMNS')
    return Line(number, raw, dict(zip(columns, fields, strict=True)))


def read_header(data):
    """Return the column names and the offset of the first record"""
    start = len(BOM) if data.startswith(BOM) else 0
    end = data.find(b'\n', start)
    end = len(data) if end < 0 else end
    try:
        text = data[start:end].decode('utf-8').strip('\r')
    except UnicodeDecodeError:
        raise FileError(gettext(
            'insurance_policy.msg_bulk_header_encoding')) from None
    columns = [c.strip().lower() for c in next(csv.reader([text]), [])]
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise FileError(gettext('insurance_policy.msg_bulk_header_missing',
                columns=', '.join(missing)))
    return columns, min(end + 1, len(data))


def count_records(data, offset):
    "The number of non-blank lines from offset"
    return sum(1 for line in data[offset:].splitlines() if line.strip())


def read_lines(data, columns, offset, line_number, limit):
    """Return up to limit non-blank Lines from offset and where the next
    ones start: (lines, offset, line number)"""
    lines = []
    while offset < len(data) and len(lines) < limit:
        end = data.find(b'\n', offset)
        end = len(data) if end < 0 else end
        raw = data[offset:end].rstrip(b'\r')
        line_number += 1
        offset = end + 1
        if raw.strip():
            lines.append(parse_line(line_number, raw, columns))
    return lines, min(offset, len(data)), line_number


def application_of(line, product_code, default_date):
    "The Application of line or raise RowError"
    if line.problem:
        raise RowError(line.problem, gettext(PROBLEM_MESSAGES[line.problem]))
    values = {k: v.strip() for k, v in line.values.items()}
    if not values['account_id']:
        raise RowError('ACCOUNT_ID_MISSING',
            gettext('insurance_policy.msg_bulk_account_missing'))
    person = person_of(values)
    return Application(
        product_code=product_code,
        plan_code=values['plan_code'],
        effective_date=date_of(values.get('effective_date'), default_date),
        policyholder=person, insured=person,
        risk={k: v for k, v in values.items() if k not in NOT_RISK and v})


def person_of(values):
    missing = [c for c in REQUIRED_COLUMNS if not values[c]]
    if missing:
        raise RowError('REQUIRED_VALUE_MISSING',
            gettext('insurance_policy.msg_bulk_value_missing',
                columns=', '.join(missing)))
    if values['id_type'] not in ID_TYPES:
        raise RowError('ID_TYPE_INVALID',
            gettext('insurance_policy.msg_bulk_id_type_invalid',
                id_type=values['id_type'], id_types=', '.join(ID_TYPES)))
    return Person(**{attribute: values.get(column) or None
            for column, attribute in PERSON_COLUMNS.items()})


def date_of(text, default_date):
    if not text:
        return default_date
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise RowError('EFFECTIVE_DATE_INVALID',
            gettext('insurance_policy.msg_bulk_date_invalid', date=text)
            ) from None
