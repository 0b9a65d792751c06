"""The brief: the claim checks and talking points as text the secretariat can paste.

`make_brief` gathers the briefing note's claim checks, the talking points of every challenge
area (and, for `economy`, one economy's figures) and the plain-language reading guide;
`Brief.to_json` and `Brief.to_markdown` write them out (`python -m indicators brief`). Every
figure carries its value, unit, year, entity, indicator, source, vintage, whether it is an
estimate and, for income groups, the classification it uses. Bad input gets one line naming the
valid choices.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from indicators.catalogue import Catalogue
from indicators.errors import WsisDataError, bounded
from indicators.narrative.claims import ClaimCheck, check_claims
from indicators.narrative.reading import ReadingNote, reading_notes
from indicators.narrative.talking_points import TalkingPoint, economy_points, talking_points
from indicators.store.snapshot import Snapshot

FORMATS = ("md", "json")
BASELINE_SERIES = ("IT.NET.USER.ZS", "WLD")  # the brief's baselines: years of world Internet use


class BriefInputError(WsisDataError, ValueError):
    """A baseline or economy the brief cannot use; the message names the valid choices."""


@dataclass(frozen=True)
class Brief:
    """What the brief says, for one snapshot and baseline (and optionally one economy)."""

    snapshot_id: str
    baseline: int
    claims: tuple[ClaimCheck, ...]
    points: tuple[TalkingPoint, ...]
    reading: tuple[ReadingNote, ...]
    area_names: tuple[tuple[str, str], ...]
    economy: str | None = None
    economy_name: str = ""
    economy_points: tuple[TalkingPoint, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """claims [{id, quote, verdict, text, figures, sources}], points [{area, text, figures,
        sources}] and, for an economy, its points; each figure as `Evidence.to_json` gives it."""
        out: dict[str, Any] = {
            "snapshot": self.snapshot_id,
            "baseline": self.baseline,
            "claims": [claim_json(c) for c in self.claims],
            "points": [p.to_json() for p in self.points],
        }
        if self.economy:
            out["economy"] = {
                "code": self.economy,
                "name": self.economy_name,
                "points": [p.to_json() for p in self.economy_points],
            }
        out["reading"] = [{"heading": n.heading, "text": n.text} for n in self.reading]
        return out

    def to_text(self, fmt: str) -> str:
        """The brief as 'md' (speaking notes) or 'json' (for tools and tests)."""
        if fmt == "json":
            return json.dumps(self.to_json(), ensure_ascii=False, indent=2) + "\n"
        return self.to_markdown()

    def to_markdown(self) -> str:
        """Speaking notes: each claim with its verdict, quote, check and sources; each talking
        point with its sources; then how to read the figures."""
        names = dict(self.area_names)
        lines = [
            "# WSIS+20 brief: the briefing note checked, and talking points",
            "",
            f"Snapshot {self.snapshot_id}; changes measured from {self.baseline} (or the "
            "nearest year with a value). Every figure names its year, source and release.",
            "",
            "## The briefing note's statements, checked",
            "",
        ]
        for check in self.claims:
            lines += [
                f"### {check.topic}: {check.verdict}",
                "",
                f"> {check.quote}",
                "",
                claim_text(check),
                "",
            ]
            lines += _sources_lines(check.citations)
        lines += ["## Talking points", ""]
        for area_id in dict.fromkeys(p.area for p in self.points):
            lines += [f"### {names.get(area_id, area_id)}", ""]
            for point in (p for p in self.points if p.area == area_id):
                lines += [f"- {point.text}"]
                if point.citations:
                    lines += [f"  {sources_line(point.citations)}"]
            lines += [""]
        if self.economy:
            lines += [f"## {self.economy_name} ({self.economy})", ""]
            for point in self.economy_points:
                lines += [f"- {point.text}", f"  {sources_line(point.citations)}"]
            lines += [""]
        lines += ["## How to read these figures", ""]
        for note in self.reading:
            lines += [f"**{note.heading}.** {note.text}", ""]
        return "\n".join(lines).rstrip() + "\n"


def claim_text(check: ClaimCheck) -> str:
    """What the check found, in words: its summary and any note."""
    return " ".join(t for t in (check.summary, check.note) if t)


def claim_json(check: ClaimCheck) -> dict[str, Any]:
    """A claim check as the brief's JSON gives it."""
    return {
        "id": check.id,
        "part": check.part,
        "topic": check.topic,
        "quote": check.quote,
        "verdict": check.verdict,
        "text": claim_text(check),
        "figures": [e.to_json() for e in check.evidence],
        "sources": list(check.citations),
    }


