"""Formatted Excel sheets written row by row (xlsxwriter, constant memory).

A sheet is a header block (title and "label: value" rows), a bold, frozen
header row with an autofilter, the data rows as they come from an iterator
(never all in memory), and a bold totals row of SUBTOTAL formulas (so they
follow the autofilter) with their values cached for readers that do not
calculate.
"""

import os
import tempfile
from dataclasses import dataclass

import xlsxwriter

MONEY = "money"
INTEGER = "integer"
DATE = "date"
PERCENT = "percent"
DECIMAL = "decimal"
TEXT = "text"
# Rows of one Excel sheet; longer data continues on a new sheet.
EXCEL_MAX_ROWS = 1_048_576


@dataclass
class Column:
    title: str
    kind: str = TEXT
    width: int = 14
    currency: str = ""  # symbol shown in the money format of this column
    currency_before: bool = False
    total: bool = False
    # The name of a boolean field: the cell stays empty when it is false
    # (e.g. a DSO without sales), instead of showing 0.
    known_if: str = ""


def excel_date_format(strftime_format):
    """Odoo's language date format (%d.%m.%Y) as an Excel number format."""
    result = strftime_format or "%Y-%m-%d"
    for token, excel in (
        ("%d", "dd"),
        ("%m", "mm"),
        ("%Y", "yyyy"),
        ("%y", "yy"),
        ("%b", "mmm"),
        ("%B", "mmmm"),
        ("%a", "ddd"),
        ("%A", "dddd"),
    ):
        result = result.replace(token, excel)
    return result


def column_letter(index):
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


class Workbook:
    """One .xlsx file; ``add_sheet`` per view, ``close`` → bytes.

    Written in xlsxwriter's constant-memory mode: each row goes to a
    temporary file as soon as it is written, so memory does not grow with the
    number of rows (``in_memory`` would switch that mode off).
    """

    def __init__(
        self,
        date_format="%Y-%m-%d",
        total_label="Total",
        continued_label="Continued from sheet %(sheet)s (a sheet holds %(rows)s rows at most)",
        max_rows=EXCEL_MAX_ROWS,
    ):
        self.total_label = total_label
        self.continued_label = continued_label
        self.max_rows = max_rows
        handle, self._path = tempfile.mkstemp(suffix=".xlsx")
        os.close(handle)
        self.book = xlsxwriter.Workbook(self._path, {"constant_memory": True})
        self.date_format = excel_date_format(date_format)
        self._formats = {}

    def _format(self, kind, currency="", before=False, bold=False):
        key = (kind, currency, before, bold)
        if key not in self._formats:
            props = {"bold": bold}
            if kind == MONEY:
                number = "#,##0.00"
                if currency:
                    symbol = currency.replace('"', "")
                    number = (
                        f'"{symbol}" {number}' if before else f'{number} "{symbol}"'
                    )
                props["num_format"] = number
            elif kind == DECIMAL:
                props["num_format"] = "#,##0.00"
            elif kind == INTEGER:
                props["num_format"] = "0"
            elif kind == PERCENT:
                props["num_format"] = "0.00%"
            elif kind == DATE:
                props["num_format"] = self.date_format
            self._formats[key] = self.book.add_format(props)
        return self._formats[key]

    def add_sheet(self, name, title, header, columns, rows):
        """Write one sheet; ``rows`` is an iterable of value tuples. Past the
        sheet's row limit the rows continue on new sheets, each with its
        header, a note and its own totals.

        Returns the number of data rows written.
        """
        rows = _Peekable(rows)
        written, part, sheet_name = 0, 1, _sheet_name(name)
        sheet_header = header
        while True:
            if part > 1:
                note = self.continued_label % {
                    "sheet": sheet_name,
                    "rows": f"{self.max_rows:,}",
                }
                sheet_name = _sheet_name(f"{name} ({part})")
                sheet_header = [*header, (note, "")]
            count, more = self._write_sheet(
                sheet_name, title, sheet_header, columns, rows
            )
            written += count
            if not more:
                return written
            part += 1

    def _write_sheet(self, sheet_name, title, header, columns, rows):
        """(rows written, whether rows are left) of one sheet."""
        sheet = self.book.add_worksheet(sheet_name)
        bold = self.book.add_format({"bold": True})
        sheet.write(0, 0, title, self.book.add_format({"bold": True, "font_size": 14}))
        row = 1
        for label, value in header:
            sheet.write(row, 0, label, bold)
            sheet.write(row, 1, value)
            row += 1
        header_row = row + 1
        head = self.book.add_format({"bold": True, "bottom": 1, "text_wrap": True})
        for col, column in enumerate(columns):
            sheet.set_column(col, col, column.width)
            sheet.write(header_row, col, column.title, head)
        formats = [self._format(c.kind, c.currency, c.currency_before) for c in columns]
        totals = [0] * len(columns)
        # The last row of the sheet is kept for the totals.
        last_data_row = self.max_rows - 2
        row = header_row
        more = False
        for values in rows:
            row += 1
            for col, value in enumerate(values):
                column = columns[col]
                if value is None or value is False:
                    sheet.write_blank(row, col, None, formats[col])
                elif column.kind == DATE:
                    sheet.write_datetime(row, col, value, formats[col])
                elif column.kind in (MONEY, INTEGER, PERCENT, DECIMAL):
                    sheet.write_number(row, col, value, formats[col])
                    if column.total:
                        totals[col] += value
                else:
                    sheet.write_string(row, col, str(value), formats[col])
            if row >= last_data_row:
                more = rows.has_more()
                break
        last = row
        sheet.freeze_panes(header_row + 1, 0)
        sheet.autofilter(header_row, 0, max(last, header_row), len(columns) - 1)
        if any(c.total for c in columns):
            total_row = last + 1
            sheet.write(total_row, 0, self.total_label, bold)
            for col, column in enumerate(columns):
                if not column.total:
                    continue
                letter = column_letter(col)
                sheet.write_formula(
                    total_row,
                    col,
                    f"=SUBTOTAL(9,{letter}{header_row + 2}:{letter}{max(last, header_row + 1) + 1})",
                    self._format(
                        column.kind, column.currency, column.currency_before, True
                    ),
                    round(totals[col], 2),
                )
        return last - header_row, more

    def close(self):
        try:
            self.book.close()
            with open(self._path, "rb") as file:
                return file.read()
        finally:
            os.unlink(self._path)


class _Peekable:
    """An iterator that can tell whether a value is left (kept for later)."""

    _NOTHING = object()

    def __init__(self, iterable):
        self._iterator = iter(iterable)
        self._next = self._NOTHING

    def __iter__(self):
        return self

    def __next__(self):
        if self._next is not self._NOTHING:
            value, self._next = self._next, self._NOTHING
            return value
        return next(self._iterator)

    def has_more(self):
        if self._next is self._NOTHING:
            self._next = next(self._iterator, self._NOTHING)
        return self._next is not self._NOTHING


def _sheet_name(name):
    for char in "[]:*?/\\":
        name = name.replace(char, " ")
    return name[:31]
