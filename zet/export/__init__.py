"""Exports as builders that return bytes: the Excel workbook and the long CSV.

``build_workbook`` and ``long_csv`` take frames and know nothing of Flask or the database;
``zet.export.service.export_bytes`` reads the scoped frames and calls them, for the download
route and the ``zet export`` command alike.
"""
from zet.export.csv import long_csv
from zet.export.workbook import build_workbook

__all__ = ["build_workbook", "long_csv"]
