"""The agreement's terms, loaded once for the report tests."""

from __future__ import annotations

import pytest

from icaops.terms.loader import load_agreement


@pytest.fixture(scope="session")
def agreement():
    """The reference agreement with the Carrier Partner Amendment."""
    return load_agreement("centurylink-granite-id-2012")


@pytest.fixture(scope="session")
def terms(agreement):
    """Its terms (all layers)."""
    return agreement.terms
