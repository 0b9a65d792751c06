"""Security review of the app: no raw HTML, data text escaped (markdown and plotly), download
file names that are slugs, hostile link parameters shown as clipped text, refresh off by default,
the deck command writing only the path it is given, and no file path chosen by a visitor."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import pytest
import streamlit as st
from apptest import page_test
from hypothesis import given, settings
from hypothesis import strategies as hs
from streamlit.testing.v1 import AppTest

from dashboard import __main__ as cli
from dashboard.app.cache import REFRESH_ENV, refresh_allowed
from dashboard.app.registry import PAGE_NAMES
from dashboard.app.safe_text import JOINER, clip, md_badge, md_code, md_escape, plain
from dashboard.app.ui import MAX_NOTICES, notice_text
from dashboard.exports import chart_files, renderer
from dashboard.figures import areas as fa
from dashboard.figures import deck_figures, ranking, world_map
from dashboard.figures import explorer as fx
from dashboard.figures import inequality as fi
from dashboard.figures import overview as fo
from dashboard.figures import profile as fp
from dashboard.figures import sources as fs
from dashboard.figures.chart import Chart, slug
from indicators.catalogue import load_catalogue
from indicators.store.descriptor import Descriptor
from indicators.store.snapshot import STORE_ENV, Snapshot, load_snapshot

ROOT = Path(__file__).resolve().parents[1]
APP_SOURCES = [*sorted((ROOT / "dashboard").rglob("*.py")), ROOT / "streamlit_app.py"]
RAW_HTML = re.compile(r"unsafe_allow_html|\bst\.html\(|streamlit\.components|components\.v1")
# Modules that handle what a visitor sends (query, widgets): they never touch a file path.
VISITOR_FACING = [*sorted((ROOT / "dashboard" / "app" / "pages").glob("*.py"))] + [
    ROOT / "dashboard" / "app" / name for name in ("ui.py", "sidebar.py", "state.py", "cache.py")
]
FILE_ACCESS = re.compile(
    r"\bopen\(|\bPath\(|\.read_(text|bytes|csv|parquet)\(|\.write_(text|bytes)\(|store_path\([^)]"
)
SAFE_FILE = re.compile(r"^[a-z0-9][a-z0-9.-]*$")
LONG = "x" * 5000
HOSTILE = (
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "../../etc/passwd",
    "/etc/passwd",
    LONG,
    "ünï©ødé ✓ 𝕏 中文",
    "a\x00b\x1b[31m",
    "\u202eevil",
    "[click](https://evil.example)",
    "![pixel](https://evil.example/p.png)",
    "www.evil.example and https://evil.example",
    "$x^2$ :red[hi] :material/home: :smile:",
    "# heading",
    "%{y} 100%",
    "&lt;b&gt; &amp;",
)
MARK = "<i>X</i>%{y}"  # put into every entity name and source label of a hostile snapshot


# --- (a) no raw HTML in the app ----------------------------------------------------------------
STYLE_MODULE = ROOT / "dashboard" / "app" / "style.py"  # the one module that may call st.html
STYLE_CALL = 'st.html(f"<style>{CSS}</style>")'


def test_app_source_renders_no_raw_html() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in APP_SOURCES
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if RAW_HTML.search(line) and not (path == STYLE_MODULE and line.strip() == STYLE_CALL)
    ]
    assert found == [], "raw HTML rendering found:\n" + "\n".join(found)


def test_the_style_module_injects_only_the_constant_stylesheet(monkeypatch) -> None:
    """dashboard/app/style.py calls st.html once, with the stylesheet shipped in static/ read
    at import; nothing from data, links or visitors reaches it, and the file cannot close its
    style element or load anything from elsewhere."""
    from dashboard.app import style

    source = STYLE_MODULE.read_text(encoding="utf-8")
    assert [line.strip() for line in source.splitlines() if RAW_HTML.search(line)] == [STYLE_CALL]
    assert re.findall(r"^CSS = .*$", source, re.MULTILINE) == [
        'CSS = STYLESHEET.read_text(encoding="utf-8")'
    ]
    assert len(re.findall(r"\bCSS\b", source)) == 2  # assigned once, used once
    assert style.STYLESHEET == ROOT / "static" / "app.css"
    shipped = style.STYLESHEET.read_text(encoding="utf-8")
    assert shipped == style.CSS
    assert "<" not in shipped and "url(" not in shipped and "@import" not in shipped
    calls: list[str] = []
    monkeypatch.setattr(st, "html", lambda body, **_: calls.append(str(body)))
    monkeypatch.setattr(st, "sidebar", type("S", (), {"container": lambda *a, **k: None})())
    style.apply_stylesheet()
    assert calls == [f"<style>{shipped}</style>"]


def test_visitor_facing_modules_open_no_files() -> None:
    """Pages, the shell helpers and the URL parser never read or write a path (the store comes
    from WSIS_STORE only, inside indicators.snapshot)."""
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in [*VISITOR_FACING, ROOT / "streamlit_app.py"]
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if FILE_ACCESS.search(line)
    ]
    assert found == [], "file access in a visitor-facing module:\n" + "\n".join(found)


# --- markdown escaping ------------------------------------------------------------------------
def rendered(markdown: str) -> str:
    """CommonMark (with GFM tables and strikethrough) HTML of a markdown text."""
    mdit = pytest.importorskip("markdown_it")
    return mdit.MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(markdown)


def assert_literal(text: str) -> None:
    """md_escape(text) renders as one paragraph of exactly the plain text, and leaves nothing
    that Streamlit's own extensions (directives, emoji, LaTeX, autolinks) would pick up."""
    escaped = md_escape(text)
    out = rendered(escaped)
    expected = plain(text)
    if not expected:
        assert out == ""
        return
    assert out.startswith("<p>") and out.endswith("</p>\n"), out
    inner = out[3:-5]
    assert "<" not in inner, out  # no tag at all: no link, image, emphasis, code or heading
    assert html.unescape(inner).replace(JOINER, "") == expected.replace(JOINER, "")
    assert not re.search(r"(?<!\\)\$", escaped)  # LaTeX
    assert not re.search(r"(?<!\\):(?=[A-Za-z])", escaped)  # directives, badges, icons
    assert not re.search(r"(?i)://|www\.|@(?!\u2060)", escaped)  # GFM autolinks


