"""XLSX files written by xlsxwriter in constant-memory mode.

Rows go to a temporary file as they are written: a sheet of a million rows
costs no more memory than a sheet of ten, provided each sheet is written
top to bottom."""
import os
import tempfile
from dataclasses import dataclass

import xlsxwriter

from trytond.modules.insurance_policy.timezone import in_china

FORMATS = {
    'text': None,
    'integer': {'num_format': '0'},
    'money': {'num_format': '0.00'},
    'rate': {'num_format': '0.0000'},
    'date': {'num_format': 'yyyy-mm-dd'},
    'timestamp': {'num_format': 'yyyy-mm-dd hh:mm:ss'},
    }
WIDTHS = {
    'text': 22, 'integer': 12, 'money': 14, 'rate': 10, 'date': 12,
    'timestamp': 20,
    }


@dataclass(frozen=True)
class Column:
    header: str
    kind: str = 'text'


class Workbook:
    "A workbook being written; close() returns its bytes"

    def __init__(self):
        handle, self._path = tempfile.mkstemp(suffix='.xlsx')
        os.close(handle)
        self._book = xlsxwriter.Workbook(self._path, {
                'constant_memory': True,
                'tmpdir': tempfile.gettempdir(),
                })
        self._formats = {kind: self._book.add_format(properties)
            for kind, properties in FORMATS.items() if properties}
        self._header = self._book.add_format({'bold': True})

    def sheet(self, name, columns):
        return Sheet(self._book.add_worksheet(name), columns,
            self._formats, self._header)

    def close(self):
        try:
            self._book.close()
            with open(self._path, 'rb') as file:
                return file.read()
        finally:
            os.unlink(self._path)


class Sheet:
    "A table: a frozen header row, then rows, then an autofilter"

    def __init__(self, worksheet, columns, formats, header_format):
        self._worksheet = worksheet
        self._columns = columns
        self._formats = [formats.get(c.kind) for c in columns]
        self._rows = 0
        for index, column in enumerate(columns):
            worksheet.set_column(index, index, WIDTHS[column.kind])
        worksheet.write_row(0, 0, [c.header for c in columns], header_format)
        worksheet.freeze_panes(1, 0)

    def write(self, values):
        self._rows += 1
        for index, (column, value) in enumerate(zip(self._columns, values)):
            self._write_cell(index, column.kind, value)

    def write_all(self, rows):
        for values in rows:
            self.write(values)
        return self

    def close(self):
        self._worksheet.autofilter(
            0, 0, self._rows, len(self._columns) - 1)

    def _write_cell(self, index, kind, value):
        worksheet, row, cell_format = (
            self._worksheet, self._rows, self._formats[index])
        if value is None:
            worksheet.write_blank(row, index, None, cell_format)
        elif kind in {'integer', 'money', 'rate'}:
            worksheet.write_number(row, index, float(value), cell_format)
        elif kind == 'timestamp':
            # Stored as naive UTC, read by staff in China
            worksheet.write_datetime(row, index,
                in_china(value).replace(tzinfo=None), cell_format)
        elif kind == 'date':
            worksheet.write_datetime(row, index, value, cell_format)
        else:
            worksheet.write_string(row, index, str(value))
