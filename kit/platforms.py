"""Platform metadata: the one table of what each platform slug means."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Platform:
    slug: str
    name: str
    reports_streams: bool  # whether its charts carry stream counts
    track_url: str | None  # format string with {id}, where the track id allows a link


PLATFORMS: dict[str, Platform] = {
    p.slug: p
    for p in [
        Platform("spotify", "Spotify", True, "https://open.spotify.com/track/{id}"),
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


def normalise_platform(value: str) -> str:
    """A platform slug from user input ('Apple Music', 'apple-music' → 'apple_music')."""
    return value.strip().lower().replace("-", "_").replace(" ", "_")
