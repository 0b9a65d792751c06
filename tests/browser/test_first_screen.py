"""A new visitor's first page over the app's websocket, spoken as a browser speaks it (#12).

On the pages whose rest follows their first chart, the first run draws the first screen with
the rest in a fragment; the first-chart script's signal reruns that fragment alone (not the
shell, the sidebar and the page above it); and a later rerun of the fragment (a widget drawn in
it changed) reruns the whole page. Runs against the real server of the browser tests.
"""

from __future__ import annotations

import pytest

from benchmarks.bench_load import DRAWN_STATE, run_async, ws_run

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

NOTE = "Drawing the rest of the page…"
# page name -> (its title, a heading of its rest)
PAGES = {
    "overview": ("Digital progress since Tunis", "Talking points"),
    "areas": ("Challenge areas", "1. "),
    "inequalities": ("Inequalities", "Income groups"),
}

Elements = list[tuple[str, str, str]]


def texts(elements: Elements) -> list[str]:
    return [body for _, _, body in elements]


async def first_visit(url: str, page: str) -> tuple[Elements, Elements, Elements, str]:
    """The elements of a new session's first run, of the run its signal brings, and of a
    rerun of the same fragment afterwards; and the fragment's id."""
    import websockets

    async with websockets.connect(
        url.replace("http://", "ws://") + "/_stcore/stream",
        subprotocols=["streamlit"],
        max_size=None,
        open_timeout=60,
    ) as ws:
        helper: list[tuple[str, str]] = []
        first: Elements = []
        at: list[str] = []  # the page's hash, as the browser keeps it
        _, problem = await ws_run(
            ws, page=page, query="", timeout=60, components=helper, elements=first, page_hash=at
        )
        assert not problem and helper, problem
        (helper_id, fragment), *_ = helper
        rest: Elements = []
        _, problem = await ws_run(
            ws,
            page=page,
            query="",
            timeout=60,
            states={helper_id: DRAWN_STATE},
            fragment=fragment,
            elements=rest,
            page_hash=at,
        )
        assert not problem, problem
        again: Elements = []
        _, problem = await ws_run(
            ws, page=page, query="", timeout=60, fragment=fragment, elements=again, page_hash=at
        )
        assert not problem, problem
        return first, rest, again, fragment


@pytest.mark.parametrize("page", sorted(PAGES))
def test_the_signal_reruns_the_rest_of_the_page_alone(app_url, page):
    title, later = PAGES[page]
    first, rest, again, fragment = run_async(first_visit(app_url, page))
    assert fragment
    # the first run: the page's title, one chart, the note, the helper inside the fragment
    assert title in texts(first) and NOTE in texts(first)
    assert [kind for kind, _, _ in first].count("plotly_chart") >= 1
    assert not any(body.startswith(later) for body in texts(first))
    assert any(kind == "bidi_component" and frag == fragment for kind, frag, _ in first)
    # the signal's run: the fragment alone, from the first chart to the end of the page
    assert rest and all(frag == fragment for _, frag, _ in rest)
    assert any(body.startswith(later) for body in texts(rest))
    assert title not in texts(rest) and NOTE not in texts(rest)
    assert [kind for kind, _, _ in rest].count("plotly_chart") > 1
    assert "bidi_component" not in [kind for kind, _, _ in rest]
    # a rerun of that fragment later reruns the whole page (as drawn whole from the start)
    assert title in texts(again) and any(body.startswith(later) for body in texts(again))
    assert not any(frag for _, frag, _ in again)
