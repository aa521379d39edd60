"""XLSX files streamed to a temporary file, a row at a time.

A sheet of a million rows costs no more memory than a sheet of ten,
provided each sheet is written top to bottom and one sheet after the other.

Written here rather than by xlsxwriter: xlsxwriter spends about 7 µs on
each cell (argument checks, a cell object, its XML), so that the detail
sheets of a large channel's month (950,000 rows, 7 million cells) took
three quarters of the statement's time. Here a row is one string built from
the column kinds chosen once per sheet (about 1 µs a cell). The package is
the minimal SpreadsheetML one: workbook, styles, sheets with inline strings,
a frozen header row and an autofilter.
"""
import datetime as dt
import os
import tempfile
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from xml.sax.saxutils import quoteattr

from trytond.modules.insurance_base.timezone import CHINA

CHINA_OFFSET = CHINA.utcoffset(None)
EXCEL_EPOCH = dt.datetime(1899, 12, 30)
EXCEL_EPOCH_DATE = EXCEL_EPOCH.date()
SECONDS_PER_DAY = 86400
BUFFERED_ROWS = 1000
WIDTHS = {
    'text': 22, 'integer': 12, 'money': 14, 'rate': 10, 'date': 12,
    'timestamp': 20,
    }
# Cell styles (cellXfs) in styles.xml: 0 default, 1 bold header, then a
# number format per kind
STYLES = {'text': 0, 'header': 1, 'integer': 2, 'money': 3, 'rate': 4,
    'date': 5, 'timestamp': 6}
# Characters XML 1.0 forbids or that need escaping; the forbidden control
# characters are written as Excel writes them (_xHHHH_)
TEXT_ESCAPES = {
    **{code: f'_x{code:04X}_' for code in range(32)
        if chr(code) not in '\t\n\r'},
    ord('&'): '&amp;', ord('<'): '&lt;', ord('>'): '&gt;',
    }
MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main'
RELATIONSHIPS = (
    'http://schemas.openxmlformats.org/officeDocument/2006/relationships')
PACKAGE_RELATIONSHIPS = (
    'http://schemas.openxmlformats.org/package/2006/relationships')
SPREADSHEETML = 'application/vnd.openxmlformats-officedocument.spreadsheetml'
STYLES_XML = f'''<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="{MAIN}">\
<numFmts count="3"><numFmt numFmtId="164" formatCode="0.0000"/>\
<numFmt numFmtId="165" formatCode="yyyy-mm-dd"/>\
<numFmt numFmtId="166" formatCode="yyyy-mm-dd hh:mm:ss"/></numFmts>\
<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/>\
</font><font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font>\
</fonts><fills count="2"><fill><patternFill patternType="none"/></fill>\
<fill><patternFill patternType="gray125"/></fill></fills>\
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/>\
</border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" \
fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="7">\
<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>\
<xf numFmtId="1" fontId="0" fillId="0" borderId="0" xfId="0" \
applyNumberFormat="1"/>\
<xf numFmtId="2" fontId="0" fillId="0" borderId="0" xfId="0" \
applyNumberFormat="1"/>\
<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" \
applyNumberFormat="1"/>\
<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" \
applyNumberFormat="1"/>\
<xf numFmtId="166" fontId="0" fillId="0" borderId="0" xfId="0" \
applyNumberFormat="1"/></cellXfs><cellStyles count="1">\
<cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'''


@dataclass(frozen=True)
class Column:
    header: str
    kind: str = 'text'


def column_letter(index):
    "A for 0, Z for 25, AA for 26"
    letters = ''
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def escape(text):
    return str(text).translate(TEXT_ESCAPES)


def text_cell(reference, value):
    text = escape(value)
    space = ' xml:space="preserve"' if text != text.strip() else ''
    return (f'<c r="{reference}" t="inlineStr"><is><t{space}>{text}</t>'
        '</is></c>')


def number_text(value):
    "A number as SpreadsheetML writes it (xsd:double)"
    if isinstance(value, Decimal):
        return format(value, 'f')
    if isinstance(value, float):
        return f'{value:.16G}'
    return str(int(value))


def excel_serial(value):
    "The Excel serial number of a date or a naive datetime"
    if isinstance(value, dt.datetime):
        days = (value - EXCEL_EPOCH).total_seconds() / SECONDS_PER_DAY
        return f'{days:.16G}'
    return str((value - EXCEL_EPOCH_DATE).days)


def cell_writer(kind):
    "The function writing a value of kind as the cell at a reference"
    style = STYLES[kind]
    if kind == 'text':
        return text_cell
    if kind == 'timestamp':
        # Stored as naive UTC, read by staff in China to the second, as
        # the back office shows it (Excel would round the fraction up)
        def text(value):
            return excel_serial(
                (value + CHINA_OFFSET).replace(microsecond=0))
    elif kind == 'date':
        text = excel_serial
    else:
        text = number_text
    return lambda reference, value: (
        f'<c r="{reference}" s="{style}"><v>{text(value)}</v></c>')


