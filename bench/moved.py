"""Measurements 10 and 11: what moved and what is noteworthy (README.md, rows 10 and 11).

10. **Movers**: `kit.query.movers` against `kit.query.breakdown` on the breakdown's picks
    (row 1), each pick timed for both, alternately first, so that the machine's load
    weighs on both alike. A movers query is two breakdowns side by side (the period's and
    the previous month's), so the goal is its p95 within twice the breakdown's. Both are
    timed in the same cache state: each pick's breakdown and movers are asked once just
    before (the breakdown untimed: row 1 timed its first read; the movers timed, their
    first read, reported beside), so the timed calls of both read the row groups they
    keep, as an analyst's second look at a month does.
11. **Alerts**: `kit.query.alerts` over the whole warehouse (every artist, platform and
    country) for its last complete month, once: what a monthly digest of everything
    costs. The goal is ALERTS_GOAL seconds; README.md says why.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from .components import require
from .queries import BreakdownPick
from .results import Measurement, duration, ms, percentiles, times

Clock = Callable[[], float]

MOVERS_GOAL = 2.0  # movers p95 ÷ breakdown p95
ALERTS_GOAL = 60.0  # seconds for a month of the whole warehouse


def measurements(root: Path, picks: list[BreakdownPick], clock: Clock) -> list[Measurement]:
    return [movers_measurement(root, picks, clock), alerts_measurement(root, clock)]


def movers_measurement(root: Path, picks: list[BreakdownPick], clock: Clock) -> Measurement:
    """Row 10: movers against breakdown, p95 of each over the same picks, both in the same
    cache state (each pick asked once of both just before); the movers' first reads beside."""
    query = require("kit.query", "movers", "breakdown", "QueryError")
    answers = {"breakdown": query.breakdown, "movers": query.movers}
    timings: dict[str, list[float]] = {"breakdown": [], "movers": []}
    refused = 0
    # one untimed movers first: the macros of kit/sql/ planned once, the files listed
    _answer(query, picks[0].query(root), picks[0], query.movers)
    first = []
    for n, pick in enumerate(picks):
        q = pick.query(root)
        # The pick once of both just before, so that both timed answers read the row groups
        # they keep: the breakdown's were read by row 1 (which timed that first read), but
        # the rows since may have pushed them out; the movers' first read is timed here.
        _answer(query, q, pick, query.breakdown)
        started = clock()
        _answer(query, q, pick, query.movers)
        first.append(clock() - started)
        for name in ("breakdown", "movers") if n % 2 == 0 else ("movers", "breakdown"):
            started = clock()
            answered = _answer(query, q, pick, answers[name])
            timings[name].append(clock() - started)
            refused += not answered
    b50, b95 = percentiles(timings["breakdown"])
    m50, m95 = percentiles(timings["movers"])
    f50, f95 = percentiles(first)
    ratio = m95 / b95 if b95 else float("inf")
    note = ""
    if refused:
        note = (
            f"{refused} of {len(picks)} picks have no data in the month before (the warehouse's "
            "first month among them): movers ran and refused them, and their time counts."
        )
    return Measurement(
        "movers",
        f"10. Movers (kit.query.movers, against the previous month) on row 1's {len(picks)} picks",
        f"p95 {ms(m95)} · p50 {ms(m50)}; breakdown p95 {ms(b95)} · p50 {ms(b50)}; "
        f"movers' first read p95 {ms(f95)} · p50 {ms(f50)}",
        ratio=f"movers ÷ breakdown (p95): {times(ratio)}",
        goal=f"≤ {MOVERS_GOAL:g}× the breakdown's p95",
        met=ratio <= MOVERS_GOAL,
        values={
            "p50": m50,
            "p95": m95,
            "breakdown_p95": b95,
            "ratio": ratio,
            "refused": refused,
            "first_p50": f50,
            "first_p95": f95,
        },
        note=note,
    )


def _answer(query, q, pick: BreakdownPick, answer) -> bool:
    """Run one answer; False when the pick has nothing to compare with (refused)."""
    try:
        answer(q, pick.artist_id, pick.platform)
    except query.QueryError:
        return False
    return True


def alerts_measurement(root: Path, clock: Clock) -> Measurement:
    """Row 11: the alerts of every artist, platform and country for the warehouse's last
    complete month."""
    query = require("kit.query", "alerts")
    db = require("kit.db", "cursor")
    last = db.cursor(root).execute("select max(last_date) from data_span").fetchall()[0][0]
    end = last if (last + dt.timedelta(days=1)).day == 1 else last.replace(day=1) - dt.timedelta(days=1)  # fmt: skip
    start = end.replace(day=1)
    started = clock()
    found = query.alerts(start, end, warehouse=root)
    took = clock() - started
    kinds = ", ".join(f"{k} {v:,}" for k, v in found["kind"].value_counts().items())
    return Measurement(
        "alerts",
        f"11. Alerts (kit.query.alerts), every artist, platform and country, {start:%Y-%m}",
        f"{duration(took)}: {len(found):,} alerts ({kinds or 'none'}) of "
        f"{found['artist'].nunique():,} artists",
        ratio=f"÷ goal: {times(took / ALERTS_GOAL)}",
        goal=f"≤ {ALERTS_GOAL:g} s",
        met=took <= ALERTS_GOAL,
        values={"seconds": took, "alerts": len(found)},
    )