def sources_line(citations: Sequence[str]) -> str:
    """'*Sources: A; B.*' (one final full stop, whatever the citations end with)."""
    return f"*Sources: {'; '.join(c.rstrip('.') for c in citations)}.*"


def _sources_lines(citations: Sequence[str]) -> list[str]:
    return [sources_line(citations), ""] if citations else []


def baseline_choices(snapshot: Snapshot) -> list[int]:
    """Years a brief can measure change from: those with a world Internet-use value, except the
    latest (nothing would be left to compare)."""
    indicator, entity = BASELINE_SERIES
    rows = snapshot.rows(indicator)
    years = sorted({int(y) for y in rows.loc[rows["economy"] == entity, "year"]})
    return years[:-1]


def check_baseline(snapshot: Snapshot, baseline: int) -> int:
    """The baseline, or a one-line error naming the valid years."""
    years = baseline_choices(snapshot)
    if baseline not in years:
        span = f"{years[0]}-{years[-1]}" if years else "none in this snapshot"
        raise BriefInputError(f"unknown baseline {baseline}: choose a year in {span}")
    return baseline


def economy_codes(snapshot: Snapshot) -> dict[str, str]:
    """Economy codes (World Bank / ISO 3166 alpha-3) and their names, sorted by code."""
    ent = snapshot.entities
    econ = ent[ent["kind"] == "economy"].sort_values("code")
    return dict(zip(econ["code"].astype(str), econ["name"].astype(str), strict=True))


def check_economy(snapshot: Snapshot, code: str) -> str:
    """The economy's code (any case), or a one-line error naming close matches and every code."""
    codes = economy_codes(snapshot)
    wanted = code.strip().upper()
    if wanted in codes:
        return wanted
    by_name = {name.lower(): c for c, name in codes.items()}
    close = difflib.get_close_matches(wanted, list(codes), n=3, cutoff=0.6)
    close += [
        by_name[n] for n in difflib.get_close_matches(code.lower(), list(by_name), n=3, cutoff=0.6)
    ]
    hint = ""
    if close:
        hint = "did you mean " + ", ".join(f"{c} ({codes[c]})" for c in dict.fromkeys(close)) + "? "
    raise BriefInputError(
        f"unknown economy code {bounded(code, 40)!r}: {hint}`python -m indicators economies` "
        f"lists the {len(codes)} valid codes with their names"
    )


def make_brief(
    snapshot: Snapshot,
    catalogue: Catalogue,
    *,
    baseline: int = 2005,
    economy: str | None = None,
) -> Brief:
    """The claim checks, talking points and reading guide for a baseline (and an economy)."""
    check_baseline(snapshot, baseline)
    code = check_economy(snapshot, economy) if economy is not None else None
    return Brief(
        snapshot_id=snapshot.id,
        baseline=baseline,
        claims=tuple(check_claims(snapshot, catalogue, baseline=baseline)),
        points=tuple(talking_points(snapshot, catalogue, baseline=baseline)),
        reading=reading_notes(snapshot),
        area_names=tuple((a.id, f"{a.number}. {a.name}") for a in catalogue.areas),
        economy=code,
        economy_name=economy_codes(snapshot).get(code, "") if code else "",
        economy_points=tuple(
            economy_points(snapshot, catalogue, economy=code, baseline=baseline) if code else ()
        ),
    )
