"""XLSX files written by xlsxwriter in constant-memory mode.

Rows go to a temporary file as they are written: a sheet of a million rows
costs no more memory than a sheet of ten, provided each sheet is written
top to bottom."""
import os
import tempfile
from dataclasses import dataclass

import xlsxwriter

from trytond.modules.insurance_base.timezone import CHINA

FORMATS = {
    'text': None,
    'integer': {'num_format': '0'},
    'money': {'num_format': '0.00'},
    'rate': {'num_format': '0.0000'},
    'date': {'num_format': 'yyyy-mm-dd'},
    'timestamp': {'num_format': 'yyyy-mm-dd hh:mm:ss'},
    }
CHINA_OFFSET = CHINA.utcoffset(None)
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
        self._width = len(columns)
        self._rows = 0
        # One writer per column, chosen once: a sheet has a million rows
        self._writers = [cell_writer(worksheet, c.kind, formats.get(c.kind))
            for c in columns]
        for index, column in enumerate(columns):
            worksheet.set_column(index, index, WIDTHS[column.kind])
        worksheet.write_row(0, 0, [c.header for c in columns], header_format)
        worksheet.freeze_panes(1, 0)

    def write(self, values):
        self._rows += 1
        row = self._rows
        cells = zip(self._writers, values, strict=False)
        for index, (write, value) in enumerate(cells):
            if value is not None:
                write(row, index, value)

    def write_all(self, rows):
        for values in rows:
            self.write(values)
        return self

    def close(self):
        self._worksheet.autofilter(0, 0, self._rows, self._width - 1)


def cell_writer(worksheet, kind, cell_format):
    "The function writing a value of kind into a cell of worksheet"
    if kind in {'integer', 'money', 'rate'}:
        return lambda row, column, value: worksheet.write_number(
            row, column, float(value), cell_format)
    if kind == 'timestamp':
        # Stored as naive UTC, read by staff in China
        return lambda row, column, value: worksheet.write_datetime(
            row, column, value + CHINA_OFFSET, cell_format)
    if kind == 'date':
        return lambda row, column, value: worksheet.write_datetime(
            row, column, value, cell_format)
    return lambda row, column, value: worksheet.write_string(
        row, column, str(value))
