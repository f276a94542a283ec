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
- **Loads.** One `write()` for artists, tracks and track_credits, then one per
  platform (its chart_entries, artist_audience and, for Spotify, track_streams), each
  logged in ingest_log as source 'demo', file "demo seed=<seed>".
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pyarrow as pa
from tqdm.auto import tqdm

from .. import ids
from ..platforms import PLATFORMS, normalise_platform
from ..schema import GLOBAL
from ..warehouse import write

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

# ---------------------------------------------------------------- word lists

_FIRST = {
    "it": "Marco Giulia Luca Chiara Matteo Sara Davide Elisa Andrea Federica Simone Martina "
    "Pietro Irene Tommaso Alessia Riccardo Noemi Edoardo Beatrice Lorenzo Arianna Filippo Greta",
    "en": "Jack Olivia Noah Emma Liam Ava Mason Grace Ethan Chloe Leo Ruby Caleb Maya Owen "
    "Hazel Miles Ivy Jonah Nora Felix Piper Reid Sadie",
    "es": "Alejandro Lucía Diego Valentina Mateo Camila Pablo Sofía Javier Daniela Nicolás "
    "Paula Iker Carla Hugo Alba Marcos Rocío Sergio Ximena",
    "pt": "João Ana Gabriel Beatriz Lucas Mariana Rafael Larissa Thiago Bruna Bruno Letícia "
    "Caio Júlia Vitor Bianca",
    "fr": "Louis Léa Manon Jules Inès Arthur Zoé Théo Clara Nathan Jade Gabin Lou Victor "
    "Margaux Basile",
    "de": "Lukas Lena Jonas Mia Paul Hannah Finn Lea Elias Emilia Moritz Niklas Johanna "
    "Anton Frieda Greta",
    "sv": "Elsa Oskar Alva Hugo Saga Axel Maja Viktor Ebba Nils Tilde Albin Wilma Ludvig Freja Arvid",
}
_LAST = {
    "it": "Bellandi Ferraro Lombardi Rinaldi Caruso Marchetti Galli Colombo Serra Vitale Fabbri "
    "Moretti Sartori Pellegrini Guidi Donati Orlandi Testa Neri Basile Farina Palumbo Cattaneo",
    "en": "Parker Hayes Collins Brooks Foster Reed Bennett Gray Hughes Price Ward Sullivan "
    "Porter Hale Monroe Sutton Lane Carver Whitley Ellis Maddox Quinn Fletcher Rowe",
    "es": "García Morales Herrera Castillo Navarro Romero Vidal Ortega Delgado Cruz Molina "
    "Rubio Santos Vega Campos Ibarra Pardo Salas",
    "pt": "Silva Souza Oliveira Costa Almeida Ribeiro Carvalho Lima Barbosa Rocha Teixeira "
    "Moura Araújo Pinheiro Mendes Cardoso",
    "fr": "Martin Bernard Dubois Lefèvre Moreau Laurent Fournier Girard Bonnet Mercier Blanc "
    "Guérin Faure Rousseau Chevalier Roux",
    "de": "Becker Hoffmann Wagner Schulz Koch Richter Klein Wolf Neumann Schwarz Zimmermann "
    "Krüger Hartmann Lange Vogel Brandt",
    "sv": "Lindqvist Berg Ekström Holm Sjöberg Nyström Lund Dahl Forsberg Wallin Engström "
    "Strand Björk Hedlund Sandberg Lindgren",
}
_STAGE_PREFIX = "Lil|Young|DJ|MC|Baby|Big".split("|")
_STAGE_WORD = (
    "Nebbia|Cobalto|Riva|Vortex|Sable|Kairo|Nova|Pixel|Kobra|Zaffiro|Maru|Tempo|Rayo|Onda|"
    "Nimbus|Ferro|Quasar|Brezza|Sombra|Lumen|Vesper|Orbit|Santo|Jinx"
).split("|")
_BAND_ADJ = "Velvet|Paper|Neon|Silver|Crimson|Lonely|Electric|Golden|Hollow|Northern".split("|")
_BAND_NOUN = "Foxes|Satellites|Harbours|Comets|Lanterns|Tides|Pilots|Orchards|Parades".split("|")

