"""Shared fixtures: terms, shipped reference data, the demo day spec, one small generated day."""

from __future__ import annotations

import pytest

from icaops.terms.loader import load_agreement
from icaops.traffic.reference import load_shipped_reference
from icaops.traffic.samples.day import generate_day
from icaops.traffic.samples.day_spec import load_day_spec

SMALL_DAY = 20_000
"""Calls in the shared generated day (the DoS burst alone is about 11,000 of them)."""


@pytest.fixture(scope="session")
def agreement():
    return load_agreement("centurylink-granite-id-2012")


@pytest.fixture(scope="session")
def reference():
    return load_shipped_reference()


@pytest.fixture(scope="session")
def spec():
    return load_day_spec()


@pytest.fixture(scope="session")
def small_day(spec, reference, agreement):
    """A generated day of SMALL_DAY calls, seed 0."""
    return generate_day(spec, reference, agreement.terms, calls=SMALL_DAY, seed=0, source_file="small-day.parquet")


@pytest.fixture(scope="session", autouse=True)
def audit_store(tmp_path_factory):
    """The store the traffic commands write their audit rows to (not ./.icaops of the tree)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('audit') / 'icaops.sqlite'}"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ICAOPS_DATABASE_URL", url)
        yield url
