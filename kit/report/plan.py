"""reports.yaml: the list of reports `kit report --config` runs, with defaults at the top."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .. import config
from ..ids import slug
from .blocks import DEFAULT_TOP_N
from .runs import ReportSpec


class ConfigError(ValueError):
    """A reports.yaml that cannot be used; the message names the file and the entry."""


CONFIG_KEYS = {"month", "country", "platforms", "top_n", "output", "warehouse", "reports"}
REPORT_KEYS = {"artist", "artists", "country", "platforms", "top_n", "name"}


@dataclass(frozen=True)
class ReportPlan:
    """What `kit report` will run: the reports, and where their files go."""

    specs: tuple[ReportSpec, ...]
    output: Path
    warehouse: Path | None = None


def _strings(value, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(v.strip() for v in value.split(",") if v.strip())
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise ConfigError(f"{where}: expected a name or a list of names, got {value!r}.")


def load_config(
    path: str | os.PathLike,
    *,
    month: str | None = None,
    country: str | None = None,
    platforms: Sequence[str] | None = None,
    output: str | os.PathLike | None = None,
    warehouse: str | os.PathLike | None = None,
    today: dt.date | None = None,
) -> ReportPlan:
    """The reports of a reports.yaml. Keyword arguments (the command line's flags) replace
    the file's top-level values; a report's own keys replace both. Relative paths in the
    file are relative to the file's folder."""
    import yaml

    from ..period import previous_month

    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text("utf-8"))
    except OSError as exc:
        raise ConfigError(f"Cannot read {path}: {exc.strerror}.") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path} is not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping with a 'reports' list.")
    unknown = set(data) - CONFIG_KEYS
    if unknown:
        raise ConfigError(
            f"{path}: unknown key(s) {', '.join(sorted(unknown))}; expected {', '.join(sorted(CONFIG_KEYS))}."
        )
    entries = data.get("reports")
    if not isinstance(entries, list) or not entries:
        raise ConfigError(f"{path}: 'reports' must be a non-empty list of artists or reports.")
    base = path.parent

    def where_to(cli, key) -> Path | None:
        if cli:
            return Path(cli)
        if data.get(key):
            return base / str(data[key])
        return None

    file_month = data.get("month")
    period = month or (
        str(file_month) if file_month and file_month != "previous" else previous_month(today)
    )
    defaults = {
        "country": country or str(data.get("country") or "GLOBAL"),
        "platforms": tuple(platforms) if platforms else _strings(data.get("platforms"), str(path)),
        "top_n": _top_n(data.get("top_n", DEFAULT_TOP_N), str(path)),
    }
    specs = []
    for n, entry in enumerate(entries, start=1):
        where = f"{path}: report {n}"
        if isinstance(entry, str):
            entry = {"artist": entry}
        if not isinstance(entry, dict):
            raise ConfigError(f"{where}: expected an artist name or a mapping, got {entry!r}.")
        unknown = set(entry) - REPORT_KEYS
        if unknown:
            raise ConfigError(
                f"{where}: unknown key(s) {', '.join(sorted(unknown))}; expected {', '.join(sorted(REPORT_KEYS))}."
            )
        artists = _strings(entry.get("artists", entry.get("artist")), where)
        if not artists:
            raise ConfigError(f"{where}: name an 'artist' or a list of 'artists'.")
        specs.append(
            ReportSpec(
                artists=artists,
                period=period,
                platforms=_strings(entry["platforms"], where)
                if "platforms" in entry
                else defaults["platforms"],
                country=str(entry.get("country") or defaults["country"]),
                top_n=_top_n(entry.get("top_n", defaults["top_n"]), where),
                name=slug(str(entry["name"])) if entry.get("name") else None,
            )
        )
        if specs[-1].slug in {s.slug for s in specs[:-1]}:
            raise ConfigError(
                f"{where}: a report named {specs[-1].slug!r} comes earlier; two reports "
                "would write the same folder (give one a 'name')."
            )
    return ReportPlan(
        specs=tuple(specs),
        output=where_to(output, "output") or config.REPORTS_DIR,
        warehouse=where_to(warehouse, "warehouse"),
    )


def _top_n(value, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ConfigError(f"{where}: top_n must be a whole number of at least 1, got {value!r}.")
    return value