class Workbook:
    "A workbook being written; close() returns its bytes"

    def __init__(self):
        handle, self._path = tempfile.mkstemp(suffix='.xlsx')
        os.close(handle)
        self._zip = zipfile.ZipFile(
            self._path, 'w', compression=zipfile.ZIP_DEFLATED,
            compresslevel=6)
        self._sheets = []
        self._open = None

    def sheet(self, name, columns):
        "A new sheet after the others; the one before is closed"
        if self._open:
            self._open.close()
        number = len(self._sheets) + 1
        stream = self._zip.open(
            f'xl/worksheets/sheet{number}.xml', 'w', force_zip64=True)
        self._open = Sheet(stream, columns, selected=number == 1)
        self._sheets.append((name, self._open))
        return self._open

    def close(self):
        try:
            if self._open:
                self._open.close()
            self._write_package()
            self._zip.close()
            with open(self._path, 'rb') as file:
                return file.read()
        finally:
            os.unlink(self._path)

    def _write_package(self):
        count = len(self._sheets)
        sheet_types = ''.join(
            f'<Override PartName="/xl/worksheets/sheet{n}.xml" '
            f'ContentType="{SPREADSHEETML}.worksheet+xml"/>'
            for n in range(1, count + 1))
        self._write('[Content_Types].xml', f'''\
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
<Default Extension="rels" \
ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
<Default Extension="xml" ContentType="application/xml"/>\
<Override PartName="/xl/workbook.xml" \
ContentType="{SPREADSHEETML}.sheet.main+xml"/>\
<Override PartName="/xl/styles.xml" \
ContentType="{SPREADSHEETML}.styles+xml"/>\
{sheet_types}</Types>''')
        self._write('_rels/.rels', f'''<Relationships \
xmlns="{PACKAGE_RELATIONSHIPS}"><Relationship Id="rId1" \
Type="{RELATIONSHIPS}/officeDocument" Target="xl/workbook.xml"/>\
</Relationships>''')
        sheet_relationships = ''.join(
            f'<Relationship Id="rId{n}" Type="{RELATIONSHIPS}/worksheet" '
            f'Target="worksheets/sheet{n}.xml"/>' for n in range(1, count + 1))
        self._write('xl/_rels/workbook.xml.rels', f'''<Relationships \
xmlns="{PACKAGE_RELATIONSHIPS}">{sheet_relationships}\
<Relationship Id="rId{count + 1}" Type="{RELATIONSHIPS}/styles" \
Target="styles.xml"/></Relationships>''')
        sheets = ''.join(
            f'<sheet name={quoteattr(name)} sheetId="{n}" r:id="rId{n}"/>'
            for n, (name, _) in enumerate(self._sheets, 1))
        # Excel names the range of each autofilter
        filters = ''.join(
            f'<definedName name="_xlnm._FilterDatabase" localSheetId="{n}" '
            f'hidden="1">{escape(quoted_sheet_name(name))}!'
            f'{sheet.filter_range(absolute=True)}</definedName>'
            for n, (name, sheet) in enumerate(self._sheets))
        self._write('xl/workbook.xml', f'''\
<workbook xmlns="{MAIN}" xmlns:r="{RELATIONSHIPS}"><bookViews>\
<workbookView/></bookViews><sheets>{sheets}</sheets>\
<definedNames>{filters}</definedNames></workbook>''')
        self._write('xl/styles.xml', STYLES_XML)

    def _write(self, name, xml):
        if not xml.startswith('<?xml'):
            xml = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                + xml)
        self._zip.writestr(name, xml.encode('utf-8'))


def quoted_sheet_name(name):
    return "'" + name.replace("'", "''") + "'"


class Sheet:
    "A table: a frozen header row, then rows, then an autofilter"

    def __init__(self, stream, columns, selected=False):
        self._stream = stream
        self._letters = [column_letter(i) for i in range(len(columns))]
        self._writers = [cell_writer(c.kind) for c in columns]
        self._rows = 1
        self._closed = False
        self._buffer = []
        widths = ''.join(
            f'<col min="{i}" max="{i}" width="{WIDTHS[c.kind]}" '
            'customWidth="1"/>' for i, c in enumerate(columns, 1))
        header = ''.join(
            f'<c r="{letter}1" t="inlineStr" s="{STYLES["header"]}"><is><t>'
            f'{escape(c.header)}</t></is></c>'
            for letter, c in zip(self._letters, columns, strict=True))
        self._write(f'''\
<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="{MAIN}" xmlns:r="{RELATIONSHIPS}"><sheetViews>\
<sheetView{' tabSelected="1"' if selected else ''} workbookViewId="0">\
<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>\
<selection pane="bottomLeft"/></sheetView></sheetViews>\
<sheetFormatPr defaultRowHeight="15"/><cols>{widths}</cols><sheetData>\
<row r="1">{header}</row>''')

    def write(self, values):
        self._rows += 1
        row = self._rows
        self._buffer.append(f'<row r="{row}">' + ''.join(
                write(f'{letter}{row}', value)
                for write, letter, value in zip(
                    self._writers, self._letters, values, strict=False)
                if value is not None) + '</row>')
        if len(self._buffer) >= BUFFERED_ROWS:
            self._flush()

    def write_all(self, rows):
        for values in rows:
            self.write(values)
        return self

    def filter_range(self, absolute=False):
        dollar = '$' if absolute else ''
        return (f'{dollar}A{dollar}1:{dollar}{self._letters[-1]}'
            f'{dollar}{self._rows}')

    def close(self):
        if not self._closed:
            self._closed = True
            self._flush()
            self._write('</sheetData>'
                f'<autoFilter ref="{self.filter_range()}"/>'
                '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" '
                'header="0.3" footer="0.3"/></worksheet>')
            self._stream.close()

    def _flush(self):
        self._write(''.join(self._buffer))
        self._buffer.clear()

    def _write(self, text):
        self._stream.write(text.encode('utf-8'))
