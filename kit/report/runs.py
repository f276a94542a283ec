"""Running reports: `run_reports` executes notebooks/monthly_report.ipynb with papermill,
once per report, in parallel processes, each with its own kernel and working folder, and
leaves in `<output>/<month>/<slug>/` the executed notebook, an HTML page without code
cells, and the Excel workbook. A failed run keeps its partial notebook and does not stop
the others. A report whose data, parameters, notebook and kit are those of its last
successful run is skipped (`force` runs it anyway); each finished report is mailed to its
`mail_to`; every run is recorded in `<output>/runs.jsonl` and listed in
`<output>/index.html`.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import replace
from multiprocessing import get_context
from pathlib import Path

from .. import config
from ..mail import MailError, MailOutcome, SmtpSettings
from .spec import NOTEBOOK, ReportSpec, RunResult

KERNEL = "python3"


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

    started_at = dt.datetime.now(dt.UTC)
    started = time.perf_counter()
    folder = spec.folder(output).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    notebook = folder / f"{spec.stem}.ipynb"
    html = folder / f"{spec.stem}.html"
    workbook = folder / f"{spec.stem}.xlsx"
    for stale in (html, workbook):  # a failed run must not leave last month's files looking new
        stale.unlink(missing_ok=True)
    result = RunResult(spec, folder, notebook, started_at=started_at)
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
    return replace(
        result, seconds=time.perf_counter() - started, finished_at=dt.datetime.now(dt.UTC)
    )


def run_reports(
    specs: Sequence[ReportSpec],
    *,
    output: Path,
    warehouse: Path | None = None,
    jobs: int = 1,
    force: bool = False,
    smtp: SmtpSettings | None = None,
) -> list[RunResult]:
    """Run every report, `jobs` at a time in separate processes (in this process when
    jobs is 1), except those unchanged since their last successful run (unless `force`).
    Each result is mailed to its spec's addresses (through `smtp`, default
    `kit.mail.smtp_settings()`), recorded in `<output>/runs.jsonl`, and `<output>/index.html`
    is redrawn. Progress goes to stderr; the results come back in the order of `specs`."""
    from tqdm.auto import tqdm

    from .. import warehouse as warehouse_files
    from ..mail import smtp_settings
    from . import history, index

    output = Path(output)
    if smtp is None and any(s.mail_to or s.failure_recipients for s in specs):
        smtp = smtp_settings()
    root = config.warehouse_path(warehouse)
    state = warehouse_files.state(root)  # before any run: a later load makes the next one rerun
    with history.locked(output):
        runs = history.read_runs(output)
    parameters = [s.parameters(warehouse, s.folder(output).resolve()) for s in specs]
    prints = [history.fingerprint(p, state) for p in parameters]
    results: dict[int, RunResult] = {}
    todo = []
    for i, spec in enumerate(specs):
        last = None if force else history.unchanged(runs, spec, output, prints[i])
        if last is None:
            todo.append(i)
        else:
            results[i] = _skipped(spec, output, last)
    with tqdm(total=len(specs), unit="report", file=sys.stderr, disable=None) as bar:

        def done(i: int, result: RunResult) -> None:
            result = replace(result, fingerprint=prints[i])
            if smtp is not None:
                result = _deliver(result, smtp, runs)
            results[i] = result
            line = history.record(result, output, parameters[i], root, state)
            with history.locked(output):
                history.append_run(output, line)
                index.write_index(output)
            # at once, so a long batch shows its failures as they happen
            if not result.ok:
                bar.write(
                    f"FAILED  {result.spec.slug} {result.spec.period}: {result.error}",
                    file=sys.stderr,
                )
            if result.mail and result.mail.status != "sent":
                bar.write(
                    f"MAIL FAILED  {result.spec.slug} {result.spec.period}: {result.mail.error}",
                    file=sys.stderr,
                )
            bar.update()

        for i in list(results):
            done(i, results[i])
        if jobs <= 1 or len(todo) <= 1:
            for i in todo:
                done(i, run_report(specs[i], output, warehouse))
        else:
            # spawn: each worker starts clean (no inherited DuckDB handles or threads).
            with ProcessPoolExecutor(max_workers=jobs, mp_context=get_context("spawn")) as pool:
                futures = {pool.submit(run_report, specs[i], output, warehouse): i for i in todo}
                for future in as_completed(futures):
                    done(futures[future], future.result())
    with history.locked(output):
        index.write_index(output)  # also when every report was skipped or none was asked for
    return [results[i] for i in range(len(specs))]


def _skipped(spec: ReportSpec, output: Path, last: dict) -> RunResult:
    """A report not run again: its files are those of its last successful run."""
    now = dt.datetime.now(dt.UTC)
    folder = spec.folder(output).resolve()
    return RunResult(
        spec,
        folder,
        output.resolve() / last["notebook"],
        html=output.resolve() / last["html"],
        workbook=output.resolve() / last["workbook"],
        started_at=now,
        finished_at=now,
        skipped=True,
    )


def _deliver(result: RunResult, smtp: SmtpSettings, runs: Sequence[dict]) -> RunResult:
    """Mail a finished report to its `mail_to` (a skipped one only when this version of it
    has not reached them yet), a failure notice to its failure recipients."""
    from .history import already_sent

    spec = result.spec
    if not result.ok:
        to, kind = spec.failure_recipients, "failure notice"
    else:
        to, kind = spec.mail_to, "report"
        if result.skipped and already_sent(runs, spec, result.fingerprint or "", to):
            return result
    if not to:
        return result
    try:
        _send(result, smtp, to)
    except (MailError, OSError) as exc:
        return replace(result, mail=MailOutcome(tuple(to), "failed", str(exc), kind))
    return replace(result, mail=MailOutcome(tuple(to), "sent", None, kind))


def _send(result: RunResult, smtp: SmtpSettings, to: Sequence[str]) -> None:
    from ..mail import notice_message, report_message, send

    spec = result.spec
    what = f"{spec.slug} {spec.period}"
    if result.ok:
        message = report_message(
            result.html.read_text("utf-8"),
            subject=f"Chartroom report: {', '.join(spec.artists)}, {spec.country}, {spec.period}",
            sender=smtp.sender,
            to=to,
            workbook=result.workbook,
        )
    else:
        message = notice_message(
            subject=f"Chartroom report FAILED: {what}",
            sender=smtp.sender,
            to=to,
            text=f"The report {what} ({', '.join(spec.artists)}, {spec.country}) failed:\n\n"
            f"{result.error}\n\nIts partial notebook, for debugging: {result.notebook}\n",
        )
    send(message, smtp)
