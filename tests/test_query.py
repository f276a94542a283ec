"""A Query is validated once, and every refusal says what to change."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from kit import Query, QueryError, warehouse
from kit.period import PeriodError, parse_period, previous_month

D = dt.date


@pytest.fixture(scope="module")
def wh(tmp_path_factory):
    root = tmp_path_factory.mktemp("query") / "warehouse"
    warehouse.write(
        {
            "artists": pd.DataFrame(
                {"artist_id": ["luna-vesper", "marco-sole"], "name": ["Luna Vesper", "Marco Sole"]}
            ),
            "artist_audience": pd.DataFrame(
                {
                    "date": [D(2026, 9, 1), D(2026, 9, 2), D(2026, 9, 3)],
                    "platform": ["spotify", "spotify", "deezer"],
                    "country": ["IT", "IT", "DE"],  # Deezer: only in Germany
                    "artist_id": "luna-vesper",
                    "metric": ["monthly_listeners", "monthly_listeners", "followers"],
                    "value": [10, 11, 5],
                    "source": "test",
                }
            ),
            # Marco Sole: an own series (say, a Spotify for Artists export), nothing else
            "tracks": pd.DataFrame({"track_id": ["m1"], "title": ["Mattino"]}),
            "track_credits": pd.DataFrame(
                {
                    "track_id": ["m1"],
                    "artist_id": ["marco-sole"],
                    "role": ["main"],
                    "credit_order": [1],
                }
            ),
            "track_streams": pd.DataFrame(
                {
                    "date": [D(2026, 9, 3)],
                    "platform": "spotify",
                    "country": "IT",
                    "track_id": "m1",
                    "streams": [50],
                    "source": "s4a",
                }
            ),
        },
        source="test",
        warehouse=root,
    )
    return root


def test_artists_resolve_by_name_in_any_case_or_by_id(wh):
    q = Query(["luna vesper", "marco-sole"], "2026-09", country="it", warehouse=wh)
    assert q.artist_ids == ("luna-vesper", "marco-sole")
    assert q.artist_names == ("Luna Vesper", "Marco Sole")
    assert q.country_code == "IT"
    assert q.platform_slugs == ("spotify",)


@pytest.mark.parametrize(
    ("period", "start", "end"),
    [
        ("2026-09", D(2026, 9, 1), D(2026, 9, 30)),
        ("2026-09-01:2026-09-02", D(2026, 9, 1), D(2026, 9, 2)),
        (("2026-09-01", D(2026, 9, 30)), D(2026, 9, 1), D(2026, 9, 30)),
        ("28d:2026-09-28", D(2026, 9, 1), D(2026, 9, 28)),
    ],
)
def test_every_period_form_is_accepted(wh, period, start, end):
    q = Query("Luna Vesper", period, country="IT", warehouse=wh)
    assert (q.start, q.end) == (start, end)


def test_an_unknown_artist_is_refused_with_close_matches(wh):
    with pytest.raises(
        QueryError, match=r"^Unknown artist 'Luna Vespa'\. Did you mean: Luna Vesper\?$"
    ):
        Query("Luna Vespa", "2026-09", country="IT", warehouse=wh)


def test_an_unknown_artist_without_close_matches_gets_no_suggestion(wh):
    with pytest.raises(QueryError, match=r"^Unknown artist 'Zzz'\.$"):
        Query("Zzz", "2026-09", country="IT", warehouse=wh)


def test_a_period_that_ends_before_it_starts_is_refused(wh):
    with pytest.raises(QueryError, match=r"it ends \(2026-09-01\) before it starts \(2026-09-30\)"):
        Query("Luna Vesper", "2026-09-30:2026-09-01", country="IT", warehouse=wh)


def test_month_13_is_refused(wh):
    with pytest.raises(QueryError, match=r"Invalid month '2026-13': the month must be 01 to 12"):
        Query("Luna Vesper", "2026-13", country="IT", warehouse=wh)


def test_a_malformed_period_is_refused(wh):
    with pytest.raises(
        QueryError, match=r"expected YYYY-MM, YYYY-MM-DD:YYYY-MM-DD or 28d:YYYY-MM-DD"
    ):
        Query("Luna Vesper", "September", country="IT", warehouse=wh)


def test_an_unknown_platform_is_refused_with_the_known_ones(wh):
    with pytest.raises(
        QueryError,
        match=r"Unknown platform 'spotfy': expected one of spotify, .*Did you mean: spotify\?",
    ):
        Query("Luna Vesper", "2026-09", platforms="spotfy", country="IT", warehouse=wh)


def test_an_unknown_country_code_is_refused(wh):
    with pytest.raises(
        QueryError, match=r"Unknown country 'XQ': expected an ISO 3166-1 alpha-2 code"
    ):
        Query("Luna Vesper", "2026-09", country="XQ", warehouse=wh)


def test_a_country_may_be_given_by_name(wh):
    assert Query("Luna Vesper", "2026-09", country="Italy", warehouse=wh).country_code == "IT"


def test_a_period_with_no_data_is_refused_with_what_there_is(wh):
    with pytest.raises(
        QueryError,
        match=r"No data for Luna Vesper on any platform in IT from 2026-07-01 to 2026-07-31\. "
        r"The warehouse has data for them in IT from 2026-09-01 to 2026-09-02\.",
    ):
        Query("Luna Vesper", "2026-07", country="IT", warehouse=wh)


def test_a_missing_warehouse_is_refused(tmp_path):
    with pytest.raises(QueryError, match=r"No warehouse at .*: run `kit demo`"):
        Query("Luna Vesper", "2026-09", warehouse=tmp_path / "nowhere")


def test_asking_for_an_artist_outside_the_query_is_refused(wh):
    q = Query("Luna Vesper", "2026-09", country="IT", warehouse=wh)
    with pytest.raises(QueryError, match=r"Artist 'Marco Sole' is not part of this query"):
        q.artist_id("Marco Sole")


def test_a_28_day_window_needs_the_sql_definition():
    with pytest.raises(PeriodError, match="needs the warehouse's definition"):
        parse_period("28d:2026-09-28")


def test_the_previous_month_crosses_the_year():
    assert previous_month(D(2026, 1, 15)) == "2025-12"
    assert previous_month(D(2026, 11, 26)) == "2026-10"


def test_no_data_on_a_named_platform_names_it(wh):
    with pytest.raises(
        QueryError, match=r"^No data for Luna Vesper on deezer in IT from 2026-09-01"
    ):
        Query("Luna Vesper", "2026-09", platforms="deezer", country="IT", warehouse=wh)


def test_an_artist_with_only_own_series_values_has_data(wh):
    q = Query("Marco Sole", "2026-09", country="IT", warehouse=wh)
    assert q.platform_slugs == ("spotify",)


def test_a_platform_with_data_only_in_another_country_is_not_a_default(wh):
    assert Query("Luna Vesper", "2026-09", country="IT", warehouse=wh).platform_slugs == (
        "spotify",
    )
    assert Query("Luna Vesper", "2026-09", country="DE", warehouse=wh).platform_slugs == ("deezer",)


def test_a_platform_with_data_only_in_another_period_is_not_a_default(wh):
    # Spotify has data in September, but not from the 3rd on: no platform has data then
    with pytest.raises(
        QueryError,
        match=r"^No data for Luna Vesper on any platform in IT from 2026-09-03 to 2026-09-30\. "
        r"The warehouse has data for them in IT from 2026-09-01 to 2026-09-02\.$",
    ):
        Query("Luna Vesper", "2026-09-03:2026-09-30", country="IT", warehouse=wh)
