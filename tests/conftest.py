"""Shared test fixtures: the tiny made-up snapshot, the bundled snapshot, the catalogue, the
default deck (built once per test process) and the raw source files (tests marked `shared`)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from fixtures import fixture_snapshot

from indicators.catalogue import Catalogue, load_catalogue
from indicators.store.snapshot import BUNDLED_STORE, Snapshot, load_snapshot

ROOT = Path(__file__).resolve().parents[1]

# The stubbed World Bank API (fixtures fake_api, sleeps, fresh_wbgapi_caches).
pytest_plugins = ["wb_api_fake"]


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    """The project's catalogue (indicators/catalogue.yaml)."""
    return load_catalogue()


@pytest.fixture(scope="session")
def bundled_snapshot() -> Snapshot:
    """The snapshot bundled in data/ (whatever WSIS_STORE says), verified."""
    return load_snapshot(store=BUNDLED_STORE)


@pytest.fixture(scope="session")
def tiny_snapshot() -> Snapshot:
    """Six made-up economies built by code (tests/fixtures.py); no real figure in it."""
    return fixture_snapshot()


@pytest.fixture(scope="session")
def default_deck(bundled_snapshot: Snapshot, catalogue: Catalogue):
    """The default deck of the bundled snapshot, prepared once for every deck test."""
    from dashboard.deck.prepare import prepare_deck

    return prepare_deck(bundled_snapshot, catalogue)


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
