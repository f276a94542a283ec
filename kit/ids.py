"""Identifiers shared by every source, so the same artist from two files is one row."""

from __future__ import annotations

import re
import unicodedata

# Letters that Unicode does not decompose into an ASCII base letter.
_TRANSLITERATE = str.maketrans(
    {"ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "ß": "ss", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D",
     "œ": "oe", "Œ": "OE", "þ": "th", "Þ": "TH", "ð": "d", "Ð": "D", "ı": "i"}
)  # fmt: skip


def slug(text: str) -> str:
    """ASCII, lower-case, hyphen-separated: 'Tyler, The Creator' → 'tyler-the-creator',
    'Lina Sørberg' → 'lina-sorberg'."""
    folded = unicodedata.normalize("NFKD", text.translate(_TRANSLITERATE))
    folded = folded.encode("ascii", "ignore").decode("ascii")
    out = re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")
    return out or "unnamed"


def artist_id(name: str) -> str:
    """The warehouse id of an artist known only by name."""
    return slug(name)
