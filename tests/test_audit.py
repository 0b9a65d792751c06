"""The dependency audit script (scripts/audit.py): an unreachable service or a lock with
nothing audited is reported as "could not run", not as clean and not as a failure; a known
vulnerability fails."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _load_script(path: Path, name: str) -> Any:
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def audit() -> Any:
    return _load_script(ROOT / "scripts" / "audit.py", "wsis_audit_script")


def _dep(name: str, *, vulns: list[dict] | None = None, skip: str | None = None) -> dict:
    version = f"{len(name)}.0"
    if skip:
        return {"name": name, "skip_reason": skip}
    return {"name": name, "version": version, "vulns": vulns or []}


def test_audit_unreachable_service_is_not_a_failure(audit: Any) -> None:
    stderr = "requests.exceptions.ConnectionError: ... NameResolutionError(...)"
    result = audit.classify(returncode=1, report=None, stderr=stderr, tool="t", service="osv")
    assert (result.status, result.exit_code) == ("not run", 0)
    assert "could not be reached" in result.problem
    assert "AUDIT COULD NOT RUN" in audit.summary(result, lock=Path("requirements.lock"))


def test_audit_with_nothing_audited_is_not_clean(audit: Any) -> None:
    report = {"dependencies": [_dep("alpha", skip="Dependency not found on PyPI")]}
    result = audit.classify(returncode=0, report=report, stderr="", tool="t", service="pypi")
    assert (result.status, result.exit_code) == ("not run", 0)
    assert "none of the 1 pinned packages" in result.problem


def test_audit_vulnerability_fails(audit: Any) -> None:
    vuln = {"id": "PYSEC-0000-0", "fix_versions": ["9.9"]}
    report = {
        "dependencies": [
            _dep("alpha"),
            _dep("beta", vulns=[vuln]),
            _dep("gamma", skip="Dependency not found on PyPI"),
        ]
    }
    result = audit.classify(returncode=1, report=report, stderr="", tool="t", service="pypi")
    assert (result.status, result.exit_code) == ("vulnerable", 1)
    assert result.vulnerabilities == (("beta", "4.0", "PYSEC-0000-0", "9.9"),)
    assert [pkg for pkg, _ in result.skipped] == ["gamma"]
    clean = audit.classify(
        returncode=0, report={"dependencies": [_dep("alpha")]}, stderr="", tool="t", service="pypi"
    )
    assert (clean.status, clean.exit_code) == ("clean", 0)
