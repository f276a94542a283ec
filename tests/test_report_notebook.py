"""The monthly report notebook, executed in-process with papermill on the small demo.

One execution (two artists, so two sections) is shared by the tests of its content;
papermill runs cost seconds each, so there are only two: that one and a refused month."""

from __future__ import annotations

import re

import nbformat
import pandas as pd
import pytest
from bs4 import BeautifulSoup

from kit import Query, breakdown, query, summary
from kit.checks import report_findings
from kit.platforms import platform_name
from kit.report import NOTEBOOK, notebook_html

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

SECOND_ARTIST = "Sid Vettore"  # a named demo artist from Italy, featured with the default one


def _execute(tmp, **parameters):
    import papermill

    return papermill.execute_notebook(
        str(NOTEBOOK),
        str(tmp / "report.ipynb"),
        parameters=parameters,
        kernel_name="python3",
        cwd=str(tmp),
        progress_bar=False,
    )


@pytest.fixture(scope="module")
def demo_query(demo_warehouse) -> Query:
    from kit.sources.demo import DEFAULT_ARTIST, DEFAULT_COUNTRY, DEFAULT_MONTH

    return Query(
        [DEFAULT_ARTIST, SECOND_ARTIST],
        DEFAULT_MONTH,
        country=DEFAULT_COUNTRY,
        warehouse=demo_warehouse,
    )