_TITLE_WORDS = {
    "it": {
        "phrase": "Non ci penso più|Ti porto via|Ancora un po'|Fuori orario|Mille volte|Resta qui|"
        "Tutto torna|Dimmi di sì|Fino all'alba|Balla con me|Da capo|A mezzanotte|Senza fare "
        "rumore|Chiamami stanotte|Ultimo treno|Vieni via|Lontano da qui|Giorni migliori|Amore "
        "a metà|Sulla luna|Come le onde|Niente di che|Piano piano|Tra le nuvole|Ci vediamo a "
        "Milano|Estate infinita|Notti bianche|Cuore di vetro",
        "noun": "Notte|Luna|Mare|Estate|Cuore|Strada|Città|Vento|Fuoco|Pioggia|Stelle|Sogni|"
        "Parole|Lacrime|Baci|Occhi|Tramonto|Polvere|Ombra|Sole|Domenica|Venere|Motorino|"
        "Tempesta|Silenzio|Bugie|Rose|Periferia|Maree|Sabbia|Fulmini|Cometa|Asfalto|Vertigine|"
        "Ossigeno|Febbre|Ghiaccio|Miele",
        "templates": (
            (0.4, "{}", "phrase"),
            (0.15, "{}", "noun"),
            (0.2, "{} di {}", "noun", "noun"),
        )
        + ((0.08, "Senza {}", "noun"), (0.17, "{} e {}", "noun", "noun")),
    },
    "en": {
        "phrase": "Call Me When You Land|Stay the Night|Don't Look Back|All We Had|Out of Time|"
        "Say It Again|Nobody Knows|Hold On Tight|Run Away With Me|Too Late Now|Back to You|"
        "Somewhere New|Tell Me Why|Before the Sun|One More Summer|Under My Skin|Fall Apart|"
        "Keep Me Warm|Weekend Lover|Waiting Room|Slow Motion|Overthinking|Little Victories",
        "adj": "Golden|Electric|Broken|Neon|Silver|Wild|Lonely|Paper|Velvet|Quiet|Crimson|Faded|"
        "Endless|Sweet|Cold|Burning|Hollow|Lucky|Heavy|Secret|Fragile|Midnight|Northern",
        "noun": "Hearts|Highway|Lights|Sky|Rain|Ghosts|Fire|Dreams|Roses|Waves|City|Letters|"
        "Echoes|Diamonds|Shadows|Gravity|Thunder|Satellites|Mirrors|Horizon|Heartbeat|"
        "Daylight|Motel|Ocean",
        "templates": ((0.45, "{}", "phrase"), (0.35, "{} {}", "adj", "noun"), (0.12, "{}", "noun"))
        + ((0.08, "No More {}", "noun"),),
    },
    "es": {
        "phrase": "Dime Que Sí|Otra Vez|Hasta el Amanecer|Sin Ti|Quédate Aquí|Te Vi Pasar|"
        "Mil Razones|No Me Olvides|Una Noche Más|Vuelve Pronto|Entre Tú y Yo|Perreo Lento|"
        "Fuego Lento|Amor de Verano|Nadie Como Tú|Corazón Roto",
        "noun": "Noche|Fuego|Corazón|Luna|Playa|Besos|Calle|Verano|Mentiras|Lágrimas|Cielo|"
        "Marea|Tormenta|Ciudad|Sueños|Veneno|Azúcar|Sombra|Locura|Madrugada",
        "templates": (
            (0.45, "{}", "phrase"),
            (0.2, "{}", "noun"),
            (0.25, "{} de {}", "noun", "noun"),
        )
        + ((0.1, "Sin {}", "noun"),),
    },
    "pt": {
        "phrase": "Vem Comigo|Fica Aqui|Só Mais Uma Vez|Deixa Acontecer|Sem Você|Até o Sol "
        "Nascer|Meu Lugar|Tudo Bem|Volta Pra Mim|Noite Inteira|Sei Lá|Me Liga",
        "noun": "Saudade|Coração|Praia|Noite|Beijo|Lua|Mar|Verão|Cidade|Sonho|Fogo|Chuva|"
        "Estrela|Segredo|Paixão|Baile|Sereia|Carnaval",
        "templates": (
            (0.5, "{}", "phrase"),
            (0.2, "{}", "noun"),
            (0.3, "{} de {}", "noun", "noun"),
        ),
    },
    "fr": {
        "phrase": "Reste encore|Dis-moi oui|Plus jamais|Toute la nuit|Sans toi|Je reviendrai|"
        "Mon amour|Comme avant|Loin d'ici|À demain|Encore une fois",
        "noun": "Nuit|Cœur|Lune|Mer|Été|Ville|Rêves|Larmes|Étoiles|Ciel|Orage|Soleil|Silence|"
        "Vertige|Lumière|Horizon",
        "templates": ((0.5, "{}", "phrase"), (0.25, "{}", "noun"), (0.1, "Sans {}", "noun"))
        + ((0.15, "{} et {}", "noun", "noun"),),
    },
    "de": {
        "phrase": "Bleib bei mir|Für immer|Nie wieder|Die ganze Nacht|Ohne dich|Alles gut|"
        "Komm zurück|Weit weg|Noch einmal|Kopf hoch",
        "noun": "Nacht|Herz|Mond|Meer|Sommer|Stadt|Träume|Regen|Feuer|Sterne|Himmel|Sturm|"
        "Wolken|Licht",
        "templates": (
            (0.55, "{}", "phrase"),
            (0.25, "{}", "noun"),
            (0.2, "{} und {}", "noun", "noun"),
        ),
    },
}
_LANGUAGES = tuple(_FIRST)  # name languages; titles: sv → en


# ---------------------------------------------------------------- scale


@dataclass(frozen=True)
class DemoScale:
    """How much demo to make. The defaults build in seconds; `bench()` sizes it by rows."""

    n_artists: int = 12  # focus artists (audience tracked); the first 12 are named
    n_filler_artists: int = 400  # generated artists whose tracks fill the charts
    n_tracks: int = 4_000
    countries: tuple[str, ...] = ("IT", "US", "GB", "DE", "FR", "ES", "BR", "SE")  # + GLOBAL
    platforms: tuple[str, ...] = ("spotify", "youtube", "apple_music", "deezer")
    start: date = date(2024, 11, 1)
    end: date = date(2026, 10, 31)
    chart_size: int = 200

    def __post_init__(self) -> None:
        if self.n_artists < 1 or self.n_filler_artists < 0:
            raise ValueError("DemoScale: n_artists must be ≥ 1 and n_filler_artists ≥ 0")
        if self.end < self.start:
            raise ValueError(f"DemoScale: end {self.end} is before start {self.start}")
        if self.chart_size < 1:
            raise ValueError("DemoScale: chart_size must be ≥ 1")
        if not self.countries or not self.platforms:
            raise ValueError("DemoScale: at least one country and one platform are needed")
        bad = [c for c in self.countries if len(c) != 2 or not c.isalpha() or not c.isupper()]
        if bad:
            raise ValueError(
                f"DemoScale: countries must be ISO alpha-2 codes (GLOBAL is added): {bad}"
            )
        slugs = [p for p in self.platforms if p != normalise_platform(p)]
        if slugs:
            raise ValueError(
                f"DemoScale: platforms are lowercase slugs such as 'apple_music': {slugs}"
            )
        if len(set(self.countries)) != len(self.countries) or len(set(self.platforms)) != len(
            self.platforms
        ):
            raise ValueError("DemoScale: countries and platforms must not repeat")
        named = sum(a.tracks for a in NAMED_ARTISTS[: self.n_artists])
        generated = max(0, self.n_artists - len(NAMED_ARTISTS)) + self.n_filler_artists
        if self.n_tracks < named + generated:
            raise ValueError(
                f"DemoScale: n_tracks must be ≥ {named + generated} "
                f"({named} for the named artists, one per generated artist)"
            )

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def weeks(self) -> int:
        """Complete Friday–Thursday weeks inside the period (one weekly chart each)."""
        first_friday = self.start + timedelta(days=(FRIDAY - self.start.weekday()) % 7)
        return max(0, ((self.end - first_friday).days + 1) // 7)

    @classmethod
    def bench(
        cls,
        chart_entries: int = 10_000_000,
        audience_points: int = 20_000_000,
        tracks: int = 200_000,
    ) -> DemoScale:
        """A scale whose warehouse has about these row counts (default countries, platforms, dates)."""
        base = cls()
        charts = len(base.countries) + 1
        weekly = sum(p in WEEKLY_PLATFORMS for p in base.platforms)
        slots = charts * (len(base.platforms) * base.days + weekly * base.weeks)
        per_artist = charts * base.days * sum(len(_metrics(p)) for p in base.platforms)
        n_artists = max(len(NAMED_ARTISTS), round(audience_points / per_artist))
        return cls(
            n_artists=n_artists,
            n_filler_artists=max(100, tracks // 12 - n_artists),
            n_tracks=tracks,
            chart_size=max(1, round(chart_entries / slots)),
        )

    @classmethod
    def small(cls) -> DemoScale:
        """All platforms, countries and two years, with short charts: a few seconds."""
        return cls(n_filler_artists=80, n_tracks=700, chart_size=20)


def _metrics(platform: str) -> tuple[str, ...]:
    return AUDIENCE_METRICS.get(platform, AUDIENCE_METRICS_OTHER)


# ---------------------------------------------------------------- helpers


def _stable_int(text: str) -> int:
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:4], "big")