@pytest.mark.parametrize("text", HOSTILE)
def test_md_escape_shows_hostile_text_literally(text: str) -> None:
    assert_literal(text)


@settings(max_examples=300, deadline=None)
@given(hs.text(alphabet=hs.characters(codec="utf-8"), max_size=80))
def test_md_escape_shows_any_text_literally(text: str) -> None:
    assert_literal(text)


@settings(max_examples=200, deadline=None)
@given(hs.text(alphabet="#>+-=*_`[]()!<>|$~&:\\ 1.)abcw@/", max_size=30))
def test_md_escape_shows_markup_characters_literally(text: str) -> None:
    assert_literal(text)


def test_clip_badge_and_code() -> None:
    assert clip(LONG) == "x" * 40 + "..." and clip("a\nb\x00c") == "a b c"
    assert md_badge("<b>x</b> ]", "green") == r":green-badge[\<b\>x\</b\> \]]"
    with pytest.raises(ValueError, match="badge colour"):
        md_badge("x", "#009E73")
    assert md_code("wsis20-`x`") == "`wsis20-x`"


def test_link_notice_is_escaped_and_bounded() -> None:
    notices = [f"Ignored the unknown link parameter '{clip(h)}'." for h in HOSTILE]
    text = notice_text(notices)
    assert text.count("\n- ") == MAX_NOTICES + 1  # the rest counted on one line
    assert f"and {len(HOSTILE) - MAX_NOTICES} more" in text
    assert "<script>" not in text and r"\<script\>" in text and LONG not in text


