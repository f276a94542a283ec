"""Platform metadata: the one table of what each platform slug means."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Platform:
    slug: str
    name: str
    reports_streams: bool  # whether its charts carry stream counts
    track_url: str | None  # format string with {id}, where the track id allows a link
    track_id_pattern: str | None = None  # the ids that track_url accepts (a full match)


PLATFORMS: dict[str, Platform] = {
    p.slug: p
    for p in [
        Platform(
            "spotify",
            "Spotify",
            True,
            "https://open.spotify.com/track/{id}",
            r"[0-9A-Za-z]{22}",  # a Spotify track id: 22 characters of base62
        ),
        Platform("apple_music", "Apple Music", False, None),
        Platform("deezer", "Deezer", False, None),
        Platform("youtube", "YouTube", True, None),
        Platform("amazon_music", "Amazon Music", False, None),
        Platform("soundcloud", "SoundCloud", True, None),
        Platform("tidal", "Tidal", False, None),
    ]
}


def platform_name(slug: str) -> str:
    p = PLATFORMS.get(slug)
    return p.name if p else slug


def track_url(slug: str, track_id: str) -> str | None:
    """The track's page on the platform, where the platform has one and the id is the
    platform's own (a Spotify id, not 'isrc:…' or 'title:…'); else None."""
    p = PLATFORMS.get(slug)
    if p is None or p.track_url is None or p.track_id_pattern is None:
        return None
    if not re.fullmatch(p.track_id_pattern, str(track_id)):
        return None
    return p.track_url.format(id=track_id)


def normalise_platform(value: str) -> str:
    """A platform slug from user input ('Apple Music', 'apple-music' → 'apple_music')."""
    return value.strip().lower().replace("-", "_").replace(" ", "_")
