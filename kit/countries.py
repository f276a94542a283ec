"""Country codes and names: ISO 3166-1 alpha-2, upper case; worldwide is GLOBAL."""

from __future__ import annotations

import difflib
from functools import cache

import pycountry

from .schema import GLOBAL

# Names that chart files use for countries whose ISO short name differs.
ALIASES = {
    "global": GLOBAL,
    "worldwide": GLOBAL,
    "world": GLOBAL,
    "united states": "US",
    "usa": "US",
    "uk": "GB",
    "united kingdom": "GB",
    "great britain": "GB",
    "south korea": "KR",
    "korea": "KR",
    "russia": "RU",
    "vietnam": "VN",
    "czech republic": "CZ",
    "turkey": "TR",
    "taiwan": "TW",
    "bolivia": "BO",
    "venezuela": "VE",
    "iran": "IR",
    "hong kong": "HK",
    "macau": "MO",
    "moldova": "MD",
    "tanzania": "TZ",
}


@cache
def names() -> dict[str, str]:
    """{code: display name}, GLOBAL first, then by name."""
    out = {GLOBAL: "Worldwide"}
    for c in sorted(pycountry.countries, key=lambda c: getattr(c, "common_name", c.name)):
        out[c.alpha_2] = getattr(c, "common_name", c.name)
    return out


def country_name(code: str) -> str:
    return names().get(code.upper(), code)


def is_country_code(value: str) -> bool:
    return value.strip().upper() in names()


def country_code(value: str) -> str:
    """The code for a code (any case) or a country name; ValueError with close matches."""
    text = value.strip()
    if text.upper() in names():
        return text.upper()
    low = text.lower()
    if low in ALIASES:
        return ALIASES[low]
    for code, name in names().items():
        if name.lower() == low:
            return code
    try:
        return pycountry.countries.lookup(text).alpha_2
    except LookupError:
        pass
    candidates = {n.lower(): c for c, n in names().items()}
    close = difflib.get_close_matches(low, list(candidates), n=3, cutoff=0.75)
    hint = (
        f" Did you mean: {', '.join(f'{candidates[m]} ({names()[candidates[m]]})' for m in close)}?"
        if close
        else ""
    )
    raise ValueError(
        f"Unknown country {value!r}: expected an ISO 3166-1 alpha-2 code such as IT, or {GLOBAL} for worldwide.{hint}"
    )