# --- plotly text: hostile names never reach a figure as markup ---------------------------------
@pytest.fixture(scope="module")
def hostile_snapshot() -> Snapshot:
    """The bundled snapshot with MARK appended to every entity name and source label/title."""
    real = load_snapshot()
    entities = real.entities.assign(name=real.entities["name"].astype(str) + " " + MARK)
    doc = real.descriptor.to_json()
    for src in doc["sources"]:
        for key in ("title", "label", "attribution"):
            if key in src:
                src[key] = f"{src[key]} {MARK}"
    descriptor = Descriptor.from_json(doc)
    return Snapshot(
        observations=real.observations,
        entities=entities,
        memberships=real.memberships,
        income_history=real.income_history,
        descriptor=descriptor,
    )


BUILDERS = {
    "line": lambda s, c: fx.line_figure(s, c, indicator="IT.NET.USER.ZS", entities=ECON),
    "slope": lambda s, c: fx.slope_figure(s, c, indicator="IT.NET.USER.ZS", entities=ECON),
    "ranking": lambda s, c: ranking.ranking_figure(s, c, indicator="IT.NET.USER.ZS", entities=ECON),
    "skyline": lambda s, c: ranking.ranking_figure(
        s, c, indicator="IT.NET.USER.ZS", entities=None, highlight=("KEN",)
    ),
    "map": lambda s, c: world_map.map_figure(s, c, indicator="IT.NET.USER.ZS", mode="change"),
    "heatmap": fs.coverage_heatmap,
    "comparison": lambda s, c: fs.comparison_figure(
        s, c, fs.aggregate_comparison(s, c), indicator="IT.NET.USER.ZS"
    ),
    "grid": lambda s, c: fa.area_grid(s, c, baseline=2005),
    "area": lambda s, c: fa.area_small_multiples(s, c, area_id="income", start=2005),
    "use": lambda s, c: fo.internet_use_since_tunis(s, c, start=2005),
    "gap": lambda s, c: fo.income_gap_chart(s, c, baseline=2005),
    "levels": lambda s, c: fo.income_levels_chart(s, c, fiscal_year=None),
    "dumbbell": lambda s, c: fi.gender_dumbbell(s, c, limit=30),
    "parity": fi.parity_over_time,
    "urban": lambda s, c: fi.breakdown_levels(s, c, pair=("urban", "rural")),
    "urban-gap": lambda s, c: fi.breakdown_gap_over_time(s, c, totals=("i99H", "i271G")),
    "profile": lambda s, c: fp.profile_small_multiples(s, c, entity="KEN", start=2005),
    "targets": lambda s, c: fp.target_chart(s, c, entity="KEN"),
    "history": lambda s, c: fp.income_history_chart(s, c, economy="KEN"),
    "offline": lambda s, c: deck_figures.people_offline(s, c, 2005),
    "sources": lambda s, c: deck_figures.sources_used(s, c, 2005),
}
ECON = ("WLD", "HIC", "KEN", "ITU_WLD")
NOT_DRAWN = {"legendgroup", "locations", "uid", "meta"}  # identifiers plotly never draws


def leaks(figure: go.Figure) -> list[str]:
    """Paths of figure strings that hold MARK unescaped (drawn as markup) or, in a template,
    with its %{y} still live."""
    found: list[str] = []

    def walk(node: object, path: str) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key not in NOT_DRAWN:
                    walk(value, f"{path}.{key}")
        elif isinstance(node, list | tuple):
            for value in node:
                walk(value, path)
        elif hasattr(node, "tolist"):
            walk(node.tolist(), path)
        elif isinstance(node, str):
            if "<i>X" in node:
                found.append(f"markup in {path}")
            if path.endswith("template") and ("X&lt;/i&gt;%{y}" in node or "X</i>%{y}" in node):
                found.append(f"live placeholder in {path}")

    walk(figure.to_plotly_json(), "")
    return sorted(set(found))


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_figures_escape_data_text(hostile_snapshot: Snapshot, name: str) -> None:
    chart = BUILDERS[name](hostile_snapshot, load_catalogue())
    assert leaks(chart.figure) == []
    texts = json.dumps(chart.figure.to_plotly_json(), default=str)
    assert "X&lt;/i&gt;" in texts, "the hostile names did not reach this figure: test is void"


