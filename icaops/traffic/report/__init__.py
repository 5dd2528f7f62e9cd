"""Outputs of the Carrier Partner traffic check: findings files (Parquet/CSV) and the HTML report."""

from icaops.traffic.report.html import REPORT_FILE, write_report
from icaops.traffic.report.summary import report_data
from icaops.traffic.report.tables import read_check, write_check

__all__ = ["REPORT_FILE", "read_check", "report_data", "write_check", "write_report"]