def _words(text: str) -> np.ndarray:
    return np.array(text.split("|") if "|" in text else text.split())


def _base62(rng: np.random.Generator, n: int, length: int = 22) -> np.ndarray:
    alphabet = np.frombuffer(
        b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", np.uint8
    )
    chars = alphabet[rng.integers(0, 62, (n, length))]
    return np.ascontiguousarray(chars).view(f"S{length}").ravel().astype(str)


def _cat(*parts: np.ndarray | str) -> np.ndarray:
    out = np.asarray(parts[0], dtype=str)
    for p in parts[1:]:
        out = np.char.add(out, p)
    return out


def _life(age: np.ndarray, spike: np.ndarray, tau: np.ndarray, decay: np.ndarray) -> np.ndarray:
    """A track's lifecycle: 0 before release, a spike on release, then a slow decay."""
    a = np.maximum(age, 0)
    return np.where(age >= 0, (1 + spike * np.exp(-a / tau)) * (1 + a / 365) ** -decay, 0)


def _third_friday(month: str) -> date:
    first = date.fromisoformat(f"{month}-01")
    return first + timedelta(days=(FRIDAY - first.weekday()) % 7 + 14)


@dataclass(frozen=True)
class _Timeline:
    """Day i is g0 + i; g0 is a Friday at least 27 days before the period, so that the
    28 days to the first day are generated and weeks (Friday–Thursday) align with 7·k."""

    g0: date
    first: int  # index of scale.start
    last: int  # index of scale.end
    day_factor: np.ndarray  # rhythm × season × growth, per day index

    @classmethod
    def of(cls, scale: DemoScale) -> _Timeline:
        warm = scale.start - timedelta(days=27)
        g0 = warm - timedelta(days=(warm.weekday() - FRIDAY) % 7)
        n = (scale.end - g0).days + 1
        dates = np.datetime64(g0, "D") + np.arange(n)
        doy = (dates - dates.astype("datetime64[Y]")).astype(np.int64)
        season = 1 + 0.05 * np.cos(2 * np.pi * (doy - 355) / 365.25)
        growth = 1 + 0.07 * np.arange(n) / 365
        rhythm = RHYTHM[(FRIDAY + np.arange(n)) % 7]
        return cls(g0, (scale.start - g0).days, (scale.end - g0).days, rhythm * season * growth)

    @property
    def n_days(self) -> int:
        return self.last + 1

    def index(self, d: date) -> int:
        return (d - self.g0).days

    def dates(self, idx: np.ndarray) -> pa.Array:
        return pa.array(np.datetime64(self.g0, "D") + idx.astype("timedelta64[D]"))


# ---------------------------------------------------------------- cast and catalogue


@dataclass
class _Cast:
    # artists
    names: list[str]
    artist_ids: list[str]
    home: np.ndarray  # str, per artist
    n_focus: int
    n_named: int
    # tracks
    track_ids: np.ndarray
    titles: np.ndarray
    isrc: np.ndarray
    release: np.ndarray  # day index
    main: np.ndarray  # artist index
    track_pop: np.ndarray
    track_affinity: np.ndarray  # (tracks, countries + rest of world)
    spike: np.ndarray
    tau: np.ndarray
    decay: np.ndarray
    # credits, sorted by artist
    credit_track: np.ndarray
    credit_artist: np.ndarray
    credit_order: np.ndarray


def _pick(rng: np.random.Generator, pools: dict[str, np.ndarray], lang: np.ndarray) -> np.ndarray:
    """One word per row, from the pool of that row's language."""
    out = np.empty(len(lang), dtype=object)
    for lg, words in pools.items():
        sel = lang == lg
        out[sel] = words[rng.integers(0, len(words), int(sel.sum()))]
    return out.astype(str)


def _artist_names(rng: np.random.Generator, lang: np.ndarray, taken: set[str]) -> list[str]:
    """Plausible fictional names, unique by artist_id: people, stage names and bands."""
    firsts = {k: _words(v) for k, v in _FIRST.items()}
    lasts = {k: _words(v) for k, v in _LAST.items()}
    names = np.empty(len(lang), dtype=object)
    todo = np.arange(len(lang))
    seen = set(taken)
    for attempt in range(100):
        if not len(todo):
            break
        m = len(todo)
        # a quarter of surnames come from another language, as they do; more (and more
        # middle initials) when the common combinations are taken, at large scales
        surname_lang = np.where(
            rng.random(m) < min(1.0, 0.25 + 0.1 * attempt),
            np.array(_LANGUAGES)[rng.integers(0, len(_LANGUAGES), m)],
            lang[todo],
        )
        initial = np.array(list("ABCDEFGHIJKLMNOPRSTV"))[rng.integers(0, 20, m)]
        person = _cat(
            _pick(rng, firsts, lang[todo]),
            np.where(rng.random(m) < min(0.8, 0.06 + 0.1 * attempt), _cat(" ", initial, "."), ""),
            " ",
            _pick(rng, lasts, surname_lang),
        )
        word = np.array(_STAGE_WORD)[rng.integers(0, len(_STAGE_WORD), m)]
        prefix = np.array(_STAGE_PREFIX)[rng.integers(0, len(_STAGE_PREFIX), m)]
        stage = np.where(rng.random(m) < 0.6, _cat(prefix, " ", word), word)
        adj = np.array(_BAND_ADJ)[rng.integers(0, len(_BAND_ADJ), m)]
        band = _cat("The ", adj, " ", np.array(_BAND_NOUN)[rng.integers(0, len(_BAND_NOUN), m)])
        style = rng.choice(3, size=m, p=[0.8, 0.12, 0.08])
        candidates = np.choose(style, [person, stage, band])
        left = []
        for i, name in zip(todo, candidates.tolist(), strict=True):  # per artist: the slug
            key = ids.artist_id(name)
            if key in seen:
                left.append(i)
            else:
                seen.add(key)
                names[i] = name
        todo = np.array(left, dtype=np.int64)
    if len(todo):
        raise RuntimeError(f"demo: ran out of distinct artist names ({len(todo)} left)")
    return names.tolist()


