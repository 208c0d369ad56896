"""Who ANRT pays, and where: the City's payee identity and bank details printed on every invoice PDF.

They come from settings (``INVOICE_PAYEE_*``, documented in ``.env.example``). An unset name, address or
SIRET falls back to the employer frozen on the invoice (the City); unset bank details are printed as
missing, never invented, and ``manage.py check --deploy`` warns about them (``cifre/checks.py``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings

_IBAN_SHAPE = re.compile(r"^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$")
_BIC_SHAPE = re.compile(r"^[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?$")


@dataclass(frozen=True)
class Payee:
    name: str
    address: str
    siret: str
    iban: str  # grouped by four, as printed
    bic: str
    bank: str

    @property
    def has_bank_details(self) -> bool:
        return bool(self.iban and self.bic)


def compact(value: str) -> str:
    return re.sub(r"\s+", "", value or "").upper()


def iban_is_valid(iban: str) -> bool:
    """ISO 13616 check digits (mod 97), after removing spaces."""
    iban = compact(iban)
    if not _IBAN_SHAPE.match(iban):
        return False
    digits = "".join(str(int(c, 36)) for c in iban[4:] + iban[:4])
    return int(digits) % 97 == 1


def bic_is_valid(bic: str) -> bool:
    return bool(_BIC_SHAPE.match(compact(bic)))


def group_iban(iban: str) -> str:
    iban = compact(iban)
    return " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))


def payee_for(invoice=None) -> Payee:
    """The payee printed on ``invoice``: the settings, else the employer frozen on the invoice."""
    return Payee(
        name=getattr(settings, "INVOICE_PAYEE_NAME", "") or (invoice.employer_name if invoice else ""),
        address=(getattr(settings, "INVOICE_PAYEE_ADDRESS", "") or (invoice.employer_address if invoice else ""))
        .replace("\\n", "\n")
        .strip(),
        siret=getattr(settings, "INVOICE_PAYEE_SIRET", "") or (invoice.employer_siret if invoice else ""),
        iban=group_iban(getattr(settings, "INVOICE_PAYEE_IBAN", "")),
        bic=compact(getattr(settings, "INVOICE_PAYEE_BIC", "")),
        bank=getattr(settings, "INVOICE_PAYEE_BANK", ""),
    )


def configuration_problems() -> list[str]:
    """What is missing or malformed in the payee settings (for the deploy check)."""
    problems = []
    iban, bic = getattr(settings, "INVOICE_PAYEE_IBAN", ""), getattr(settings, "INVOICE_PAYEE_BIC", "")
    if not iban:
        problems.append("INVOICE_PAYEE_IBAN is not set: invoice PDFs say the bank details are missing.")
    elif not iban_is_valid(iban):
        problems.append("INVOICE_PAYEE_IBAN is not a valid IBAN (check digits).")
    if not bic:
        problems.append("INVOICE_PAYEE_BIC is not set: invoice PDFs say the bank details are missing.")
    elif not bic_is_valid(bic):
        problems.append("INVOICE_PAYEE_BIC is not a valid BIC (8 or 11 letters and digits).")
    return problems
