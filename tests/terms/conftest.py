import shutil
from pathlib import Path

import pytest

from icaops.terms.loader import load_agreement

REPO = Path(__file__).resolve().parents[2]
REFERENCE = REPO / "agreements" / "centurylink-granite-id-2012"


@pytest.fixture(scope="session")
def agreement():
    return load_agreement(REFERENCE)


@pytest.fixture
def agreement_copy(tmp_path):
    """A writable copy of the reference agreement folder."""
    target = tmp_path / "centurylink-granite-id-2012"
    shutil.copytree(REFERENCE, target)
    return target
