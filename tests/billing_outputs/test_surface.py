"""The public surface of icaops.billing.outputs, which the CLI and the demo call: locked."""

from __future__ import annotations

import inspect

import icaops.billing.outputs as outputs


def test_public_names_are_locked():
    assert sorted(outputs.__all__) == [
        "AccountSummary",
        "CSV_COLUMNS",
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
    for name in outputs.__all__:
        assert hasattr(outputs, name), name


def test_writers_take_the_bill_then_the_destination():
    for writer in (outputs.write_invoice_html, outputs.write_invoice_pdf, outputs.write_lines_csv, outputs.write_811):
        params = list(inspect.signature(writer).parameters)
        assert params[:2] in (["bill", "path"], ["bills", "sink"]), (writer.__name__, params)
    for writer in (outputs.write_invoice_html, outputs.write_invoice_pdf, outputs.write_811):
        assert list(inspect.signature(writer).parameters)[2] == "parties"
