"""The demo's fixed parameters: the defaults, the named cast, markets and platforms, the day model.

What kit.sources.demo's docstring describes in words is set here in numbers; changing
one changes the demo warehouse (and its figures in tests and docs).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

DEFAULT_ARTIST = "Nico Ardenza"
DEFAULT_COUNTRY = "IT"
DEFAULT_MONTH = "2026-09"
DEMO_SEED = 20260918

SOURCE = "demo"
OWN_SOURCE = "s4a"
FRIDAY = 4  # date.weekday()

# ---------------------------------------------------------------- the cast


@dataclass(frozen=True)
class _Named:
    name: str
    home: str
    popularity: float
    reach: float  # international reach, 0..1
    tracks: int  # tracks as main artist


NAMED_ARTISTS: tuple[_Named, ...] = (
    _Named(DEFAULT_ARTIST, "IT", 0.6, 0.08, 32),
    _Named("Harlow Kane", "US", 0.9, 0.7, 24),
    _Named("Sid Vettore", "IT", 0.5, 0.04, 22),
    _Named("Gemma Castaldi", "IT", 0.4, 0.06, 20),
    _Named("June Okafor", "US", 0.85, 0.6, 18),
    _Named("Tobias Wren", "GB", 0.75, 0.6, 18),
    _Named("Valeria Montejo", "ES", 0.6, 0.35, 18),
    _Named("Duda Ferraz", "BR", 0.65, 0.2, 18),
    _Named("Rocco e i Lampioni", "IT", 0.3, 0.03, 16),
    _Named("Kiro Lenz", "DE", 0.5, 0.15, 16),
    _Named("Lina Sørberg", "SE", 0.45, 0.5, 14),
    _Named("Solène Garnier", "FR", 0.45, 0.12, 14),
)

# (main artist, featured artists in credit order, number of such tracks)
COLLABS: tuple[tuple[str, tuple[str, ...], int], ...] = (
    (DEFAULT_ARTIST, ("Sid Vettore",), 3),
    (DEFAULT_ARTIST, ("Gemma Castaldi",), 2),
    (DEFAULT_ARTIST, ("Sid Vettore", "Gemma Castaldi"), 1),
    (DEFAULT_ARTIST, ("Valeria Montejo",), 1),
    ("Sid Vettore", (DEFAULT_ARTIST,), 2),
    ("Sid Vettore", ("Harlow Kane",), 1),
    ("Gemma Castaldi", (DEFAULT_ARTIST,), 2),
    ("Gemma Castaldi", ("Rocco e i Lampioni",), 1),
    ("Rocco e i Lampioni", (DEFAULT_ARTIST,), 1),
    ("Rocco e i Lampioni", ("Sid Vettore",), 1),
    ("Valeria Montejo", (DEFAULT_ARTIST,), 1),
    ("Valeria Montejo", ("Duda Ferraz",), 2),
    ("Duda Ferraz", (DEFAULT_ARTIST, "Valeria Montejo"), 1),
    ("Harlow Kane", (DEFAULT_ARTIST,), 1),
    ("Harlow Kane", ("June Okafor",), 2),
    ("June Okafor", ("Harlow Kane",), 1),
    ("Tobias Wren", ("Lina Sørberg",), 1),
    ("Lina Sørberg", ("Tobias Wren",), 1),
    ("Solène Garnier", ("Kiro Lenz",), 1),
    ("Kiro Lenz", ("Tobias Wren",), 1),
)

# Home countries of generated artists (some outside the charted countries: they count
# in GLOBAL's rest of the world), and how far their music travels.
HOMES = ("US", "GB", "IT", "DE", "FR", "ES", "BR", "SE", "CA", "AU", "MX", "CO", "NL", "PL")
HOME_WEIGHTS = (26, 10, 10, 8, 8, 7, 10, 4, 4, 3, 4, 3, 1.5, 1.5)
REACH = {"US": 0.35, "GB": 0.35, "SE": 0.25, "CA": 0.25, "AU": 0.2, "CO": 0.2, "ES": 0.15}
REACH_OTHER = 0.06
LOCAL_BOOST = 6.0  # affinity at home, against `reach` abroad
LANGUAGE = {"IT": "it", "ES": "es", "MX": "es", "CO": "es", "BR": "pt", "FR": "fr", "DE": "de"}
LANGUAGE.update(SE="sv")

# Streams per day of a track with popularity 1 and affinity 1, by country, on Spotify;
# the rest of the world is one more component of GLOBAL.
UNIT = 150_000
MARKET = {"US": 1.0, "BR": 0.5, "DE": 0.35, "GB": 0.3, "FR": 0.25, "IT": 0.18, "ES": 0.18}
MARKET.update(SE=0.07)
MARKET_OTHER = 0.1
REST_OF_WORLD = 1.5
PLATFORM_SCALE = {"spotify": 1.0, "youtube": 0.6, "apple_music": 0.3, "deezer": 0.1}
PLATFORM_SCALE_OTHER = 0.2
PLATFORM_COUNTRY = {("deezer", "FR"): 4.0, ("deezer", "BR"): 2.0, ("apple_music", "US"): 2.0}
PLATFORM_COUNTRY.update({("apple_music", "GB"): 1.5, ("youtube", "BR"): 1.5})
PLATFORM_SPREAD = {"spotify": 0.1, "youtube": 0.45, "apple_music": 0.25, "deezer": 0.3}
WEEKLY_PLATFORMS = ("spotify", "youtube")
AUDIENCE_METRICS = {
    "spotify": ("monthly_listeners", "followers"),
    "youtube": ("monthly_listeners",),
}
AUDIENCE_METRICS_OTHER = ("followers",)
STREAMS_PER_LISTENER = {"spotify": (3.5, 5.5), "youtube": (2.5, 4.0)}
STREAMS_PER_LISTENER_OTHER = (3.0, 5.0)

# Day and noise model; the bounds in `_candidates` rely on these clips.
RHYTHM = np.array([0.96, 0.95, 0.96, 0.98, 1.08, 1.03, 0.93])  # Monday … Sunday
NOISE_SIGMA = 0.05  # daily lognormal noise, clipped at ±3σ
DRIFT_MAX = 0.12  # amplitude of the slow per-track wave, in log units


# ---------------------------------------------------------------- the bench's footprint

# Spotify's daily top-200 countries, largest markets first (GLOBAL is added): the footprint a
# label's warehouse holds. The other platforms chart in fewer of them, with shorter charts.
FOOTPRINT_COUNTRIES = (
    "US BR DE GB MX FR IT ES CA AU NL SE PL ID PH IN JP AR CL CO TR NO DK FI BE AT CH PT IE NZ "
    "PE EC GT CR DO UY PY BO SV HN NI PA TW HK SG MY TH VN KR ZA NG EG MA AE SA IL GR CZ SK HU "
    "RO BG UA LT LV EE IS LU KZ VE"
).split()
# platform: (its chart countries, the first n of FOOTPRINT_COUNTRIES; its chart length
# against Spotify's)
FOOTPRINT = {
    "spotify": (70, 1.0),
    "youtube": (30, 0.5),
    "apple_music": (40, 0.5),
    "deezer": (20, 0.5),
    "amazon_music": (10, 0.5),
}
FOOTPRINT_START, FOOTPRINT_END = date(2025, 10, 1), date(2026, 10, 31)  # 13 months
FOOTPRINT_OWN_SHARE = 0.02  # own series for 2 % of the tracks
# The footprint's smaller markets taper from 0.15 to about 0.02 of the US; their artists are
# homes too, in proportion to their market (HOME_WEIGHTS' scale).
MARKET.update(
    {
        c: round(0.15 * 0.965**i, 4)
        for i, c in enumerate(c for c in FOOTPRINT_COUNTRIES if c not in MARKET)
    }
)
HOME_WEIGHT_PER_MARKET = 20.0


def audience_metrics(platform: str) -> tuple[str, ...]:
    """The artist_audience metrics the demo makes on `platform`."""
    return AUDIENCE_METRICS.get(platform, AUDIENCE_METRICS_OTHER)
