"""Running reports: `run_reports` executes notebooks/monthly_report.ipynb with papermill,
once per report, in parallel processes, each with its own kernel and working folder, and
leaves in `<output>/<month>/<slug>/` the executed notebook, an HTML page without code
cells, and the Excel workbook. A failed run keeps its partial notebook and does not stop
the others.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, replace
from multiprocessing import get_context
from pathlib import Path

from .. import config
from ..ids import slug
from ..period import period_folder
from .blocks import DEFAULT_TOP_N

NOTEBOOK = config.NOTEBOOKS_DIR / "monthly_report.ipynb"
KERNEL = "python3"


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
