"""Identifiers shared by every source, so the same artist from two files is one row."""

from __future__ import annotations

import re
import unicodedata


def slug(text: str) -> str:
    """ASCII, lower-case, hyphen-separated: 'Tyler, The Creator' → 'tyler-the-creator'."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    out = re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")
    return out or "unnamed"


def artist_id(name: str) -> str:
    """The warehouse id of an artist known only by name."""
    return slug(name)
