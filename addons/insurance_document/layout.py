"""Document markup: a small XML language that lays out a PDF, drawn by
ReportLab's platypus.

Templates (report/*.xml) produce this markup, so that a document is restyled
by editing its template, not code. The language, by element:

<document page-size="A4" margin="18mm" font="body" size="10" leading="15"
        title="..." author="..." subject="...">         the root
  <font name="body" file="wqy-zenhei.ttc" subfont="0"/>  a TrueType font, its
        file absolute or found under the system's font folders; embedded as
        subsets of the glyphs used
  <style name="title" parent="default" font="body" size="18" leading="24"
        color="#1f3a68" background="#eeeeee" align="center|left|right|justify"
        space-before="2mm" space-after="2mm" indent="0" first-indent="0"/>
  <header style="..."/> <footer style="...">text; {page} is the page number
        </footer>                                         on every page
  <para style="title">inline markup: b, i, u, font, br, sup, sub</para>
  <table widths="30mm,*,25%" style="cell" grid="0.5 #999999" box="1 #000"
        padding="3" valign="top|middle|bottom" header-rows="1"
        header-background="#e8eef7" align="left|center|right">
    <row background="..."><cell style="..." span="2" background="...">
        inline markup, or block elements</cell></row>
  </table>
  <spacer height="4mm"/>
  <rule thickness="0.5" color="#999999" space-before="1mm" space-after="1mm"/>
  <qrcode value="..." size="30mm" level="L|M|Q|H" align="left|center|right"/>
  <keep-together>block elements</keep-together>
  <page-break/>

Lengths take mm, cm, in or pt (a bare number is points); colours are
#rrggbb or names.
"""
import glob
import os
from io import BytesIO
from xml.sax.saxutils import escape

from lxml import etree
from reportlab.graphics.barcode.qr import QrCode
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, A5, letter
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import toLength
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    HRFlowable,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

FONT_FOLDERS = ['/usr/share/fonts', '/usr/local/share/fonts']
PAGE_SIZES = {'A4': A4, 'A5': A5, 'letter': letter}
ALIGNMENTS = {
    'left': TA_LEFT, 'center': TA_CENTER, 'right': TA_RIGHT,
    'justify': TA_JUSTIFY}
DECLARATIONS = {'font', 'style', 'header', 'footer'}
BLOCKS = {'para', 'table', 'spacer', 'rule', 'qrcode', 'keep-together',
    'page-break'}


class LayoutError(ValueError):
    "The markup cannot be laid out; the message says where and why"


def render(markup):
    "The PDF bytes of markup (bytes or str)"
    return Layout(parse(markup)).build()


def parse(markup):
    if isinstance(markup, str):
        markup = markup.encode('utf-8')
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, remove_comments=True)
    try:
        root = etree.fromstring(markup, parser)
    except etree.XMLSyntaxError as error:
        raise LayoutError(f"not well-formed XML: {error}") from error
    if root.tag != 'document':
        raise LayoutError(f"the root element is <{root.tag}>, "
            "not <document>")
    return root


def length(element, name, default=None):
    value = element.get(name)
    if value is None:
        return default
    try:
        return toLength(value.strip())
    except ValueError as error:
        raise LayoutError(
            f"<{element.tag}> {name}=\"{value}\" is not a length") from error


def colour(element, name, default=None):
    value = element.get(name)
    if not value:
        return default
    try:
        return colors.toColor(value)
    except ValueError as error:
        raise LayoutError(
            f"<{element.tag}> {name}=\"{value}\" is not a colour") from error


def choice(element, name, choices, default):
    value = element.get(name, default)
    if value not in choices:
        raise LayoutError(f"<{element.tag}> {name}=\"{value}\" is not one "
            f"of {', '.join(choices)}")
    return choices[value]


def line(element, name):
    "A 'width colour' attribute such as grid=\"0.5 #999999\""
    value = element.get(name)
    if not value:
        return None
    width, _, colour_name = value.strip().partition(' ')
    try:
        return toLength(width), colors.toColor(colour_name or 'black')
    except ValueError as error:
        raise LayoutError(f"<{element.tag}> {name}=\"{value}\" is not "
            "'width colour'") from error


def inline_markup(element):
    "The content of element as the markup of a ReportLab Paragraph"
    return escape(element.text or '') + ''.join(
        etree.tostring(child, encoding='unicode') for child in element)


_registered_fonts = {}


