"""The Explorer follows the warehouse on Update: what a commit brought during the session
(by this process or by `kit ingest` in another one) is offered in its pickers, the
analyst's selection stays where it still exists, and the notes say what changed.

Each test has its own warehouse (worldwide unless said otherwise, September 2026):

  Luna Vesper, Spotify: monthly listeners Sep 1 = 1,000, Sep 30 = 1,500; Italy Sep 1 = 300.
  Marco Sole, Spotify: monthly listeners Sep 1 = 200, Sep 30 = 100.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from bs4 import BeautifulSoup

from kit import warehouse
from kit.explorer import Explorer

D = dt.date
FIRST, LAST = D(2026, 9, 1), D(2026, 9, 30)


def _audience(artist_id: str, points: dict[dt.date, int], **where: str) -> list[dict]:
    return [
        {
            "date": d,
            "platform": where.get("platform", "spotify"),
            "country": where.get("country", "GLOBAL"),
            "artist_id": artist_id,
            "metric": "monthly_listeners",
            "value": v,
            "source": "fixture",
        }
        for d, v in points.items()
    ]


def _commit(root: Path, artists: dict[str, str], audience: list[dict]) -> None:
    """One commit through the warehouse's write path: artists {id: name} and their points."""
    warehouse.write(
        {
            "artists": pd.DataFrame({"artist_id": list(artists), "name": list(artists.values())}),
            "artist_audience": pd.DataFrame(audience),
        },
        source="fixture",
        warehouse=root,
    )


def _first_warehouse(root: Path) -> None:
    _commit(
        root,
        {"luna-vesper": "Luna Vesper", "marco-sole": "Marco Sole"},
        _audience("luna-vesper", {FIRST: 1000, LAST: 1500})
        + _audience("luna-vesper", {FIRST: 300}, country="IT")
        + _audience("marco-sole", {FIRST: 200, LAST: 100}),
    )


@pytest.fixture
def wh(tmp_path) -> Path:
    root = tmp_path / "warehouse"
    _first_warehouse(root)
    return root


def explorer(wh: Path, **kwargs) -> Explorer:
    kwargs.setdefault("artists", ["Luna Vesper"])
    kwargs.setdefault("period", "2026-09")
    return Explorer(warehouse=wh, fetcher=None, **kwargs)


def text(html: str) -> str:
    return BeautifulSoup(html, "html.parser").get_text(" ", strip=True)


def _kit(*args: str) -> subprocess.CompletedProcess:
    """`kit …` in its own process, as an analyst runs it in a terminal beside the Explorer."""
    kit = Path(sys.executable).with_name("kit")  # the command the package installs
    return subprocess.run([str(kit), *args], capture_output=True, text=True, check=False)


def test_update_offers_an_artist_committed_since_the_explorer_was_made(wh):
    ex = explorer(wh, artists=["Luna Vesper", "Marco Sole"], country="IT")
    assert ex.artist_input.options == ("Luna Vesper", "Marco Sole")
    assert ex.artists.allowed_tags == ["Luna Vesper", "Marco Sole"]
    ex.artists.value = ["Marco Sole"]  # the analyst's selection, changed after opening
    _commit(wh, {"nova-quinn": "Nova Quinn"}, _audience("nova-quinn", {FIRST: 50, LAST: 70}))
    ex.update.click()
    assert ex.artist_input.options == ("Luna Vesper", "Marco Sole", "Nova Quinn")
    assert ex.artists.allowed_tags == ["Luna Vesper", "Marco Sole", "Nova Quinn"]
    assert ex.artists.value == ["Marco Sole"]
    assert ex.country.value == "IT"
    assert text(ex.notes.value) == "New in the warehouse: Nova Quinn."


def test_an_artist_committed_since_is_added_by_typing_its_name_and_shown_on_update(wh):
    ex = explorer(wh)
    _commit(wh, {"nova-quinn": "Nova Quinn"}, _audience("nova-quinn", {FIRST: 50, LAST: 70}))
    ex.artist_input.value = "nova quinn"
    ex.add_artist.click()
    assert ex.error.value == ""
    assert ex.artists.value == ["Luna Vesper", "Nova Quinn"]
    assert "Nova Quinn" in ex.artist_input.options
    ex.update.click()
    assert ex.error.value == ""
    assert [(r.artist_id, r.platform) for r in ex.rows] == [
        ("luna-vesper", "spotify"),
        ("nova-quinn", "spotify"),
    ]
    assert "Luna Vesper, Nova Quinn · Worldwide · September 2026" in ex.heading.value


def test_update_offers_the_artist_and_country_kit_ingest_loaded_in_another_process(wh, tmp_path):
    ex = explorer(wh, country="IT")
    assert ex.country.options == (("Worldwide", "GLOBAL"), ("Italy", "IT"))
    table = tmp_path / "audience.csv"
    table.write_text(
        "artist,platform,country,date,metric,value\n"
        "Nora Quinn,spotify,ES,2026-09-01,monthly_listeners,400\n"
        "Nora Quinn,spotify,ES,2026-09-30,monthly_listeners,440\n"
    )
    done = _kit("ingest", "table", str(table), "--kind", "audience", "--warehouse", str(wh))
    assert done.returncode == 0, done.stderr
    ex.update.click()
    assert ex.artist_input.options == ("Luna Vesper", "Marco Sole", "Nora Quinn")
    assert ex.country.options == (("Worldwide", "GLOBAL"), ("Italy", "IT"), ("Spain", "ES"))
    assert (ex.artists.value, ex.country.value) == (["Luna Vesper"], "IT")
    assert "Luna Vesper · Italy · September 2026" in ex.heading.value
    ex.artists.value = ["Nora Quinn"]
    ex.country.value = "ES"
    ex.update.click()
    assert ex.error.value == ""
    assert "Nora Quinn · Spain · September 2026" in ex.heading.value
    assert [r.platform for r in ex.rows] == ["spotify"]