def _titles(rng: np.random.Generator, lang: np.ndarray, main: np.ndarray) -> np.ndarray:
    """Song titles from each track's language, distinct within an artist where possible."""
    spaces = {}
    for lg, spec in _TITLE_WORDS.items():
        templates = []
        for weight, template, *slots in spec["templates"]:
            lists = [_words(spec[s]) for s in slots]
            size = int(np.prod([len(x) for x in lists]))
            templates.append((template.split("{}"), lists, size, weight))
        spaces[lg] = templates

    def draw(rows: np.ndarray) -> np.ndarray:
        """A code per row: a template by weight, then words uniformly within it."""
        codes = np.zeros(len(rows), np.int64)
        for lg, templates in spaces.items():
            sel = np.flatnonzero(lang[rows] == lg)
            sizes = np.array([t[2] for t in templates])
            weights = np.array([t[3] for t in templates])
            k = rng.choice(len(templates), size=len(sel), p=weights / weights.sum())
            offsets = np.cumsum(sizes) - sizes
            codes[sel] = offsets[k] + np.floor(rng.random(len(sel)) * sizes[k]).astype(np.int64)
        return codes

    def decode(rows: np.ndarray, codes: np.ndarray) -> np.ndarray:
        out = np.empty(len(rows), dtype=object)
        for lg, templates in spaces.items():
            in_lang = lang[rows] == lg
            offset = 0
            for pieces, lists, size, _ in templates:
                sel = in_lang & (codes >= offset) & (codes < offset + size)
                r = codes[sel] - offset
                parts: list[np.ndarray | str] = [pieces[0]]
                previous = None
                for words, piece in zip(lists, pieces[1:], strict=True):
                    i = r % len(words)
                    r = r // len(words)
                    if previous is not None and words is lists[0] and len(words) > 1:
                        i = np.where(i == previous, (i + 1) % len(words), i)  # not "Luna di Luna"
                    previous = i
                    parts += [words[i], piece]
                out[sel] = _cat(*parts)
                offset += size
        return out.astype(str)

    everyone = np.arange(len(lang))
    titles = decode(everyone, draw(everyone))
    for _ in range(5):
        dup = np.flatnonzero(pd.DataFrame({"a": main, "t": titles}).duplicated().to_numpy())
        if not len(dup):
            return titles
        titles[dup] = decode(dup, draw(dup))
    # what is still taken becomes another version, as artists do
    repeat = pd.DataFrame({"a": main, "t": titles}).groupby(["a", "t"]).cumcount().to_numpy()
    versions = np.array(["", " II", " (Acoustic)", " (Remix)", " (Live)", " III", " (Reprise)"])
    suffix = np.where(repeat < len(versions), versions[np.minimum(repeat, len(versions) - 1)], "")
    numbered = _cat(" (Version ", (repeat + 1).astype(str), ")")
    return _cat(titles, np.where(repeat < len(versions), suffix, numbered))


def _isrc(
    country: np.ndarray, registrant: np.ndarray, years: np.ndarray, serial: np.ndarray
) -> np.ndarray:
    """CC-XXX-YY-NNNNN without the hyphens, as stores print them."""
    yy = np.char.zfill(((years.astype(np.int64) + 1970) % 100).astype(str), 2)
    designation = np.char.zfill((serial % 100_000).astype(str), 5)
    return _cat(country, np.char.upper(registrant), yy, designation)