@pytest.fixture(scope="module")
def executed(demo_query, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("report_notebook")
    nb = _execute(
        tmp,
        artists=list(demo_query.artist_names),
        platforms=[],
        country=demo_query.country_code,
        period=demo_query.period,
        warehouse=str(demo_query.warehouse_path),
        output=str(tmp),
        name="report",
        top_n=3,
    )
    return tmp, nb, BeautifulSoup(notebook_html(nb, "report"), "html.parser")


def test_the_committed_notebook_is_thin_without_outputs_and_runs_on_python3():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    assert nb.metadata.kernelspec.name == "python3"
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1 and nb.cells[0] is tagged[0]
    for line in tagged[0].source.splitlines():  # typed, commented literals only
        assert re.fullmatch(r"\w+: [\w\[\]]+ = .+  # .+", line), line
    for cell in nb.cells:
        assert cell.get("outputs", []) == [] and cell.get("execution_count") is None


def test_the_html_holds_every_breakdown_row_of_every_artist_and_platform(executed, demo_query):
    _, _, page = executed
    checked = 0
    for aid in demo_query.artist_ids:
        for platform in demo_query.platform_slugs:
            expected = breakdown(demo_query, aid, platform)
            details = page.find("details", attrs={"data-artist-id": aid, "data-platform": platform})
            body = details.find("tbody")
            rows = body.find_all("tr") if body else []
            assert [r["data-track-id"] for r in rows] == list(expected["track_id"])
            streams = [r.find_all("td")[3].get_text() for r in rows]
            assert streams == [
                "—" if v is None or v != v else f"{int(v):,}"
                for v in expected["total_streams"]
                .astype(object)
                .where(expected["total_streams"].notna(), None)
            ]
            checked += len(rows)
    assert checked > 50


def test_each_breakdown_opens_without_javascript(executed, demo_query):
    _, _, page = executed
    assert page.find("script") is None
    details = page.find_all("details")
    assert len(details) == len(demo_query.artist_ids) * len(demo_query.platform_slugs)
    for d in details:
        assert d.find(recursive=False).name == "summary"
        assert d.find("table") is not None


def test_the_data_checks_findings_follow_the_parameters(executed, demo_query):
    """What kit.checks.report_findings finds for the report, said under its heading (the
    demo breaks no rule; its freshness depends on the day the test runs)."""
    _, _, page = executed
    found = report_findings(demo_query)
    checks = page.find(class_="checks")
    assert checks.find_previous("p", class_="params") is not None
    assert checks.get_text(" ", strip=True).startswith("Data checks:")
    assert [li["data-rule"] for li in checks.find_all("li")] == list(found["rule"])
    assert "error" not in set(found["severity"])


def test_no_code_reaches_the_html(executed):
    _, _, page = executed
    assert page.find(class_="jp-InputArea") is None
    assert "report.artist_section(" not in page.get_text()


def test_each_artist_gets_a_section_whose_question_quotes_their_listeners(executed, demo_query):
    _, _, page = executed
    audience = summary(demo_query)
    headings = [h.get_text() for h in page.find_all("h2") if h.get_text().startswith("Which")]
    expected = []
    for aid, name in zip(demo_query.artist_ids, demo_query.artist_names, strict=True):
        spotify = audience[
            (audience["artist_id"] == aid)
            & (audience["platform"] == "spotify")
            & (audience["metric"] == "monthly_listeners")
        ]
        end = int(spotify["end_value"].iloc[0])
        figure = f"{end / 1e6:.1f}M" if end >= 1e6 else f"{end / 1e3:.1f}K"
        figure = figure.replace(".0M", "M").replace(".0K", "K")
        expected.append(
            f"Which songs made up {name}'s {figure} monthly listeners in Italy in September 2026?"
        )
    assert headings == expected


def test_the_title_of_a_several_artist_report_adds_up_no_listeners(executed, demo_query):
    _, _, page = executed
    title = page.find("h1").get_text()
    assert title == (
        f"Which songs made up the monthly listeners of {demo_query.artist_names[0]} and "
        f"{demo_query.artist_names[1]} in Italy in September 2026?"
    )


def test_the_cards_show_each_platform_of_each_artist(executed, demo_query):
    _, _, page = executed
    audience = summary(demo_query)
    cards = page.find_all("div", class_="card")
    assert len(cards) == len(audience)
    first = audience.iloc[0]
    card = page.find(
        "div", attrs={"data-platform": first["platform"], "data-metric": first["metric"]}
    )
    text = card.get_text(" ", strip=True)
    assert f"Start {int(first['start_value']):,}" in text
    assert f"on {first['peak_date'].date().isoformat()}" in text


def test_the_growth_charts_are_inline_png_images(executed, demo_query):
    _, nb, page = executed
    images = page.find_all("img", src=re.compile(r"^data:image/png;base64,"))
    # per artist: the audience chart and at least one stacked chart of a platform with streams
    assert len(images) >= 2 * len(demo_query.artist_ids)
    outputs = [o for c in nb.cells for o in c.get("outputs", [])]
    assert any("image/png" in o.get("data", {}) for o in outputs)


def test_the_report_explains_listeners_against_streams(executed):
    _, _, page = executed
    section = page.find("h2", string="Listeners and streams")
    assert section is not None
    assert "unique listeners" in section.find_next("div", class_="explain").get_text()


def test_the_workbook_lies_beside_the_report_and_is_linked(executed):
    tmp, _, page = executed
    assert (tmp / "report.xlsx").is_file()
    assert page.find("a", href="report.xlsx") is not None


def test_each_artist_gets_what_moved_since_august_on_every_platform(executed, demo_query):
    _, _, page = executed
    headings = [h.get_text() for h in page.find_all("h3") if "what moved" in h.get_text()]
    assert headings == [f"{name}: what moved since August 2026" for name in demo_query.artist_names]
    for aid in demo_query.artist_ids:
        for platform in demo_query.platform_slugs:
            block = page.find(
                "div",
                class_="moved-platform",
                attrs={"data-artist-id": aid, "data-platform": platform},
            )
            totals = query.movers_totals(demo_query, aid, platform).iloc[0]
            said = block.find("ul", class_="moved-lines").get_text(" ", strip=True)
            assert (
                f"{int(totals['tracks'])} tracks ({int(totals['previous_tracks'])} in August 2026)"
                in said
            )
            if pd.notna(totals["streams"]):
                assert f"Streams: {int(totals['streams']):,} in September 2026" in said
            top = query.movers(demo_query, aid, platform, limit=5)
            shown = [tr["data-track-id"] for tr in block.select("table.movers tbody tr")]
            assert shown == list(top["track_id"])
            if pd.isna(
                totals["streams"]
            ):  # compared by position: no note that every track is "incomplete"
                assert f"No stream counts on {platform_name(platform)}" in said
                notes = [li.get_text() for li in block.select("ul.notes li")]
                assert not any("incomplete figures" in note for note in notes)


def test_each_artist_gets_the_alerts_of_the_period_in_the_country(executed, demo_query):
    _, _, page = executed
    found = query.alerts(
        "2026-09-01", "2026-09-30", countries=["IT"], warehouse=demo_query.warehouse_path,
        artists=list(demo_query.artist_ids), platforms=list(demo_query.platform_slugs),
    )  # fmt: skip
    sections = [
        t.find_next("div", class_="noteworthy")
        for t in page.find_all("h3")
        if "noteworthy in Italy" in t.get_text()
    ]
    assert len(sections) == len(demo_query.artist_ids)
    for aid, section in zip(demo_query.artist_ids, sections, strict=True):
        mine = found[found["artist_id"] == aid]
        rows = section.select("table.alerts tbody tr")
        assert [r.find_all("td")[3].get_text() for r in rows] == list(mine["message"])
        assert len(rows) > 0


def test_the_breakdowns_show_each_tracks_change_since_august(executed, demo_query):
    _, _, page = executed
    aid = demo_query.artist_ids[0]
    details = page.find("details", attrs={"data-artist-id": aid, "data-platform": "spotify"})
    assert "Previous streams" in [th.get_text() for th in details.find_all("th")]
    moved = query.movers(demo_query, aid, "spotify").set_index("track_id")
    for tr in details.find("tbody").find_all("tr"):
        cells = [td.get_text(" ", strip=True) for td in tr.find_all("td")]
        previous = moved.loc[tr["data-track-id"], "previous_streams"]
        assert cells[6] == ("—" if pd.isna(previous) else f"{int(previous):,}")
        assert cells[10].split()[1] == moved.loc[tr["data-track-id"], "status"]


def test_a_month_13_fails_the_run_with_a_clear_message(demo_query, tmp_path):
    from papermill.exceptions import PapermillExecutionError

    with pytest.raises(PapermillExecutionError) as failure:
        _execute(
            tmp_path,
            artists=[demo_query.artist_names[0]],
            period="2026-13",
            warehouse=str(demo_query.warehouse_path),
        )
    assert failure.value.ename == "QueryError"
    assert failure.value.evalue == "Invalid month '2026-13': the month must be 01 to 12."
    saved = (tmp_path / "report.ipynb").read_text()
    assert "Invalid month '2026-13': the month must be 01 to 12." in saved


# ---------------------------------------------------------------- one fetch per figure

# The SQL definition (kit/sql/) each kit.query call runs, by the name it selects from.
DEFINITION = re.compile(r"\bfrom\s+(\w+)")
# an answer put together from the serving layer's parts (kit.query.parts.served), or a
# calendar month's breakdown read as stored: named after the definition it equals
SERVED = re.compile(r"\bfrom\s+(\w+)_served\(")
MONTH = re.compile(r"\bfrom\s+(\w+)_month\(")
# a row's breakdown, footer, series and growth in one statement (kit.query.breakdown_and_series)
ROW = re.compile(r"\bfrom\s+(breakdown_and_series)\(")


def _definition(sql: str) -> str:
    served = ROW.search(sql) or SERVED.search(sql) or MONTH.search(sql)
    return served.group(1) if served else DEFINITION.search(sql).group(1)


# the alerts are one statement (chart_alerts, then series_alerts for every platform ×
# country from the serving layer: series_alerts_served, so named after series_alerts)
PER_REPORT = {"audience_summary", "audience_daily", "period_sources", "audience_comparison", "series_alerts"}  # fmt: skip
# the breakdown, its footer and the tracks' series and growth are one statement from the
# serving layer (the demo has one; kit.query.breakdown_and_series)
PER_ARTIST_AND_PLATFORM = {
    "breakdown_and_series",
    "track_movers",
    "track_movers_totals",
}
PER_TOP_TRACK = {"track_positions", "track_milestones", "track_comparison"}


def test_one_report_runs_each_query_once(demo_query, tmp_path, monkeypatch, capsys):
    """The committed notebook's cells, run in this process with kit.query's one execution
    helper counted: the report's figures are fetched once and every cell uses them."""
    from kit import checks, query

    pairs = [(a, p) for a in demo_query.artist_ids for p in demo_query.platform_slugs]
    top = {(t, p) for a, p in pairs for t in query.breakdown(demo_query, a, p, limit=3)["track_id"]}
    runs: list[tuple[str, dict]] = []
    real = query.core._run

    def counted(cur, sql, params=None):
        runs.append((_definition(sql), dict(params or {})))
        return real(cur, sql, params)

    monkeypatch.setattr(query.core, "_run", counted)
    # the movers of two calendar months compare the months' stored rows, read without a
    # statement (kit/query/month_rows.py): their statement names no artist, the reads do
    stored: list[tuple[str, str]] = []
    # the movers of a calendar month against the month before are stored (kit/query/moved.py
    # reads artist_track_movers through the same reader): no statement, a read per pair
    movers_read: list[tuple[str, str]] = []
    real_read = query.month_rows.month_rows

    def read(snap, platform, month, country, artist_id, columns, table=query.month_rows.TABLE):
        (movers_read if table == query.moved.MOVERS_TABLE else stored).append((artist_id, platform))
        return real_read(snap, platform, month, country, artist_id, columns, table)

    monkeypatch.setattr(query.month_rows, "month_rows", read)
    checked = []
    real_findings = checks.report_findings

    def findings(q, **kwargs):
        checked.append(q)
        return real_findings(q, **kwargs)

    monkeypatch.setattr(checks, "report_findings", findings)
    cells = [c.source for c in nbformat.read(NOTEBOOK, as_version=4).cells if c.cell_type == "code"]
    names: dict = {}
    exec(cells[0], names)
    names.update(
        artists=list(demo_query.artist_names),
        country=demo_query.country_code,
        period=demo_query.period,
        warehouse=str(demo_query.warehouse_path),
        output=str(tmp_path),
        name="counted",
    )
    for cell in cells[1:]:
        exec(cell, names)
    capsys.readouterr()
    assert (tmp_path / "counted.xlsx").is_file()

    ran = [name for name, _ in runs]
    assert len(checked) == 1  # the data checks too, in the Selection
    assert set(ran) <= PER_REPORT | PER_ARTIST_AND_PLATFORM | PER_TOP_TRACK
    for name in PER_REPORT:
        assert ran.count(name) == 1, name
    for name in PER_ARTIST_AND_PLATFORM:
        asked = [(params["artist"], params["platform"]) for n, params in runs if n == name and "artist" in params]  # fmt: skip
        if name == "track_movers" and movers_read:
            assert sorted(movers_read) == sorted(pairs) and name not in ran
            continue
        if name.startswith("track_movers") and not asked:
            # read as stored: one statement per pair, each reading the pair's two months
            assert ran.count(name) == len(pairs), name
            continue
        assert sorted(asked) == sorted(pairs), name
    # each statement of movers or their footer without an artist reads the two months of
    # every pair as stored
    read_as_stored = {n for n, params in runs if n.startswith("track_movers") and "artist" not in params}  # fmt: skip
    assert sorted(stored) == sorted(pairs * 2 * len(read_as_stored))
    positions = [
        (params["track"], params["platform"]) for n, params in runs if n == "track_positions"
    ]
    assert sorted(positions) == sorted(top)
    for name in ("track_milestones", "track_comparison"):
        asked = [(params["track"], params["platform"]) for n, params in runs if n == name]
        assert len(asked) == len(set(asked)) > 0 and set(asked) <= top, name