def test_update_offers_a_platform_committed_since(wh):
    ex = explorer(wh)
    assert ex.platforms.options == (("Spotify", "spotify"),)
    _commit(
        wh,
        {"luna-vesper": "Luna Vesper"},
        _audience("luna-vesper", {FIRST: 80, LAST: 90}, platform="apple_music"),
    )
    ex.update.click()
    assert ex.platforms.options == (("Spotify", "spotify"), ("Apple Music", "apple_music"))
    assert [r.platform for r in ex.rows] == ["spotify", "apple_music"]


def test_the_presets_count_back_from_the_data_committed_since(wh):
    ex = explorer(wh, period="last_month")
    assert "Luna Vesper · Worldwide · September 2026" in ex.heading.value
    _commit(wh, {"luna-vesper": "Luna Vesper"}, _audience("luna-vesper", {D(2026, 10, 31): 1600}))
    ex.update.click()
    assert "Luna Vesper · Worldwide · October 2026" in ex.heading.value
    assert "2026-10-31" in ex.heading.value  # the day the presets count back from
    assert ex.notes.value == ""  # new figures, no new artist: nothing to say


def test_a_picked_artist_the_warehouse_no_longer_holds_is_taken_off_and_the_notes_say_so(wh):
    ex = explorer(wh, artists=["Luna Vesper", "Marco Sole"])
    assert len(ex.rows) == 2
    # the warehouse at the same path is made again, without Marco Sole
    shutil.rmtree(wh)
    _commit(wh, {"luna-vesper": "Luna Vesper"}, _audience("luna-vesper", {FIRST: 10, LAST: 20}))
    ex.update.click()
    assert ex.error.value == ""
    assert text(ex.notes.value) == (
        "No longer in the warehouse, taken off the selection: Marco Sole."
    )
    assert ex.artists.value == ["Luna Vesper"]
    assert ex.artist_input.options == ("Luna Vesper",)
    assert ex.artists.allowed_tags == ["Luna Vesper"]
    assert [r.artist_id for r in ex.rows] == ["luna-vesper"]
    assert ex.country.options == (("Worldwide", "GLOBAL"),)


def test_when_every_picked_artist_is_gone_update_says_so_and_asks_for_one(wh):
    ex = explorer(wh, artists=["Marco Sole"], country="IT")
    shutil.rmtree(wh)
    _commit(wh, {"nova-quinn": "Nova Quinn"}, _audience("nova-quinn", {FIRST: 50, LAST: 70}))
    ex.update.click()
    assert text(ex.notes.value) == (
        "No longer in the warehouse, taken off the selection: Marco Sole. "
        "New in the warehouse: Nova Quinn."
    )
    assert "Pick at least one artist." in ex.error.value
    assert ex.artists.value == []
    assert ex.rows == []
    # the country picked stays offered, though the warehouse has no data there now
    assert ex.country.options == (("Worldwide", "GLOBAL"), ("Italy", "IT"))
    assert ex.country.value == "IT"


def test_an_artist_never_in_the_warehouse_is_still_refused_with_close_matches(wh):
    ex = explorer(wh, artists=["Luna Vespa"])
    _commit(wh, {"nova-quinn": "Nova Quinn"}, _audience("nova-quinn", {FIRST: 50, LAST: 70}))
    ex.update.click()
    assert "Unknown artist 'Luna Vespa'. Did you mean: Luna Vesper?" in text(ex.error.value)
    assert ex.artists.value == ["Luna Vespa"]


def test_update_on_the_same_version_reads_no_catalogue_and_leaves_the_pickers_alone(wh):
    ex = explorer(wh)
    held = ex.model.catalogue
    reset: list[str] = []
    for picker in (ex.artist_input, ex.artists, ex.country):
        picker.observe(lambda change: reset.append(change["name"]), ["options", "allowed_tags"])
    ex.update.click()
    ex.update.click()
    assert ex.model.catalogue is held  # kept per version: not read again
    assert reset == []
    _commit(wh, {"nova-quinn": "Nova Quinn"}, _audience("nova-quinn", {FIRST: 50}, country="ES"))
    ex.update.click()
    assert ex.model.catalogue is not held
    assert reset == ["options", "allowed_tags", "options"]
    ex.update.click()
    assert reset == ["options", "allowed_tags", "options"]
    assert ex.notes.value == ""  # said once, on the Update that found it


def test_the_notes_name_the_first_three_new_artists_and_count_the_others(wh):
    ex = explorer(wh)
    new = {"ada": "Ada Bell", "bo": "Bo Chen", "cy": "Cy Dorn", "di": "Di Evans"}
    _commit(wh, new, _audience("ada", {FIRST: 5}))
    ex.update.click()
    assert text(ex.notes.value) == "New in the warehouse: Ada Bell, Bo Chen, Cy Dorn and 1 more."
    assert ex.artist_input.options == (
        "Ada Bell",
        "Bo Chen",
        "Cy Dorn",
        "Di Evans",
        "Luna Vesper",
        "Marco Sole",
    )
    assert ex.artists.value == ["Luna Vesper"]
