"""Shared fixtures for the out-of-process tests: the tabby binary and the shared data."""
import os
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def tabby_bin():
    path = os.environ.get("TABBY_BIN")
    if not path:
        pytest.fail("TABBY_BIN is not set: run the tests through scripts/test")
    return path
