"""The layout shows the flow: each stage imports only the stages before it, never private names.

Stages, in the order data moves (README "Architecture"): indicators' foundation (errors, schema,
catalogue, rules) -> sources -> store -> analytics -> narrative; then dashboard's shared base
(theme, formatting) -> views -> figures -> exports -> deck -> app. A command line (`__main__`)
may use every stage of its own package. Each package's `__init__` docstring states the same rule.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("indicators", "dashboard")

# stage -> the stages it may import (besides itself); a module's stage is its longest prefix here
ALLOWED: dict[str, set[str]] = {
    "indicators": set(),  # foundation: errors, schema, catalogue, rules
    "indicators.sources": {"indicators"},
    "indicators.store": {"indicators", "indicators.sources"},
    "indicators.analytics": {"indicators", "indicators.store"},
    "indicators.narrative": {"indicators", "indicators.store", "indicators.analytics"},
    "indicators.__main__": {
        "indicators",
        "indicators.sources",
        "indicators.store",
        "indicators.analytics",
        "indicators.narrative",
    },
}
INDICATORS = {s for s in ALLOWED if s != "indicators.__main__"}
ALLOWED |= {
    "dashboard": INDICATORS,  # shared base: theme, formatting
    "dashboard.views": INDICATORS | {"dashboard"},
    "dashboard.figures": INDICATORS | {"dashboard", "dashboard.views"},
    "dashboard.exports": INDICATORS | {"dashboard", "dashboard.figures"},
    "dashboard.deck": INDICATORS
    | {"dashboard", "dashboard.views", "dashboard.figures", "dashboard.exports"},
}
DASHBOARD = {s for s in ALLOWED if s.startswith("dashboard")}
ALLOWED["dashboard.app"] = INDICATORS | DASHBOARD
# the command line uses every stage of its package: the page registry and the declared page
# charts of `app` included (modules of `app` that import no streamlit)
ALLOWED["dashboard.__main__"] = INDICATORS | DASHBOARD | {"dashboard.app"}
STREAMLIT_STAGES = ("dashboard.app",)  # the only stage that may import streamlit


def modules() -> list[tuple[str, Path]]:
    out = []
    for pkg in PACKAGES:
        for path in sorted((ROOT / pkg).rglob("*.py")):
            rel = path.relative_to(ROOT).with_suffix("")
            parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
            out.append((".".join(parts), path))
    return out


def stage_of(module: str) -> str:
    best = ""
    for stage in ALLOWED:
        if (module == stage or module.startswith(stage + ".")) and len(stage) > len(best):
            best = stage
    return best


def imports(path: Path) -> list[tuple[int, str, list[str]]]:
    """(line, module, names) of every import of the file, nested ones included."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module, [a.name for a in node.names]))
        elif isinstance(node, ast.Import):
            found += [(node.lineno, a.name, []) for a in node.names]
    return found


def test_every_module_belongs_to_a_stage() -> None:
    assert [m for m, _ in modules() if not stage_of(m)] == []


@pytest.mark.parametrize(("module", "path"), modules(), ids=[m for m, _ in modules()])
def test_imports_follow_the_flow(module: str, path: Path) -> None:
    own = stage_of(module)
    wrong = []
    for line, target, names in imports(path):
        if target.split(".")[0] not in PACKAGES:
            if target.split(".")[0] == "streamlit" and not own.startswith(STREAMLIT_STAGES):
                wrong.append(f"line {line}: streamlit outside the app")
            continue
        targets = [target] + [f"{target}.{n}" for n in names if target in PACKAGES]
        stages = {stage_of(t) for t in targets} if target in PACKAGES else {stage_of(target)}
        if target in PACKAGES and names == ["__version__"]:
            stages = {target}
        for stage in stages - {own} - ALLOWED[own]:
            wrong.append(f"line {line}: {own} imports {target} ({stage})")
    assert wrong == []


@pytest.mark.parametrize(("module", "path"), modules(), ids=[m for m, _ in modules()])
def test_no_private_name_crosses_a_module(module: str, path: Path) -> None:
    """A helper two modules share has a public name in a public home."""
    aliases: set[str] = set()
    wrong = []
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith(PACKAGES):
            for alias in node.names:
                if alias.name.startswith("_") and not alias.name.startswith("__"):
                    wrong.append(f"line {node.lineno}: {node.module}.{alias.name}")
                aliases.add(alias.asname or alias.name)
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in aliases
            and node.attr.startswith("_")
            and not node.attr.startswith("__")
        ):
            wrong.append(f"line {node.lineno}: {node.value.id}.{node.attr}")
    assert wrong == []


@pytest.mark.parametrize(
    "init",
    sorted(p for pkg in PACKAGES for p in (ROOT / pkg).rglob("__init__.py")),
    ids=lambda p: str(p.relative_to(ROOT).parent),
)
def test_each_package_says_what_it_is_for_and_what_it_may_import(init: Path) -> None:
    doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))) or ""
    assert len(doc.split()) >= 8, f"{init}: say what the package is for"
    assert "May import:" in doc, f"{init}: state what it may import"
