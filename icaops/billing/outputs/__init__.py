"""Invoice outputs of a Bill: HTML and PDF from one template, CSV of every line, ASC X12 811 (VI.10.1.2).

    parties = Parties.of(agreement)
    notices = Notices.from_terms(agreement.terms_at(bill.cycle.bill_date.value))   # III.9.4, III.34
    summary = AccountSummary.of(bill, previous_balance=..., payments=...)          # from the account's history
    write_invoice_html(bill, "bill.html", parties, summary, notices)
    write_invoice_pdf(bill, "bill.pdf", parties, summary, notices)   # the same page, printed by WeasyPrint
    write_lines_csv(bill, "bill.csv")                                # one row per line item, exact decimals
    write_811(bill, "bill.811", parties, default_envelope(bill, parties, control=42, usage="T"))

The application layer (`icaops.app.billing.write_outputs`) computes the account summary
from the log and takes the 811's control number from the store's counter. All outputs read
one `InvoiceView` (view.py) and cite each line's clause. See docs/invoice.md, docs/x12-811.md.
"""

from .csv_lines import CSV_COLUMNS, csv_batches, lines_csv, write_csv, write_lines_csv
from .edi811 import default_envelope, render_811, write_811
from .html_invoice import invoice_html, render_html, write_invoice_html
from .pdf_invoice import invoice_pdf, render_pdf, write_invoice_pdf
from .statement import AccountSummary, Notices
from .view import InvoiceView, Parties, Party, invoice_view
from .x12 import Delimiters, Envelope, Usage

__all__ = [
    "CSV_COLUMNS",
    "AccountSummary",
    "Delimiters",
    "Envelope",
    "InvoiceView",
    "Notices",
    "Parties",
    "Party",
    "Usage",
    "csv_batches",
    "default_envelope",
    "invoice_html",
    "invoice_pdf",
    "invoice_view",
    "lines_csv",
    "render_811",
    "render_html",
    "render_pdf",
    "write_811",
    "write_csv",
    "write_invoice_html",
    "write_invoice_pdf",
    "write_lines_csv",
]