def test_leak_detector_finds_raw_names() -> None:
    fig = go.Figure(go.Scatter(x=[1], y=[2], name=MARK, hovertemplate=f"{MARK} %{{x}}"))
    assert leaks(fig) == [
        "live placeholder in .data.hovertemplate",
        "markup in .data.hovertemplate",
        "markup in .data.name",
    ]


# --- (b) download file names -------------------------------------------------------------------
@pytest.mark.parametrize("name", [*HOSTILE, "", ".", "..", "a/b\\c", "CON", "-x-"])
def test_chart_file_names_are_slugs(name: str) -> None:
    chart = Chart(name, go.Figure(), pd.DataFrame(), "t", "s", "src")
    for key in chart_files.FORMATS:
        got = chart_files.file_name(chart, key)
        assert SAFE_FILE.match(got) and ".." not in got and len(got) < 100, got
        assert got.endswith(chart_files.FORMATS[key].suffix)
    assert SAFE_FILE.match(slug(name))


@pytest.fixture
def download_names(monkeypatch) -> list[str]:
    """Every file_name given to st.download_button while a page runs."""
    names: list[str] = []
    original = st.download_button

    def recording(*args, **kwargs):
        names.append(kwargs.get("file_name", ""))
        return original(*args, **kwargs)

    monkeypatch.setattr(st, "download_button", recording)
    return names


# --- (c) hostile link parameters on every page -------------------------------------------------
def hostile_params() -> dict[str, str]:
    return {
        "indicator": "<script>alert(1)</script>",
        "economy": "../../etc/passwd",
        "economies": "WLD,\x00ünï©ødé,../x",
        "area": LONG,
        "years": "$x^2$",
        "fy": "9" * 5000,
        "baseline": "2005\x00",
        "chart": "[click](https://evil.example)",
        "page": "/etc/passwd",
        "<img src=x onerror=alert(1)>": "1",
    }


def element_texts(at: AppTest) -> list[str]:
    kinds = ("markdown", "caption", "info", "warning", "error", "success", "title", "header")
    return [str(e.value) for kind in (*kinds, "subheader") for e in getattr(at, kind)]


@pytest.mark.parametrize("page", PAGE_NAMES)
def test_hostile_link_is_shown_as_clipped_text(page: str, download_names, monkeypatch) -> None:
    monkeypatch.setenv(renderer.CHROMIUM_ENV, "/nonexistent/chromium")  # no deck images: fast
    at = page_test(page, timeout=120)
    for key, value in hostile_params().items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    notice = " ".join(i.value for i in at.info if "could not be used" in i.value)
    assert r"\<script\>alert(1)\</script\>" in notice  # listed, as escaped text
    assert "../../etc/passwd" in notice and "x" * 40 + "..." in notice
    texts = element_texts(at)
    for text in texts:
        assert not re.search(r"(?<!\\)<(script|img)", text), text
        assert "\x00" not in text and "x" * 41 not in text and "9" * 41 not in text
    assert not [t for t in texts if "etc/passwd" in t and "could not be used" not in t]
    for name in download_names:
        assert SAFE_FILE.match(name) and ".." not in name, name


def test_page_reads_the_store_named_by_the_environment_only(tmp_path, monkeypatch) -> None:
    missing = tmp_path / "no-store"
    monkeypatch.setenv(STORE_ENV, str(missing))
    at = page_test("sources", timeout=60)
    at.query_params["store"] = str(ROOT / "data")
    at.run()
    assert not at.exception
    errors = " ".join(e.value for e in at.error)
    assert "no-store" in errors  # the configured (missing) store, not the one in the link
    assert str(ROOT / "data") not in errors


# --- refresh setting and the deck command -------------------------------------------------------
@pytest.mark.parametrize(("value", "allowed"), [("1", True), ("", False), ("0", False),
                                                ("true", False), (" 1", False)])  # fmt: skip
