"""The monthly report: the notebook's building blocks, and the runs behind `kit report`.

notebooks/monthly_report.ipynb is thin: its cells call `query`, `header`,
`artist_section`, `explanation` and `save_workbook` and display what they return (HTML
and PNG images, so that the executed notebook and its HTML export hold every figure).

`run_reports` executes that notebook with papermill, once per report, in parallel
processes, each with its own kernel and working folder, and leaves in
`<output>/<month>/<slug>/` the executed notebook, an HTML page without code cells, and
the Excel workbook. A failed run keeps its partial notebook and does not stop the others.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, replace
from multiprocessing import get_context
from pathlib import Path

import pandas as pd

from . import config, render
from .ids import slug
from .period import period_folder
from .platforms import platform_name
from .query import Query, breakdown, breakdown_totals, summary, track_growth, track_timeseries

NOTEBOOK = config.NOTEBOOKS_DIR / "monthly_report.ipynb"
KERNEL = "python3"
DEFAULT_TOP_N = 5

# ---------------------------------------------------------------- notebook building blocks


def query(
    artists: str | Sequence[str],
    period: str,
    *,
    platforms: str | Sequence[str] | None = None,
    country: str = "GLOBAL",
    warehouse: str | None = None,
) -> Query:
    """The report's Query from the notebook's parameters (empty values mean the defaults).
    An unknown artist, a month such as 2026-13 or a period without data raise QueryError."""
    return Query(
        artists,
        period,
        platforms=platforms or None,
        country=country or "GLOBAL",
        warehouse=warehouse or None,
    )


def _html(text: str):
    from IPython.display import HTML

    return HTML(text)


def _image(fig):
    from IPython.display import Image

    from .plots import png

    return Image(data=png(fig), format="png")


def _several(q: Query) -> bool:
    return len(q.artist_ids) > 1


def header(q: Query, *, top_n: int = DEFAULT_TOP_N):
    """The stylesheet, the question the report answers and its parameters."""
    if _several(q):
        place = "worldwide" if q.country_code == "GLOBAL" else f"in {q.country_label}"
        names = ", ".join(q.artist_names[:-1]) + f" and {q.artist_names[-1]}"
        title = f"Which songs made up the monthly listeners of {names} {place} in {q.period_label}?"
    else:
        audience = summary(q)
        title = render.question(
            q.artist_names[0],
            render.headline_listeners(audience, q.artist_ids[0]),
            q.country_label,
            q.period_label,
        )
    return _html(
        render.style()
        + render.heading(
            title,
            artists=q.artist_names,
            platforms=q.platform_slugs,
            country_label=q.country_label,
            period_label=q.period_label,
            start=q.start,
            end=q.end,
            top_n=top_n,
        )
    )


def platform_rows(
    q: Query, artist: str, audience: pd.DataFrame | None = None
) -> list[render.PlatformRow]:
    """One artist's Artist × Platform rows: audience, every track with its sparkline and
    half-on-half change, and the footer. `audience` is `summary(q)` when the caller has it."""
    from .plots import sparklines

    aid = q.artist_id(artist)
    audience = summary(q) if audience is None else audience
    listeners = audience[(audience["artist_id"] == aid) & (audience["metric"] == render.LISTENERS)]
    rows = []
    for platform in q.platform_slugs:
        own = listeners[listeners["platform"] == platform]
        rows.append(
            render.PlatformRow(
                artist=q.artist_name(aid),
                artist_id=aid,
                platform=platform,
                listeners=own.iloc[0] if len(own) else None,
                breakdown=breakdown(q, aid, platform),
                totals=breakdown_totals(q, aid, platform),
                sparklines=sparklines(track_timeseries(q, aid, platform), q.start, q.end),
                growth=track_growth(q, aid, platform),
            )
        )
    return rows


def artist_section(q: Query, artist: str, *, top_n: int = DEFAULT_TOP_N) -> list:
    """One artist's part of the report, as objects to display: the per-platform cards, the
    Artist × Platform table with a collapsible breakdown of every track under each row,
    and the growth charts (audience per platform, the top tracks' daily streams stacked)."""
    from .plots import audience_chart, track_stack_chart

    aid = q.artist_id(artist)
    name = q.artist_name(aid)
    audience = summary(q)
    own = audience[audience["artist_id"] == aid]
    rows = platform_rows(q, aid, audience)
    title = ""
    if _several(q):
        question = render.question(
            name, render.headline_listeners(audience, aid), q.country_label, q.period_label
        )
        title = render.artist_heading(question)
    parts = [
        _html(
            title
            + render.subheading(f"{name}: audience by platform")
            + render.cards(own)
            + render.subheading(f"{name} × platform: open a row to see every track behind it")
            + render.artist_platform_table(rows, q.days)
            + render.subheading(f"{name}: growth over {q.period_label}")
        ),
        _image(audience_chart(q, artist=aid)),
    ]
    for row in rows:
        if not render.is_missing(row.totals["total_streams"].iloc[0]):
            parts.append(_image(track_stack_chart(q, aid, row.platform, top=top_n)))
    return parts


def track_detail(q: Query, artist: str) -> list:
    """One artist's top tracks in detail, as objects to display: per platform, the chart
    position history of each top track (render.top_track_ids: one line per country chart
    it was on), and their daily streams compared from each track's release."""
    from .plots import comparison_chart, position_history_chart

    aid = q.artist_id(artist)
    name = q.artist_name(aid)
    parts = []
    for platform in q.platform_slugs:
        tracks = breakdown(q, aid, platform, limit=render.TOP_TRACKS)
        if tracks.empty:
            continue
        parts.append(
            _html(
                render.subheading(
                    f"{name} on {platform_name(platform)}: chart positions of the top "
                    f"{len(tracks)} tracks"
                )
            )
        )
        for track_id in render.top_track_ids(tracks):
            parts.append(_image(position_history_chart(q, track_id, platform, height=3.0)))
        with_streams = tracks[tracks["total_streams"].notna()]
        if len(with_streams) >= 2:
            picked = [(platform, t) for t in with_streams["track_id"]]
            parts.append(_image(comparison_chart(q, picked, align="release", height=3.2)))
    return parts


def explanation():
    """Listeners against streams, and the definitions of every figure."""
    return _html(render.explanation())


def save_workbook(q: Query, output: str, name: str):
    """Write the workbook `<output>/<name>.xlsx` and return a link to it (relative, so it
    works beside the HTML page); nothing when `output` is empty."""
    if not output:
        return None
    from .export import workbook

    path = workbook(q, Path(output) / f"{name}.xlsx")
    return _html(render.link(path.name, "The figures of this report as an Excel workbook"))


# ---------------------------------------------------------------- one report, one run


@dataclass(frozen=True)
class ReportSpec:
    """One report to run: its artists (one section each), platforms, country, period."""

    artists: tuple[str, ...]
    period: str
    platforms: tuple[str, ...] = ()
    country: str = "GLOBAL"
    top_n: int = DEFAULT_TOP_N
    name: str | None = None  # the folder and file name; default: the artists' slugs

    @property
    def slug(self) -> str:
        return self.name or "+".join(slug(a) for a in self.artists)

    @property
    def stem(self) -> str:
        return f"{self.slug}-{period_folder(self.period)}"

    def folder(self, output: Path) -> Path:
        return output / period_folder(self.period) / self.slug

    def parameters(self, warehouse: Path | None, folder: Path) -> dict:
        """The values papermill writes into the notebook: never a secret."""
        return {
            "artists": list(self.artists),
            "platforms": list(self.platforms),
            "country": self.country,
            "period": self.period,
            "warehouse": str(warehouse) if warehouse else "",
            "output": str(folder),
            "name": self.stem,
            "top_n": self.top_n,
        }


@dataclass(frozen=True)
class RunResult:
    spec: ReportSpec
    folder: Path
    notebook: Path
    html: Path | None = None
    workbook: Path | None = None
    error: str | None = None
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.error is None


HTML_TEMPLATE = """{%- extends 'lab/index.html.j2' -%}
{#- A page that works offline: no require.js, MathJax or Mermaid from a CDN. -#}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
"""


def notebook_html(notebook, title: str) -> str:
    """The executed notebook as one self-contained HTML page without code cells
    (nbconvert's --no-input) and without scripts: the breakdowns open without JavaScript."""
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        extra_loaders=[DictLoader({"chartroom_report.html.j2": HTML_TEMPLATE})],
        template_file="chartroom_report.html.j2",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    body, _resources = exporter.from_notebook_node(
        notebook, resources={"metadata": {"name": title}}
    )
    return body


def _kernel_manager_class():
    from jupyter_client.manager import AsyncKernelManager
    from traitlets import default

    class ReportKernelManager(AsyncKernelManager):
        """Talks to its kernel over Unix sockets named after its own connection file, so
        parallel runs never race for TCP ports; and stops it without a SIGINT."""

        @default("transport")
        def _default_transport(self) -> str:
            return "ipc" if os.name == "posix" else "tcp"

        async def _async_interrupt_kernel(self) -> None:
            # jupyter_client interrupts a kernel before asking it to shut down; the report's
            # kernel is idle by then, and the SIGINT only makes ipykernel log
            # "KeyboardInterrupt caught in kernel" to stderr, which cron mails as an error.
            if not self.shutting_down:
                await super()._async_interrupt_kernel()

    return ReportKernelManager


def run_report(spec: ReportSpec, output: Path, warehouse: Path | None = None) -> RunResult:
    """Execute the notebook for one report in a fresh kernel, in its own folder."""
    import nbformat
    import papermill
    from papermill.exceptions import PapermillExecutionError

    started = time.perf_counter()
    folder = spec.folder(output).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    notebook = folder / f"{spec.stem}.ipynb"
    html = folder / f"{spec.stem}.html"
    workbook = folder / f"{spec.stem}.xlsx"
    for stale in (html, workbook):  # a failed run must not leave last month's files looking new
        stale.unlink(missing_ok=True)
    result = RunResult(spec, folder, notebook)
    try:
        papermill.execute_notebook(
            str(NOTEBOOK),
            str(notebook),
            parameters=spec.parameters(warehouse, folder),
            kernel_name=KERNEL,
            cwd=str(folder),
            progress_bar=False,
            kernel_manager_class=_kernel_manager_class(),
        )
        html.write_text(notebook_html(nbformat.read(notebook, as_version=4), spec.stem), "utf-8")
        result = replace(result, html=html, workbook=workbook if workbook.exists() else None)
    except PapermillExecutionError as exc:
        result = replace(result, error=f"{exc.ename}: {exc.evalue}")
    except Exception as exc:  # a kernel that died or would not start: report it, go on
        result = replace(result, error=f"{type(exc).__name__}: {exc}")
    return replace(result, seconds=time.perf_counter() - started)


def run_reports(
    specs: Sequence[ReportSpec],
    *,
    output: Path,
    warehouse: Path | None = None,
    jobs: int = 1,
) -> list[RunResult]:
    """Run every report, `jobs` at a time in separate processes (in this process when
    jobs is 1). Progress goes to stderr; the results come back in the order of `specs`."""
    from tqdm.auto import tqdm

    output = Path(output)
    results: dict[int, RunResult] = {}
    with tqdm(total=len(specs), unit="report", file=sys.stderr, disable=None) as bar:

        def done(i: int, result: RunResult) -> None:
            results[i] = result
            if not result.ok:  # at once, so a long batch shows its failures as they happen
                bar.write(
                    f"FAILED  {result.spec.slug} {result.spec.period}: {result.error}",
                    file=sys.stderr,
                )
            bar.update()

        if jobs <= 1 or len(specs) <= 1:
            for i, spec in enumerate(specs):
                done(i, run_report(spec, output, warehouse))
        else:
            # spawn: each worker starts clean (no inherited DuckDB handles or threads).
            with ProcessPoolExecutor(max_workers=jobs, mp_context=get_context("spawn")) as pool:
                futures = {
                    pool.submit(run_report, spec, output, warehouse): i
                    for i, spec in enumerate(specs)
                }
                for future in as_completed(futures):
                    done(futures[future], future.result())
    return [results[i] for i in range(len(specs))]


# ---------------------------------------------------------------- reports.yaml


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

    from .period import previous_month

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
