"""The cast and catalogue: artists, their names and homes, tracks, titles, credits, releases."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ... import ids
from .parameters import (
    COLLABS,
    DEFAULT_ARTIST,
    HOME_WEIGHT_PER_MARKET,
    HOME_WEIGHTS,
    HOMES,
    LANGUAGE,
    LOCAL_BOOST,
    MARKET,
    MARKET_OTHER,
    NAMED_ARTISTS,
    REACH,
    REACH_OTHER,
)
from .scale import DemoScale, Timeline
from .single import plant_single
from .words import (
    BAND_ADJECTIVES,
    BAND_NOUNS,
    FIRST_NAMES,
    LAST_NAMES,
    NAME_LANGUAGES,
    STAGE_PREFIXES,
    STAGE_WORDS,
    TITLE_WORDS,
)


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


@dataclass
class Cast:
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
    firsts = {k: _words(v) for k, v in FIRST_NAMES.items()}
    lasts = {k: _words(v) for k, v in LAST_NAMES.items()}
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
            np.array(NAME_LANGUAGES)[rng.integers(0, len(NAME_LANGUAGES), m)],
            lang[todo],
        )
        initial = np.array(list("ABCDEFGHIJKLMNOPRSTV"))[rng.integers(0, 20, m)]
        person = _cat(
            _pick(rng, firsts, lang[todo]),
            np.where(rng.random(m) < min(0.8, 0.06 + 0.1 * attempt), _cat(" ", initial, "."), ""),
            " ",
            _pick(rng, lasts, surname_lang),
        )
        word = np.array(STAGE_WORDS)[rng.integers(0, len(STAGE_WORDS), m)]
        prefix = np.array(STAGE_PREFIXES)[rng.integers(0, len(STAGE_PREFIXES), m)]
        stage = np.where(rng.random(m) < 0.6, _cat(prefix, " ", word), word)
        adj = np.array(BAND_ADJECTIVES)[rng.integers(0, len(BAND_ADJECTIVES), m)]
        band = _cat("The ", adj, " ", np.array(BAND_NOUNS)[rng.integers(0, len(BAND_NOUNS), m)])
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
    for lg, spec in TITLE_WORDS.items():
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


def make_cast(rng: np.random.Generator, scale: DemoScale, tl: Timeline) -> Cast:
    countries = np.array(scale.countries)
    named = NAMED_ARTISTS[: scale.n_artists]
    n_named = len(named)

    # generated artists, most popular first: the first ones are focus artists at large scales
    n_gen = max(0, scale.n_artists - n_named) + scale.n_filler_artists
    # charted countries beyond HOMES (the bench's footprint) are homes too, by market size
    extra = [c for c in scale.countries if c not in HOMES]
    homes = np.array([*HOMES, *extra])
    home_weights = [
        *HOME_WEIGHTS,
        *(HOME_WEIGHT_PER_MARKET * MARKET.get(c, MARKET_OTHER) for c in extra),
    ]
    weights = np.array(home_weights) / sum(home_weights)
    gen_pop = np.sort(0.9 * np.arange(1, n_gen + 1) ** -0.45 * rng.lognormal(0, 0.2, n_gen))[::-1]
    gen_home = rng.choice(homes, size=n_gen, p=weights)
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
    # the default artist's most popular track is his new single (kit.sources.demo.single)
    single = int(starts[index[DEFAULT_ARTIST]]) if DEFAULT_ARTIST in index else None
    plant_single(release, spike, tau, single, scale, tl)

    # titles in the main artist's language (Swedes and half the Germans sing in English)
    lang = np.array([LANGUAGE.get(h, "en") for h in home], dtype=object)[main]
    lang = np.where((lang == "sv") | ((lang == "de") & (rng.random(n) < 0.5)), "en", lang)
    titles = _titles(rng, lang.astype(str), main)

    track_ids = _base62(rng, n)
    if len(np.unique(track_ids)) != n:
        raise RuntimeError("demo: track ids collide; choose another seed")
    registrant = _base62(rng, n_art, 3)
    years = (np.datetime64(tl.g0, "D") + release.astype("timedelta64[D]")).astype("datetime64[Y]")
    return Cast(
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