def test_refresh_needs_exactly_one(monkeypatch, value: str, allowed: bool) -> None:
    monkeypatch.setenv(REFRESH_ENV, value)
    assert refresh_allowed() is allowed


def test_refresh_unset_is_off(monkeypatch) -> None:
    monkeypatch.delenv(REFRESH_ENV, raising=False)
    assert refresh_allowed() is False


@pytest.mark.parametrize("out", ["~", ".", "~/missing-folder/deck.pptx"])
def test_deck_out_refuses_folders_and_missing_parents_before_any_work(
    tmp_path, monkeypatch, capsys, out: str
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.chdir(tmp_path)

    def no_work(*_, **__):
        raise AssertionError("the deck was built although --out cannot be written")

    monkeypatch.setattr("dashboard.deck.prepare.prepare_deck", no_work)
    assert cli.main(["deck", "--out", out]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: cannot write") and "Traceback" not in err
    assert ("folder" in err) and list(tmp_path.iterdir()) == []


# --- the running server: static files and media stay inside their folders -----------------------
TRAVERSALS = (
    "/app/static/../../../../etc/passwd",
    "/app/static/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/app/static/..%2f..%2f..%2f..%2fetc%2fpasswd",
    "/app/static/%2e%2e/pyproject.toml",
    "/app/static/..%5c..%5cpyproject.toml",
    "/media/../../../../etc/passwd",
    "/media/%2e%2e/%2e%2e/pyproject.toml",
    "/_stcore/static/../../../../etc/passwd",
    "//etc/passwd",
)


@pytest.fixture(scope="module")
def server_url(tmp_path_factory):
    from benchmarks.harness import start_app, stop_app

    proc, url = start_app(log_path=tmp_path_factory.mktemp("server") / "server.log")
    try:
        yield url
    finally:
        stop_app(proc)


def fetch(url: str, path: str) -> tuple[int, bytes]:
    """Status and body of a GET with the path sent exactly as written (no normalising)."""
    import http.client
    from urllib.parse import urlparse

    where = urlparse(url)
    conn = http.client.HTTPConnection(where.hostname, where.port, timeout=30)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def test_served_static_files_stay_in_their_folder(server_url) -> None:
    status, body = fetch(server_url, "/app/static/topojson/")
    assert status != 200 or b"<a href" not in body  # no directory listing
    secret = (ROOT / "pyproject.toml").read_bytes()[:40]
    for path in TRAVERSALS:
        status, body = fetch(server_url, path)
        assert b"root:" not in body and secret not in body, (path, status)
    shipped = next(p for p in (ROOT / "static").rglob("*") if p.is_file())
    status, body = fetch(
        server_url, "/app/static/" + shipped.relative_to(ROOT / "static").as_posix()
    )
    assert status == 200 and body == shipped.read_bytes()  # the check above can fail


def test_memoised_escaping_is_the_same_and_never_keeps_a_long_text():
    """md_escape and plain remember short texts (pages pass the same ones on every run, #12):
    a remembered answer is the one computed afresh, and a text longer than MEMO_LENGTH (say
    from a hostile link) is escaped but never kept."""
    from dashboard.app import safe_text

    texts = ["# Kenya", "1. x", "a:b www.x.org", "<b>|$~&", "plain words", "x\x00\u202ey"]
    first = [safe_text.md_escape(t) for t in texts]
    again = [safe_text.md_escape(t) for t in texts]
    fresh = [safe_text._escape_line(safe_text._flatten(t)) for t in texts]
    assert first == again == fresh
    before = safe_text._escaped.cache_info().currsize, safe_text._plain.cache_info().currsize
    long = "[link](x) " * (safe_text.MEMO_LENGTH // 5)
    assert safe_text.md_escape(long) == safe_text._escape_line(safe_text._flatten(long))
    after = safe_text._escaped.cache_info().currsize, safe_text._plain.cache_info().currsize
    assert after == before