def _make_cast(rng: np.random.Generator, scale: DemoScale, tl: _Timeline) -> _Cast:
    countries = np.array(scale.countries)
    named = NAMED_ARTISTS[: scale.n_artists]
    n_named = len(named)

    # generated artists, most popular first: the first ones are focus artists at large scales
    n_gen = max(0, scale.n_artists - n_named) + scale.n_filler_artists
    weights = np.array(HOME_WEIGHTS) / sum(HOME_WEIGHTS)
    gen_pop = np.sort(0.9 * np.arange(1, n_gen + 1) ** -0.45 * rng.lognormal(0, 0.2, n_gen))[::-1]
    gen_home = rng.choice(np.array(HOMES), size=n_gen, p=weights)
    gen_reach = np.minimum(
        1.0, np.array([REACH.get(h, REACH_OTHER) for h in gen_home]) * rng.lognormal(0, 0.6, n_gen)
    )
    gen_lang = np.array([LANGUAGE.get(h, "en") for h in gen_home], dtype=object)
    gen_names = _artist_names(rng, gen_lang, {ids.artist_id(a.name) for a in named})

    names = [a.name for a in named] + gen_names
    home = np.array([a.home for a in named] + gen_home.tolist())
    pop = np.concatenate([[a.popularity for a in named], gen_pop])
    reach = np.concatenate([[a.reach for a in named], gen_reach])
    n_art = len(names)

    at_home = home[:, None] == countries[None, :]
    abroad = reach[:, None] * rng.lognormal(0, 0.4, (n_art, len(countries)))
    home_boost = LOCAL_BOOST * rng.lognormal(0, 0.3, (n_art, 1))
    rest = reach * 1.2 + np.where(np.isin(home, countries), 0.0, 2.0)
    affinity = np.column_stack([np.where(at_home, home_boost, abroad), rest])

    # tracks: contiguous per main artist; popularity Zipf-like within the artist
    counts = np.zeros(n_art, dtype=np.int64)
    counts[:n_named] = [a.tracks for a in named]
    counts[n_named:] = 1
    spare = scale.n_tracks - counts.sum()
    if n_gen:
        counts[n_named:] += rng.multinomial(spare, gen_pop**0.4 / (gen_pop**0.4).sum())
    else:
        counts[0] += spare
    n = scale.n_tracks
    main = np.repeat(np.arange(n_art), counts)
    rank = np.arange(n) - np.repeat(np.cumsum(counts) - counts, counts) + 1
    track_pop = pop[main] * rank**-0.45 * rng.lognormal(0, 0.3, n)

    # featured credits: the named collaborations, then some among generated artists
    feat_track: list[np.ndarray] = []
    feat_artist: list[np.ndarray] = []
    feat_order: list[np.ndarray] = []
    index = {a.name: i for i, a in enumerate(named)}
    starts = np.cumsum(counts) - counts
    used = np.zeros(n, dtype=bool)
    for main_name, featured, k in COLLABS:
        if main_name not in index or any(f not in index for f in featured):
            continue
        a = index[main_name]
        pool = np.arange(starts[a] + 1, starts[a] + counts[a])  # the top single stays solo
        pool = pool[~used[pool]]
        chosen = rng.choice(pool, size=min(k, len(pool)), replace=False)
        used[chosen] = True
        for order, f in enumerate(featured, start=2):
            feat_track.append(chosen)
            feat_artist.append(np.full(len(chosen), index[f]))
            feat_order.append(np.full(len(chosen), order))
    if n_gen > 1:
        gen_tracks = np.flatnonzero(main >= n_named)
        p_gen = gen_pop / gen_pop.sum()
        one = gen_tracks[rng.random(len(gen_tracks)) < 0.10]
        two = one[rng.random(len(one)) < 0.25]
        first = n_named + rng.choice(n_gen, size=len(one), p=p_gen)
        second = n_named + rng.choice(n_gen, size=len(two), p=p_gen)
        first_of_two = first[np.searchsorted(one, two)]
        for _ in range(100):
            bad1 = first == main[one]
            bad2 = (second == main[two]) | (second == first_of_two)
            if not (bad1.any() or bad2.any()):
                break
            first[bad1] = n_named + rng.choice(n_gen, size=int(bad1.sum()), p=p_gen)
            second[bad2] = n_named + rng.choice(n_gen, size=int(bad2.sum()), p=p_gen)
            first_of_two = first[np.searchsorted(one, two)]
        ok1 = first != main[one]
        ok2 = (second != main[two]) & (second != first_of_two) & ok1[np.searchsorted(one, two)]
        feat_track += [one[ok1], two[ok2]]
        feat_artist += [first[ok1], second[ok2]]
        feat_order += [np.full(int(ok1.sum()), 2), np.full(int(ok2.sum()), 3)]
    f_track = np.concatenate([np.zeros(0, np.int64), *feat_track]).astype(np.int64)
    f_artist = np.concatenate([np.zeros(0, np.int64), *feat_artist]).astype(np.int64)
    f_order = np.concatenate([np.zeros(0, np.int64), *feat_order]).astype(np.int64)

    # a collaboration reaches the featured artist's audience too
    second_credit = f_order == 2
    track_affinity = affinity[main].copy()
    fa = f_track[second_credit]
    track_affinity[fa] = 0.7 * affinity[main[fa]] + 0.3 * affinity[f_artist[second_credit]]
    track_pop[fa] *= 1.15

    credit_track = np.concatenate([np.arange(n), f_track])
    credit_artist = np.concatenate([main, f_artist])
    credit_order = np.concatenate([np.ones(n, np.int64), f_order])
    order = np.lexsort((credit_order, credit_track, credit_artist))

    # releases on Fridays: a catalogue before the period and about a quarter inside it
    fridays = np.arange(tl.first + (-tl.first) % 7, tl.last + 1, 7)
    in_period = rng.random(n) < np.where(main < n_named, 0.35, 0.25)
    in_period &= len(fridays) > 0
    back = np.minimum(rng.exponential(900, n), 12 * 365).astype(np.int64) + 7
    catalogue = tl.first - back
    new = rng.choice(fridays, n) if len(fridays) else catalogue
    release = np.where(in_period, new, catalogue - catalogue % 7)
    spike = np.clip(rng.lognormal(np.log(2.0), 0.6, n), 0.3, 10)
    tau = rng.uniform(8, 45, n)
    decay = rng.uniform(0.25, 0.55, n)
    month_start = date.fromisoformat(f"{DEFAULT_MONTH}-01")
    single = tl.index(_third_friday(DEFAULT_MONTH))
    if DEFAULT_ARTIST in index and scale.start <= month_start and single <= tl.last:
        first_track = starts[index[DEFAULT_ARTIST]]  # the default artist's new single
        release[first_track], spike[first_track], tau[first_track] = single, 3.0, 21.0

    # titles in the main artist's language (Swedes and half the Germans sing in English)
    lang = np.array([LANGUAGE.get(h, "en") for h in home], dtype=object)[main]
    lang = np.where((lang == "sv") | ((lang == "de") & (rng.random(n) < 0.5)), "en", lang)
    titles = _titles(rng, lang.astype(str), main)

    track_ids = _base62(rng, n)
    if len(np.unique(track_ids)) != n:
        raise RuntimeError("demo: track ids collide; choose another seed")
    registrant = _base62(rng, n_art, 3)
    years = (np.datetime64(tl.g0, "D") + release.astype("timedelta64[D]")).astype("datetime64[Y]")
    return _Cast(
        names=names,
        artist_ids=[ids.artist_id(x) for x in names],
        home=home,
        n_focus=scale.n_artists,
        n_named=n_named,
        track_ids=track_ids,
        titles=titles,
        isrc=_isrc(home[main], registrant[main], years, np.arange(n)),
        release=release,
        main=main,
        track_pop=track_pop,
        track_affinity=track_affinity,
        spike=spike,
        tau=tau,
        decay=decay,
        credit_track=credit_track[order],
        credit_artist=credit_artist[order],
        credit_order=credit_order[order],
    )


# ---------------------------------------------------------------- streams and charts


