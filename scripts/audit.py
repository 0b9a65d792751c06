"""Audit the pinned dependency set (requirements.lock) for known vulnerabilities with pip-audit.

    python scripts/audit.py [--lock requirements.lock] [--service pypi|osv] [--markdown]

Why a wrapper: CI must fail on a known vulnerability but must not turn red because the
vulnerability service is unreachable, and pip-audit says "No known vulnerabilities found" even
when it could not audit a single package. This script runs pip-audit on the lock file as it is
(`--no-deps --disable-pip`: the lock pins every package, nothing is installed), reads its JSON
report and says plainly which of three things happened:

- ``vulnerable``: at least one known vulnerability; exit code 1;
- ``clean``: no known vulnerability in the packages that could be audited (the others are listed);
- ``not run``: the service could not be reached, timed out, or could audit no package; exit 0
  with a loud "AUDIT COULD NOT RUN" line, so an offline CI run stays green but says so.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
LOCK = ROOT / "requirements.lock"
NETWORK_HINTS = (
    "ConnectionError",
    "NameResolutionError",
    "Max retries exceeded",
    "ReadTimeout",
    "ConnectTimeout",
    "Temporary failure in name resolution",
    "Network is unreachable",
)


@dataclass(frozen=True)
class AuditResult:
    """What one audit found. `status` is 'clean', 'vulnerable' or 'not run'."""

    status: str
    tool: str
    service: str
    audited: tuple[str, ...] = ()
    skipped: tuple[tuple[str, str], ...] = ()  # (package==version, reason)
    vulnerabilities: tuple[tuple[str, str, str, str], ...] = ()  # (package, version, id, fixes)
    problem: str = ""

    @property
    def exit_code(self) -> int:
        return 1 if self.status == "vulnerable" else 0


def classify(
    *, returncode: int, report: dict[str, Any] | None, stderr: str, tool: str, service: str
) -> AuditResult:
    """Turn pip-audit's exit code, JSON report (None if it wrote none) and stderr into a result."""
    base = {"tool": tool, "service": service}
    if report is None:
        last = next((ln for ln in reversed(stderr.strip().splitlines()) if ln.strip()), "")
        if any(hint in stderr for hint in NETWORK_HINTS):
            why = f"the vulnerability service ({service}) could not be reached: {last[:300]}"
        else:
            why = f"pip-audit failed (exit code {returncode}): {last[:300] or 'no output'}"
        return AuditResult(status="not run", problem=why, **base)
    audited: list[str] = []
    skipped: list[tuple[str, str]] = []
    vulns: list[tuple[str, str, str, str]] = []
    for dep in report.get("dependencies", []):
        name = str(dep.get("name", "?"))
        version = str(dep.get("version", "?"))
        if dep.get("skip_reason"):
            skipped.append((f"{name}=={version}" if "version" in dep else name, dep["skip_reason"]))
            continue
        audited.append(f"{name}=={version}")
        for vuln in dep.get("vulns") or []:
            fixes = ", ".join(vuln.get("fix_versions") or []) or "no fix listed"
            vulns.append((name, version, str(vuln.get("id", "?")), fixes))
    if vulns:
        status, problem = "vulnerable", ""
    elif audited:
        status, problem = "clean", ""
    else:
        reasons = sorted({reason.split(":")[0] for _, reason in skipped}) or ["empty report"]
        status = "not run"
        problem = (
            f"none of the {len(skipped)} pinned packages could be audited ({'; '.join(reasons)})"
        )
    return AuditResult(
        status=status,
        audited=tuple(audited),
        skipped=tuple(skipped),
        vulnerabilities=tuple(vulns),
        problem=problem,
        **base,
    )


def tool_version(python: str) -> str:
    """'pip-audit 2.10.1', or 'pip-audit (not installed)'."""
    try:
        out = subprocess.run(
            [python, "-m", "pip_audit", "--version"], capture_output=True, text=True, timeout=60
        )
    except (OSError, subprocess.TimeoutExpired):
        return "pip-audit (not runnable)"
    return out.stdout.strip() if out.returncode == 0 else "pip-audit (not installed)"


