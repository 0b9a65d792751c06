"""Shared test fixtures: where the raw source files are (for tests marked `shared`)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# The stubbed World Bank API (fixtures fake_api, sleeps, fresh_wbgapi_caches).
pytest_plugins = ["wb_api_fake"]


def _raw_dir() -> Path:
    env = os.environ.get("WSIS_RAW_DIR")
    return Path(env) if env else ROOT.parent / "shared" / "data" / "raw"


@pytest.fixture(scope="session")
def raw_dir() -> Path:
    """The folder of real raw files; tests that use it are marked `shared` and skip without it."""
    path = _raw_dir()
    if not path.is_dir():
        pytest.skip(f"raw source files not present at {path}")
    return path