def _candidates(
    e0: np.ndarray, cast: _Cast, tl: _Timeline, size: int, always: np.ndarray
) -> np.ndarray:
    """The tracks that can enter some chart of this platform (and `always`), ascending.

    On every chart day a track's streams lie within [lower, upper]: its expected level
    at the extremes of its lifecycle and of the day factor, times the clipped noise,
    plus rounding. Catalogue tracks (released by the first day) stay above their
    `lower` all period, so the chart_size-th largest `lower` is a floor under every
    day's chart_size-th value (and 7× it under every week's). A track whose `upper`
    is below that floor in every chart can never be charted and is not generated."""
    n_comp = e0.shape[1]
    level = np.column_stack([e0[:, :-1], e0.sum(axis=1)])  # the countries, then GLOBAL
    parts = np.r_[np.ones(n_comp - 1), n_comp]
    days = tl.day_factor[tl.first : tl.last + 1]
    noise = DRIFT_MAX + 3 * NOISE_SIGMA
    age_first = (tl.first - cast.release).astype(np.float64)
    age_last = (tl.last - cast.release).astype(np.float64)
    life_max = _life(np.maximum(age_first, 0), cast.spike, cast.tau, cast.decay)
    life_min = np.where(age_first >= 0, _life(age_last, cast.spike, cast.tau, cast.decay), 0)
    upper = level * (life_max * days.max() * np.exp(noise) * (1 + 1e-4))[:, None] + parts / 2 + 1
    lower = level * (life_min * days.min() * np.exp(-noise) * (1 - 1e-4))[:, None] - parts / 2
    n = len(level)
    if size >= n:
        return np.arange(n)
    floor = np.partition(lower, n - size, axis=0)[n - size]
    return np.flatnonzero((upper >= floor).any(axis=1) | always)