def run_pip_audit(
    lock: Path,
    *,
    service: str = "pypi",
    timeout: float = 600.0,
    socket_timeout: float = 15.0,
    python: str = sys.executable,
) -> AuditResult:
    """Run pip-audit on `lock` and classify what it reports."""
    tool = tool_version(python)
    with tempfile.TemporaryDirectory() as tmp:
        report_path = Path(tmp) / "audit.json"
        command = [
            python, "-m", "pip_audit", "-r", str(lock), "--no-deps", "--disable-pip",
            "--progress-spinner", "off", "--vulnerability-service", service,
            "--timeout", f"{socket_timeout:g}", "--format", "json", "--output", str(report_path),
        ]  # fmt: skip
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            return AuditResult(
                status="not run",
                tool=tool,
                service=service,
                problem=f"timed out after {timeout:g} s",
            )
        except OSError as exc:
            return AuditResult(status="not run", tool=tool, service=service, problem=str(exc))
        report = None
        if report_path.is_file():
            try:
                report = json.loads(report_path.read_text(encoding="utf-8"))
            except json.JSONDecodeError:
                report = None
    return classify(
        returncode=done.returncode, report=report, stderr=done.stderr, tool=tool, service=service
    )


def summary(result: AuditResult, *, lock: Path) -> str:
    """The lines printed on the console."""
    head = f"dependency audit of {lock.name} with {result.tool} (service {result.service}): "
    lines: list[str] = []
    if result.status == "vulnerable":
        lines.append(head + f"{len(result.vulnerabilities)} KNOWN VULNERABILITIES")
        lines += [
            f"  {n} {v}: {vid} (fixed in {fixes})" for n, v, vid, fixes in result.vulnerabilities
        ]
    elif result.status == "clean":
        lines.append(head + f"no known vulnerabilities in {len(result.audited)} audited packages")
    else:
        lines.append(head + "AUDIT COULD NOT RUN (not a failure): " + result.problem)
    if result.skipped and result.status != "not run":
        lines.append(f"  {len(result.skipped)} packages could not be audited:")
        lines += [f"    {pkg}: {reason}" for pkg, reason in result.skipped]
    elif result.skipped:
        lines.append("  not audited: " + ", ".join(pkg for pkg, _ in result.skipped))
    return "\n".join(lines)


def markdown(result: AuditResult, *, when: datetime) -> str:
    """A short markdown paragraph for the README."""
    date = when.strftime("%Y-%m-%d")
    found = {
        "clean": f"no known vulnerabilities in the {len(result.audited)} packages audited",
        "vulnerable": "known vulnerabilities: "
        + "; ".join(f"{n} {v} {vid}" for n, v, vid, _ in result.vulnerabilities),
        "not run": f"the audit could not run: {result.problem}",
    }[result.status]
    text = f"Last audit {date}, {result.tool}, service {result.service}: {found}."
    if result.skipped:
        text += " Not audited: " + ", ".join(pkg for pkg, _ in result.skipped) + "."
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lock", type=Path, default=LOCK)
    parser.add_argument("--service", choices=("pypi", "osv"), default="pypi")
    parser.add_argument("--timeout", type=float, default=600.0, help="whole audit, seconds")
    parser.add_argument("--socket-timeout", type=float, default=15.0, help="per request, seconds")
    parser.add_argument("--markdown", action="store_true", help="also print a README paragraph")
    args = parser.parse_args(argv)
    if os.environ.get("WSIS_SKIP_AUDIT") == "1":
        print("dependency audit skipped (WSIS_SKIP_AUDIT=1)")
        return 0
    result = run_pip_audit(
        args.lock, service=args.service, timeout=args.timeout, socket_timeout=args.socket_timeout
    )
    print(summary(result, lock=args.lock))
    if args.markdown:
        print()
        print(markdown(result, when=datetime.now(UTC)))
    return result.exit_code


if __name__ == "__main__":
    sys.exit(main())
