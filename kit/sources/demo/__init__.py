"""The demo warehouse: fictional artists, tracks, charts and audience, made deterministically.

`build_demo()` writes, through `kit.warehouse.write`, two years of daily data that look
like what a label's analyst works with. The same seed and scale give the same rows.
Everything is generated with vectorised numpy/pyarrow; Python loops run only over
platforms, countries, chunks of weeks and the named artists.

The model
---------
- **Artists.** `n_artists` focus artists (the roster whose audience is tracked): twelve
  named ones, `DEFAULT_ARTIST` first, with featured credits between them; at larger
  scales the next ones are the most popular generated artists. `n_filler_artists` more
  generated artists fill the charts. Each artist has a home country, a popularity and an
  international reach; its affinity to a country is large at home and its reach abroad.
  All names, of artists and of songs, are made up (Italian, English, Spanish,
  Portuguese, French, German and Swedish word lists).
- **Tracks.** One main artist (role 'main', credit_order 1); some have one or two
  featured artists (role 'featured', credit_order 2, 3). Popularity is Zipf-like, both
  across artists and across an artist's tracks. Releases fall on Fridays: a catalogue
  before the period and about a quarter inside it. Ids are Spotify-like 22-character
  base62 strings (usable as open.spotify.com/track/<id>, though fictional); each track
  has an ISRC and a release date.
- **Streams** of track t on platform p in country c on day d::

      round(E0[p, t, c] · life_t(d − release_t) · drift[p, t](d) · day(d) · noise)

  `life` is 0 before release, then ``(1 + spike · e^(−age/τ)) · (1 + age/365)^(−decay)``:
  a release spike and a decay. `day` is the weekly rhythm (Friday peak, Sunday low) ×
  season × market growth; `drift` a slow per-track wave; `noise` lognormal, clipped at
  ±3σ. GLOBAL is the sum of the countries plus a rest-of-world part, so it is never
  less than the sum of the countries.
- **Charts** (chart_entries, source 'demo', chart 'top'). Daily charts per platform ×
  country (and GLOBAL) list the `chart_size` tracks with the most streams that day
  (only tracks released by then; ties go to the track generated first);
  previous_position is the position on the day before, NULL for a new entry or a
  re-entry. Weekly charts, for spotify and youtube, are dated on Thursdays, the last day
  of a Friday–Thursday week, and rank the sums of the seven daily values. Spotify and
  YouTube charts carry their streams; Apple Music and Deezer only positions (streams
  NULL). Only tracks that can reach some chart are materialised: a bound on the noise
  proves that the others never outrank the `chart_size`-th track (see `_candidates`).
- **Own series** (track_streams, source 's4a', as a roster's team exports them from
  Spotify for Artists): Spotify, every track credited to a named artist, in
  DEFAULT_COUNTRY, GLOBAL and the main artist's home country, from release day on. A
  value is the chart's streams for that day plus 0.5–3 % (at least 1): the chart
  filters some streams, so the two sources always differ. About 3 % of days are
  missing, plus one run of 3–8 days per series.
- **Audience** (artist_audience, source 'demo'), per focus artist × platform × country
  (and GLOBAL), daily from the artist's first release:

  - spotify: `monthly_listeners` = the artist's streams (main and featured tracks) over
    the 28 days to that day ÷ a streams-per-listener ratio of 3.5–5.5 (per artist,
    varying slowly), so listeners < streams in 28 days; `followers`, growing each day
    by a small share of that day's listeners;
  - youtube: `monthly_listeners` in the same way (ratio 2.5–4.0);
  - apple_music, deezer (and any other platform): `followers` (ratio 3.0–5.0).

  GLOBAL is the sum of the countries and the rest of the world, for listeners as for
  followers, so it is never below one country's figure.
  Gaps: YouTube in DEFAULT_COUNTRY misses days 14–17 of DEFAULT_MONTH for every artist
  (coverage < 100 %), and Apple Music and Deezer miss about 1 % of days.
- **The default view.** DEFAULT_ARTIST is Italian, strongest in Italy: about 8–10M
  Spotify monthly listeners there in DEFAULT_MONTH and some 40 charting tracks, main
  and featured (one with a US star), and streams on YouTube. His most popular single
  is released on the third Friday of DEFAULT_MONTH (2026-09-18), a track whose
  coverage of that month is below 100 %.
- **Planted events** (events.py), so that the month has something to report: besides
  that release, an old track of his goes viral in DEFAULT_COUNTRY from the 8th, his
  biggest catalogue track drops on Spotify there from the 14th, and a track he is
  featured on is taken down everywhere on the 21st. They draw no random numbers: every
  row before the 8th, and every other track's streams, are what they are without them
  (the charts around these tracks reorder).
- **Loads.** One `write()` for artists, tracks and track_credits, then one per
  platform (its chart_entries, artist_audience and, for Spotify, track_streams), each
  logged in ingest_log as source 'demo', file "demo seed=<seed>".

Modules: parameters.py (the numbers above), words.py (the name and title word lists),
scale.py (`DemoScale`, the timeline), cast.py (artists, tracks, credits), events.py (the
planted events), streams.py (streams, charts, own series), audience.py, build.py
(`build_demo`).
"""

from .build import build_demo
from .parameters import (
    DEFAULT_ARTIST,
    DEFAULT_COUNTRY,
    DEFAULT_MONTH,
    DEMO_SEED,
    NAMED_ARTISTS,
    OWN_SOURCE,
    SOURCE,
)
from .scale import DemoScale

__all__ = [
    "DEFAULT_ARTIST",
    "DEFAULT_COUNTRY",
    "DEFAULT_MONTH",
    "DEMO_SEED",
    "NAMED_ARTISTS",
    "OWN_SOURCE",
    "SOURCE",
    "DemoScale",
    "build_demo",
]