def _top(values: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Per column, the rows of the `size` largest values, largest first (ties: lower row),
    and whether each is a real entry (streams > 0, i.e. released)."""
    m = values.shape[0]
    key = values * m + (m - 1 - np.arange(m))[:, None]  # unique: no ties to break later
    size = min(size, m)
    if size < m:
        part = np.argpartition(key, m - size, axis=0)[m - size :]
    else:
        part = np.broadcast_to(np.arange(m)[:, None], values.shape)
    order = np.argsort(-np.take_along_axis(key, part, axis=0), axis=0)
    top = np.take_along_axis(part, order, axis=0)
    return top, np.take_along_axis(values, top, axis=0) > 0


class _Charts:
    """One platform's chart rows, added chunk by chunk; carries each chart's last positions."""

    def __init__(self, n_local: int, size: int) -> None:
        self.n_local = n_local
        self.size = size
        self.carry: dict[tuple[int, int], np.ndarray] = {}
        self.parts: list[tuple[np.ndarray, ...]] = []

    def add(self, frequency: int, chart: int, values: np.ndarray, days: np.ndarray) -> None:
        """`values`: (tracks, charts) streams, one column per chart dated `days`."""
        top, valid = _top(values, self.size)
        size, n_charts = top.shape
        carry = self.carry.get((frequency, chart), np.zeros(self.n_local, np.int32))
        rank = np.broadcast_to(np.arange(1, size + 1, dtype=np.int32)[:, None], top.shape)
        col = np.broadcast_to(np.arange(n_charts)[None, :], top.shape)
        positions = np.zeros((n_charts + 1, self.n_local), np.int32)
        positions[0] = carry
        positions[col[valid] + 1, top[valid]] = rank[valid]
        previous = positions[col, top]  # the position on the chart before, 0 = absent
        self.carry[(frequency, chart)] = positions[n_charts]
        streams = np.take_along_axis(values, top, axis=0)
        n = int(valid.sum())
        self.parts.append(
            (
                days[col[valid]],
                np.full(n, chart, np.int8),
                np.full(n, frequency, np.int8),
                rank[valid],
                top[valid],
                streams[valid],
                previous[valid],
            )
        )

    def table(
        self,
        platform: str,
        local: np.ndarray,
        cast_ids: pa.Array,
        charts: Sequence[str],
        tl: _Timeline,
        with_streams: bool,
    ) -> pa.Table:
        cols = [np.concatenate(c) for c in zip(*self.parts, strict=True)]
        day, chart, freq, rank, track, streams, previous = cols
        n = len(day)
        return pa.table(
            {
                "date": tl.dates(day),
                "platform": _constant(platform, n),
                "country": pa.DictionaryArray.from_arrays(pa.array(chart), pa.array(list(charts))),
                "frequency": pa.DictionaryArray.from_arrays(
                    pa.array(freq), pa.array(["daily", "weekly"])
                ),
                "position": pa.array(rank, pa.int32()),
                "track_id": cast_ids.take(pa.array(local[track])),
                "streams": pa.array(streams, pa.int64())
                if with_streams
                else pa.nulls(n, pa.int64()),
                "source": _constant(SOURCE, n),
                "chart": _constant("top", n),
                "previous_position": pa.array(previous, pa.int32(), mask=previous == 0),
            }
        )


def _constant(value: str, n: int) -> pa.DictionaryArray:
    return pa.DictionaryArray.from_arrays(pa.array(np.zeros(n, np.int8)), pa.array([value]))


def _platform(
    platform: str,
    scale: DemoScale,
    tl: _Timeline,
    cast: _Cast,
    cast_ids: pa.Array,
    seed: int,
    bar: tqdm,
) -> dict[str, pa.Table]:
    """One platform's chart_entries, artist_audience and (Spotify) track_streams."""
    rng = np.random.default_rng([seed, _stable_int(platform)])
    n = len(cast.track_ids)
    countries = list(scale.countries)
    n_comp = len(countries) + 1  # the countries and the rest of the world
    charts = [*countries, GLOBAL]
    market = np.array(
        [MARKET.get(c, MARKET_OTHER) * PLATFORM_COUNTRY.get((platform, c), 1.0) for c in countries]
        + [REST_OF_WORLD]
    )
    taste = np.clip(rng.lognormal(0, PLATFORM_SPREAD.get(platform, 0.3), n), 0.4, 2.5)
    amplitude = rng.uniform(0, DRIFT_MAX, n)
    period = rng.uniform(45, 200, n)
    phase = rng.uniform(0, 2 * np.pi, n)
    scale_p = UNIT * PLATFORM_SCALE.get(platform, PLATFORM_SCALE_OTHER)
    e0 = scale_p * (cast.track_pop * taste)[:, None] * cast.track_affinity * market[None, :]

    focus_tracks = np.zeros(n, dtype=bool)
    focus_tracks[cast.credit_track[cast.credit_artist < cast.n_focus]] = True
    local = _candidates(e0, cast, tl, scale.chart_size, focus_tracks)
    m = len(local)
    e0_local = e0[local].astype(np.float32)
    release = cast.release[local]
    spike, tau, decay = (
        x[local].astype(np.float32)[:, None] for x in (cast.spike, cast.tau, cast.decay)
    )
    amplitude, period, phase = (x[local][:, None] for x in (amplitude, period, phase))

    # the artists' streams, for their audience: credits of focus artists, by artist
    focus = cast.credit_artist < cast.n_focus
    credit_local = np.searchsorted(local, cast.credit_track[focus])
    credit_starts = np.searchsorted(cast.credit_artist[focus], np.arange(cast.n_focus))
    totals = np.zeros((len(charts), cast.n_focus, tl.n_days), np.int64)

    own = _OwnSeries(rng, platform, scale, tl, cast, local) if platform == "spotify" else None
    weekly = platform in WEEKLY_PLATFORMS
    book = _Charts(m, scale.chart_size)
    weeks = int(np.clip(1_500_000 // max(1, m * 7), 1, 13))
    for d0 in range(0, tl.n_days, 7 * weeks):
        d1 = min(d0 + 7 * weeks, tl.n_days)
        day = np.arange(d0, d1)
        age = (day[None, :] - release[:, None]).astype(np.float32)
        base = _life(age, spike, tau, decay).astype(np.float32)
        base *= np.exp(amplitude * np.sin(2 * np.pi * day / period + phase)).astype(np.float32)
        base *= tl.day_factor[d0:d1].astype(np.float32)
        values = np.zeros((len(charts), m, d1 - d0), np.int64)
        for j in range(n_comp):
            noise = rng.standard_normal((m, d1 - d0), dtype=np.float32)
            np.clip(noise, -3, 3, out=noise)
            noise *= NOISE_SIGMA
            np.exp(noise, out=noise)
            v = np.rint(e0_local[:, j, None] * base * noise).astype(np.int64)
            if j < len(countries):
                values[j] = v
            values[-1] += v
        totals[:, :, d0:d1] = np.add.reduceat(values[:, credit_local], credit_starts, axis=1)

        c0 = max(d0, tl.first)
        if c0 < d1:
            for k in range(len(charts)):
                book.add(0, k, values[k][:, c0 - d0 :], np.arange(c0, d1))
            if own is not None:
                own.add(values[:, :, c0 - d0 :], np.arange(c0, d1))
        week_start = np.arange(d0, d1 - 6, 7)
        week_start = week_start[week_start >= tl.first]
        if weekly and len(week_start):
            blocks = (week_start - d0) // 7
            n_blocks = (d1 - d0) // 7
            for k in range(len(charts)):
                sums = values[k][:, : 7 * n_blocks].reshape(m, n_blocks, 7).sum(axis=2)
                book.add(1, k, sums[:, blocks], week_start + 6)
        bar.update(d1 - d0)

    reports = PLATFORMS[platform].reports_streams if platform in PLATFORMS else False
    out = {
        "chart_entries": book.table(platform, local, cast_ids, charts, tl, reports),
        "artist_audience": _audience(rng, platform, scale, tl, cast, totals, charts),
    }
    if own is not None:
        out["track_streams"] = own.table(cast_ids, charts)
    return out


class _OwnSeries:
    """Spotify-for-Artists-like daily series of the named artists' tracks, with gaps."""

    def __init__(
        self,
        rng: np.random.Generator,
        platform: str,
        scale: DemoScale,
        tl: _Timeline,
        cast: _Cast,
        local: np.ndarray,
    ) -> None:
        self.rng = rng
        self.platform = platform
        self.tl = tl
        roster = np.unique(cast.credit_track[cast.credit_artist < cast.n_named])
        self.tracks = roster
        self.rows = np.searchsorted(local, roster)
        self.release = cast.release[roster]
        charts = np.array([*scale.countries, GLOBAL])
        home = cast.home[cast.main[roster]]
        self.mask = (
            (charts[:, None] == DEFAULT_COUNTRY)
            | (charts[:, None] == GLOBAL)
            | (charts[:, None] == home[None, :])
        )  # (charts, tracks)
        since = np.maximum(self.release, tl.first)[None, :]  # each series misses a run
        self.run_start = since + np.floor(
            rng.random(self.mask.shape) * (tl.last + 1 - since)
        ).astype(np.int64)
        self.run_end = self.run_start + rng.integers(3, 9, self.mask.shape)
        self.parts: list[tuple[np.ndarray, ...]] = []

    def add(self, values: np.ndarray, days: np.ndarray) -> None:
        """`values`: (charts, local tracks, days) streams as the charts count them."""
        v = values[:, self.rows]
        extra = np.maximum(1, np.rint(v * self.rng.uniform(0.005, 0.03, v.shape))).astype(np.int64)
        d = days[None, None, :]
        keep = (
            (d >= self.release[None, :, None])
            & self.mask[:, :, None]
            & (self.rng.random(v.shape) >= 0.03)
            & ~((d >= self.run_start[:, :, None]) & (d < self.run_end[:, :, None]))
        )
        chart, track, day = np.nonzero(keep)
        self.parts.append((days[day], chart.astype(np.int8), self.tracks[track], (v + extra)[keep]))

    def table(self, cast_ids: pa.Array, charts: Sequence[str]) -> pa.Table:
        day, chart, track, streams = (np.concatenate(c) for c in zip(*self.parts, strict=True))
        n = len(day)
        return pa.table(
            {
                "date": self.tl.dates(day),
                "platform": _constant(self.platform, n),
                "country": pa.DictionaryArray.from_arrays(pa.array(chart), pa.array(list(charts))),
                "track_id": cast_ids.take(pa.array(track)),
                "streams": pa.array(streams, pa.int64()),
                "source": _constant(OWN_SOURCE, n),
            }
        )


# ---------------------------------------------------------------- audience


def _audience(
    rng: np.random.Generator,
    platform: str,
    scale: DemoScale,
    tl: _Timeline,
    cast: _Cast,
    totals: np.ndarray,
    charts: Sequence[str],
) -> pa.Table:
    """Daily audience of the focus artists from their streams (see the module docstring)."""
    n_charts, n_focus, _ = totals.shape
    shape = (n_charts, n_focus)
    cumulative = np.concatenate(
        [np.zeros((*shape, 1), np.int64), np.cumsum(totals, axis=2)], axis=2
    )
    in_28_days = (
        cumulative[:, :, tl.first + 1 : tl.last + 2]
        - cumulative[:, :, tl.first - 27 : tl.last - 26]
    )
    # GLOBAL's listeners are the countries' plus the rest of the world's, so that they
    # are never fewer than one country's
    in_28_days[-1] -= in_28_days[:-1].sum(axis=0)
    day = np.arange(tl.first, tl.last + 1)
    n_days = len(day)

    lo, hi = STREAMS_PER_LISTENER.get(platform, STREAMS_PER_LISTENER_OTHER)
    wave = np.sin(
        2 * np.pi * day / rng.uniform(60, 240, (1, n_focus, 1))
        + rng.uniform(0, 6.3, (1, n_focus, 1))
    )
    per_listener = (
        rng.uniform(lo, hi, (1, n_focus, 1))
        * rng.lognormal(0, 0.05, (*shape, 1))
        * np.exp(0.06 * wave + rng.normal(0, 0.01, (*shape, n_days)))
    )
    listeners = np.floor(in_28_days / per_listener).astype(np.int64)
    growth = listeners * rng.uniform(0.0001, 0.0004, (*shape, 1))
    growth *= np.maximum(0, 1 + 0.4 * rng.standard_normal((*shape, n_days)))
    followers = np.rint(
        listeners[:, :, :1] * rng.uniform(0.3, 0.9, (*shape, 1)) + np.cumsum(growth, axis=2)
    ).astype(np.int64)
    listeners[-1] += listeners[:-1].sum(axis=0)
    followers[-1] += followers[:-1].sum(axis=0)
    values = {"monthly_listeners": listeners, "followers": followers}

    debut = np.full(cast.n_focus, tl.last + 1)
    focus = cast.credit_artist < cast.n_focus
    np.minimum.at(debut, cast.credit_artist[focus], cast.release[cast.credit_track[focus]])
    keep = np.broadcast_to(day[None, None, :] >= debut[None, :, None], (*shape, n_days)).copy()
    if platform == "youtube" and DEFAULT_COUNTRY in charts:
        outage = tl.index(date.fromisoformat(f"{DEFAULT_MONTH}-14")) + np.arange(4)
        keep[charts.index(DEFAULT_COUNTRY), :, np.isin(day, outage)] = False
    if platform not in ("spotify", "youtube"):
        keep &= rng.random(keep.shape) >= 0.01

    parts = []
    for i, metric in enumerate(_metrics(platform)):
        chart, artist, d = np.nonzero(keep)
        parts.append(
            (
                day[d],
                chart.astype(np.int8),
                artist,
                np.full(len(d), i, np.int8),
                values[metric][keep],
            )
        )
    day_, chart, artist, metric, value = (np.concatenate(c) for c in zip(*parts, strict=True))
    n = len(day_)
    return pa.table(
        {
            "date": tl.dates(day_),
            "platform": _constant(platform, n),
            "country": pa.DictionaryArray.from_arrays(pa.array(chart), pa.array(list(charts))),
            "artist_id": pa.array(cast.artist_ids[: cast.n_focus]).take(pa.array(artist)),
            "metric": pa.DictionaryArray.from_arrays(
                pa.array(metric), pa.array(list(_metrics(platform)))
            ),
            "value": pa.array(value, pa.int64()),
            "source": _constant(SOURCE, n),
        }
    )


# ---------------------------------------------------------------- building


def _catalogue(cast: _Cast, tl: _Timeline, cast_ids: pa.Array) -> dict[str, pa.Table]:
    artist_ids = pa.array(cast.artist_ids)
    return {
        "artists": pa.table({"artist_id": artist_ids, "name": pa.array(cast.names)}),
        "tracks": pa.table(
            {
                "track_id": cast_ids,
                "title": pa.array(cast.titles),
                "isrc": pa.array(cast.isrc),
                "release_date": tl.dates(cast.release),
            }
        ),
        "track_credits": pa.table(
            {
                "track_id": cast_ids.take(pa.array(cast.credit_track)),
                "artist_id": artist_ids.take(pa.array(cast.credit_artist)),
                "role": pa.array(np.where(cast.credit_order == 1, "main", "featured")),
                "credit_order": pa.array(cast.credit_order, pa.int16()),
            }
        ),
    }


def build_demo(
    warehouse: str | os.PathLike | None = None,
    *,
    seed: int = DEMO_SEED,
    scale: DemoScale = DemoScale(),
    progress: bool = False,
) -> dict[str, int]:
    """Build the demo warehouse; returns the rows written per table.

    Rows are merged through `kit.warehouse.write` (one load for the catalogue, one per
    platform), so building twice changes nothing and other data in the warehouse stays.
    Same seed and scale, same rows (ingest_log aside)."""
    tl = _Timeline.of(scale)
    cast = _make_cast(np.random.default_rng(seed), scale, tl)
    cast_ids = pa.array(cast.track_ids)
    file = f"demo seed={seed}"
    counts = dict.fromkeys(
        ("artists", "tracks", "track_credits", "chart_entries", "track_streams", "artist_audience"),
        0,
    )

    def load(tables: dict[str, pa.Table], part: str) -> None:
        checksum = hashlib.sha256(f"{file} {scale!r} {part}".encode()).hexdigest()
        result = write(tables, source=SOURCE, warehouse=warehouse, file=file, checksum=checksum)
        for name, rows in result.rows.items():
            counts[name] += rows

    total = len(scale.platforms) * tl.n_days
    with tqdm(total=total, unit="day", desc="demo", disable=not progress) as bar:
        load(_catalogue(cast, tl, cast_ids), "catalogue")
        for platform in scale.platforms:
            bar.set_postfix_str(platform)
            load(_platform(platform, scale, tl, cast, cast_ids, seed, bar), platform)
    return counts
