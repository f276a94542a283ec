"""reports.yaml: the list of reports `kit report --config` runs, with defaults at the top."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .. import config
from ..ids import slug
from ..mail import check_addresses
from .blocks import DEFAULT_TOP_N
from .spec import ReportSpec


class ConfigError(ValueError):
    """A reports.yaml that cannot be used; the message names the file and the entry."""


# The keys a report can set for itself, each also a default at the top of the file and a
# command-line flag: the report's own value wins, then the flag, then the file's default.
REPORT_DEFAULTS = ("country", "platforms", "top_n", "mail_to", "mail_failures_to")
CONFIG_KEYS = {"month", "output", "warehouse", "reports", *REPORT_DEFAULTS}
REPORT_KEYS = {"artist", "artists", "name", *REPORT_DEFAULTS}


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
    if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise ConfigError(f"{where}: expected a name or a list of names, got {value!r}.")


def load_config(
    path: str | os.PathLike,
    *,
    month: str | None = None,
    country: str | None = None,
    platforms: Sequence[str] | None = None,
    top_n: int | None = None,
    mail_to: Sequence[str] | None = None,
    mail_failures_to: Sequence[str] | None = None,
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
    flags = {
        "country": country,
        "platforms": tuple(platforms) if platforms else None,
        "top_n": top_n,
        "mail_to": tuple(mail_to) if mail_to else None,
        "mail_failures_to": tuple(mail_failures_to) if mail_failures_to else None,
    }
    defaults = {
        key: _value(key, flags[key] if flags[key] is not None else data.get(key), str(path))
        for key in REPORT_DEFAULTS
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
        own = {k: _value(k, entry[k], where) for k in REPORT_DEFAULTS if entry.get(k) is not None}
        specs.append(
            ReportSpec(
                artists=artists,
                period=period,
                name=slug(str(entry["name"])) if entry.get("name") else None,
                **{**defaults, **own},
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


def _value(key: str, value, where: str):
    """A report setting as ReportSpec holds it, checked; None gives the default."""
    if key == "country":
        return str(value or "GLOBAL")
    if key == "platforms":
        return _strings(value, where)
    if key == "top_n":
        return _top_n(DEFAULT_TOP_N if value is None else value, where)
    addresses = _strings(value, f"{where}: {key}")
    try:
        return check_addresses(addresses, f"{where}: {key}")
    except ValueError as exc:
        raise ConfigError(str(exc)) from None


def _top_n(value, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ConfigError(f"{where}: top_n must be a whole number of at least 1, got {value!r}.")
    return value
