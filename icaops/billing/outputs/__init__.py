"""Invoice outputs of a Bill: readable HTML and PDF, CSV of every line, ASC X12 811 (VI.10.1.2).

    agreement = load_agreement("centurylink-granite-id-2012")
    write_invoice_html(bill, "bill.html", agreement)   # summary per service code and price group
    write_invoice_pdf(bill, "bill.pdf", agreement)     # the same, paged; per-WTN detail is in CSV/811
    write_lines_csv(bill, "bill.csv")                  # one row per line item, exact decimal strings
    write_811(bill, "bill.811", agreement)             # one IT1 per WTN; see docs/x12-811.md

`parties` (third argument) is a `Parties`, a loaded Agreement or its manifest: the names
and addresses of the ILEC and CLEC come from the agreement, the CLEC's ids from the
bill's account. String/bytes variants: `invoice_html`, `invoice_pdf`, `lines_csv`,
`render_811`. All of them read one `InvoiceView` (view.py) and cite each line's clause.
"""

from .csv_lines import CSV_COLUMNS, csv_batches, lines_csv, write_csv, write_lines_csv
from .edi811 import default_envelope, render_811, write_811
from .html_invoice import invoice_html, render_html, write_invoice_html
from .pdf_invoice import invoice_pdf, render_pdf, write_invoice_pdf
from .view import InvoiceView, Parties, Party, invoice_view
from .x12 import Delimiters, Envelope

__all__ = [
    "CSV_COLUMNS",
    "Delimiters",
    "Envelope",
    "InvoiceView",
    "Parties",
    "Party",
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
