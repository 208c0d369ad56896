import pytest


@pytest.fixture(autouse=True)
def _staff_mailbox(settings):
    settings.STAFF_EMAIL = "cifre-staff@example.org"
    settings.SITE_URL = "https://cifre.example.org"
