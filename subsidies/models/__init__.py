"""Subsidies: the yearly rates table and the instalments (invoices live in ``invoices.py``)."""

from .instalments import Instalment
from .invoices import Invoice as Invoice
from .invoices import InvoiceSequence as InvoiceSequence
from .invoices import Payment as Payment
from .rates import RateYear
from .sweep import StatusChange as StatusChange

__all__ = ["Instalment", "RateYear"]