def register_font(element):
    """Register the TrueType font of element once per process

    Reading a CJK font file takes a fifth of a second: it is done once."""
    name, file_name = element.get('name'), element.get('file')
    if not name or not file_name:
        raise LayoutError("<font> needs name and file")
    key = (file_name, element.get('subfont', '0'))
    if _registered_fonts.get(name) == key:
        return
    path = font_path(file_name)
    try:
        font = TTFont(name, path, subfontIndex=int(key[1]))
    except Exception as error:
        raise LayoutError(
            f"<font> {file_name} cannot be read: {error}") from error
    pdfmetrics.registerFont(font)
    # <b> and <i> fall back on the font itself when it has no bold face
    pdfmetrics.registerFontFamily(
        name, normal=name, bold=name, italic=name, boldItalic=name)
    _registered_fonts[name] = key


def font_path(file_name):
    if os.path.isabs(file_name):
        if os.path.exists(file_name):
            return file_name
    else:
        for folder in FONT_FOLDERS:
            found = glob.glob(
                os.path.join(folder, '**', file_name), recursive=True)
            if found:
                return sorted(found)[0]
    raise LayoutError(f"<font> file {file_name} is not installed")


class Layout:
    "The flowables and page decorations of a <document>"

    def __init__(self, root):
        self.root = root
        for element in root.findall('font'):
            register_font(element)
        self.font = root.get('font', 'Helvetica')
        self.check_font(root, self.font)
        self.styles = {'default': ParagraphStyle('default',
                fontName=self.font, fontSize=float(root.get('size', 10)),
                leading=float(root.get('leading', 15)), wordWrap='CJK')}
        for element in root.findall('style'):
            self.styles[element.get('name')] = self.paragraph_style(element)
        self.decorations = [
            (element.tag, element) for element in root
            if element.tag in {'header', 'footer'}]

    def check_font(self, element, name):
        try:
            pdfmetrics.getFont(name)
        except KeyError as error:
            raise LayoutError(f"<{element.tag}> font \"{name}\" is not "
                "declared by a <font>") from error

    def paragraph_style(self, element):
        name = element.get('name')
        if not name:
            raise LayoutError("<style> needs a name")
        parent = self.style(element, element.get('parent', 'default'))
        options = {'parent': parent}
        if element.get('font'):
            self.check_font(element, element.get('font'))
            options['fontName'] = element.get('font')
        for attribute, option in [('size', 'fontSize'), ('leading', 'leading'),
                ('space-before', 'spaceBefore'), ('space-after', 'spaceAfter'),
                ('indent', 'leftIndent'), ('first-indent', 'firstLineIndent')]:
            value = length(element, attribute)
            if value is not None:
                options[option] = value
        if element.get('size') and not element.get('leading'):
            options['leading'] = options['fontSize'] * 1.4
        options['textColor'] = colour(element, 'color', parent.textColor)
        options['backColor'] = colour(element, 'background', parent.backColor)
        if element.get('align'):
            options['alignment'] = choice(
                element, 'align', ALIGNMENTS, 'left')
        return ParagraphStyle(name, **options)

    def style(self, element, name=None):
        name = name or element.get('style') or 'default'
        try:
            return self.styles[name]
        except KeyError as error:
            raise LayoutError(f"<{element.tag}> style \"{name}\" is not "
                "declared by a <style>") from error

    def build(self):
        buffer = BytesIO()
        root = self.root
        margin = length(root, 'margin', toLength('18mm'))
        margins = {f'{side}Margin': length(root, f'margin-{side}', margin)
            for side in ('top', 'bottom', 'left', 'right')}
        document = SimpleDocTemplate(buffer,
            pagesize=choice(root, 'page-size', PAGE_SIZES, 'A4'),
            title=root.get('title', ''), author=root.get('author', ''),
            subject=root.get('subject', ''), creator='insurance-core',
            initialFontName=self.font, **margins)
        story = self.flowables(root)
        document.build(
            story, onFirstPage=self.decorate, onLaterPages=self.decorate)
        return buffer.getvalue()

    def decorate(self, canvas, document):
        "Draw the header and footer of the page"
        for tag, element in self.decorations:
            text = inline_markup(element).replace(
                '{page}', str(canvas.getPageNumber()))
            drawn = Paragraph(text, self.style(element))
            _, height = drawn.wrap(document.width, document.bottomMargin)
            if tag == 'footer':
                y = (document.bottomMargin - height) / 2
            else:
                y = document.pagesize[1] - (document.topMargin + height) / 2
            drawn.drawOn(canvas, document.leftMargin, y)

    def flowables(self, parent):
        result = []
        for element in parent:
            if element.tag in DECLARATIONS:
                continue
            builder = getattr(
                self, 'build_' + element.tag.replace('-', '_'), None)
            if element.tag not in BLOCKS or builder is None:
                raise LayoutError(f"<{element.tag}> is not an element of "
                    f"<{parent.tag}>")
            result.append(builder(element))
        return result

    def build_para(self, element):
        return paragraph(element, self.style(element))

    def build_spacer(self, element):
        return Spacer(1, length(element, 'height', 0))

    def build_page_break(self, element):
        return PageBreak()

    def build_keep_together(self, element):
        return KeepTogether(self.flowables(element))

    def build_rule(self, element):
        return HRFlowable(width='100%',
            thickness=length(element, 'thickness', 0.5),
            color=colour(element, 'color', colors.grey),
            spaceBefore=length(element, 'space-before', 1),
            spaceAfter=length(element, 'space-after', 1))

    def build_qrcode(self, element):
        value = element.get('value')
        if not value:
            raise LayoutError("<qrcode> needs a value")
        size = length(element, 'size', toLength('30mm'))
        level = element.get('level', 'M')
        if level not in {'L', 'M', 'Q', 'H'}:
            raise LayoutError(f"<qrcode> level=\"{level}\" is not one of "
                "L, M, Q, H")
        code = QrCode(value, width=size, height=size, qrLevel=level)
        code.hAlign = element.get('align', 'left').upper()
        return code

    def build_table(self, element):
        rows = element.findall('row')
        if not rows:
            raise LayoutError("<table> has no <row>")
        commands = self.table_commands(element)
        data = []
        for y, row in enumerate(rows):
            background = colour(row, 'background')
            if background:
                commands.append(('BACKGROUND', (0, y), (-1, y), background))
            data.append(self.table_row(element, row, y, commands))
        width = max(len(cells) for cells in data)
        for cells in data:
            cells.extend([''] * (width - len(cells)))
        widths = element.get('widths')
        table = Table(data,
            colWidths=self.column_widths(element, widths, width),
            repeatRows=int(element.get('header-rows', 0)),
            style=TableStyle(commands))
        table.hAlign = element.get('align', 'center').upper()
        return table

    def column_widths(self, element, widths, count):
        if not widths:
            return ['*'] * count
        values = [w.strip() for w in widths.split(',')]
        if len(values) != count:
            raise LayoutError(f"<table> widths gives {len(values)} columns, "
                f"its rows have {count}")
        try:
            return [w if w == '*' or w.endswith('%') else toLength(w)
                for w in values]
        except ValueError as error:
            raise LayoutError(f"<table> widths=\"{widths}\" is not a list "
                "of lengths, percentages or *") from error

    def table_commands(self, element):
        padding = length(element, 'padding', 3)
        commands = [
            # Cells hold paragraphs; this only keeps ReportLab's own
            # default font (Helvetica, not embedded) out of the file
            ('FONTNAME', (0, 0), (-1, -1), self.font),
            ('VALIGN', (0, 0), (-1, -1),
                element.get('valign', 'top').upper()),
            ('LEFTPADDING', (0, 0), (-1, -1), padding),
            ('RIGHTPADDING', (0, 0), (-1, -1), padding),
            ('TOPPADDING', (0, 0), (-1, -1), padding),
            ('BOTTOMPADDING', (0, 0), (-1, -1), padding),
            ]
        for attribute, command in [('grid', 'GRID'), ('box', 'BOX')]:
            if ruling := line(element, attribute):
                commands.append((command, (0, 0), (-1, -1), *ruling))
        header_rows = int(element.get('header-rows', 0))
        if header_rows and (background := colour(
                element, 'header-background')):
            commands.append(('BACKGROUND', (0, 0), (-1, header_rows - 1),
                    background))
        return commands

    def table_row(self, table, row, y, commands):
        cells, x = [], 0
        for cell in row.findall('cell'):
            cells.append(self.cell_content(table, cell))
            span = int(cell.get('span', 1))
            if background := colour(cell, 'background'):
                commands.append(
                    ('BACKGROUND', (x, y), (x + span - 1, y), background))
            if span > 1:
                commands.append(('SPAN', (x, y), (x + span - 1, y)))
                cells.extend([''] * (span - 1))
            x += span
        return cells

    def cell_content(self, table, cell):
        if any(child.tag in BLOCKS for child in cell):
            return self.flowables(cell)
        return paragraph(
            cell, self.style(cell, cell.get('style') or table.get('style')))


def paragraph(element, style):
    try:
        return Paragraph(inline_markup(element), style)
    except ValueError as error:
        raise LayoutError(f"<{element.tag}> {error}") from error
