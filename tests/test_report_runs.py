"""`kit report` run after run, as cron does it: the run history, the index page, skipping
what has not changed, and mail delivery to a real local SMTP server (aiosmtpd).

Four `kit report` calls on the small demo share one reports folder (module fixture);
only the first and the last execute notebooks:
1. the demo's report, mailed through a server that refuses the login: exit 3;
2. the same again, through a server that accepts it: skipped (unchanged), and mailed now;
3. the same again: skipped, and not mailed twice;
4. --force, with an unknown artist too and a failure address: both run, both mailed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import re
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from bs4 import BeautifulSoup
from smtp_server import smtp_server

from kit import cli, warehouse
from kit.report import ReportSpec, history
from kit.report.index import write_index

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

PASSWORD = "smtp-pw-4b1e-secret"
TO = ["a@example.org", "b@example.org"]
OPS = "ops@example.org"
ARTIST, COUNTRY, MONTH = "Nico Ardenza", "IT", "2026-09"
STEM = "nico-ardenza-2026-09"


@pytest.fixture(scope="module")
def runs(demo_warehouse, tmp_path_factory):
    out = tmp_path_factory.mktemp("report_runs") / "reports"
    argv = ["report", "--artist", ARTIST, "--country", COUNTRY, "--month", MONTH]
    argv += ["--output", str(out), "--warehouse", str(demo_warehouse), "--mail-to", ",".join(TO)]
    seen = []

    def kit_report(port: int, *extra: str) -> None:
        stdout, stderr = io.StringIO(), io.StringIO()
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("CHARTROOM_SMTP_HOST", "127.0.0.1")
            mp.setenv("CHARTROOM_SMTP_PORT", str(port))
            mp.setenv("CHARTROOM_SMTP_STARTTLS", "off")
            mp.setenv("CHARTROOM_SMTP_USER", "reports")
            mp.setenv("CHARTROOM_SMTP_PASSWORD", PASSWORD)
            mp.setenv("CHARTROOM_MAIL_FROM", "chartroom@example.org")
            with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
                code = cli.main([*argv, *extra])
        notebook = out / MONTH / "nico-ardenza" / f"{STEM}.ipynb"
        seen.append(
            {
                "code": code,
                "stdout": stdout.getvalue(),
                "stderr": stderr.getvalue(),
                "history": history.read_runs(out),
                "index": (out / "index.html").read_text(),
                "notebook_mtime": notebook.stat().st_mtime_ns,
                "workbook": notebook.with_suffix(".xlsx").read_bytes(),
            }
        )

    with smtp_server(password="not-the-one") as (port, refusing):
        kit_report(port)
        refused_messages = list(refusing.messages)
    with smtp_server(password=PASSWORD) as (port, inbox):
        kit_report(port)
        after_second = len(inbox.messages)
        kit_report(port)
        after_third = len(inbox.messages)
        kit_report(port, "--force", "--artist", "Nobody Known", "--mail-failures-to", OPS)
    return {
        "out": out,
        "runs": seen,
        "refused_messages": refused_messages,
        "inbox": inbox,
        "counts": (after_second, after_third, len(inbox.messages)),
    }


def test_a_refused_mail_exits_3_and_keeps_the_report(runs):
    first = runs["runs"][0]
    assert first["code"] == 3
    assert runs["refused_messages"] == []
    assert "  mail      sent: failed: 127.0.0.1:" in first["stdout"]
    assert "refused the login of reports" in first["stdout"]
    assert "1 of 1 messages could not be sent." in first["stderr"]
    (line,) = first["history"]
    assert (line["status"], line["mail"]["status"], line["mail"]["to"]) == ("ok", "failed", TO)
    assert "sent: failed" in first["index"]
    folder = runs["out"] / MONTH / "nico-ardenza"
    assert {p.name for p in folder.iterdir()} == {f"{STEM}.{s}" for s in ("html", "ipynb", "xlsx")}


def test_an_unchanged_report_is_skipped_and_mailed_when_it_has_not_reached_its_readers(runs):
    first, second, third, _ = runs["runs"]
    assert second["code"] == 0 and third["code"] == 0
    assert f"skipped (unchanged) nico-ardenza {MONTH}\n" in second["stdout"]
    assert f"skipped (unchanged) nico-ardenza {MONTH}\n" in third["stdout"]
    assert second["notebook_mtime"] == third["notebook_mtime"] == first["notebook_mtime"]
    assert runs["counts"][:2] == (1, 1)  # sent by the second call, not again by the third
    assert [r["status"] for r in third["history"]] == ["ok", "skipped", "skipped"]
    assert third["history"][1]["mail"]["status"] == "sent"
    assert third["history"][2]["mail"] is None
    assert len({r["fingerprint"] for r in third["history"]}) == 1


def test_the_mailed_report_is_the_page_with_cid_charts_and_the_workbook_attached(runs):
    message = runs["inbox"].messages[0]
    assert runs["inbox"].recipients[0] == TO
    assert message["Subject"] == f"Chartroom report: {ARTIST}, {COUNTRY}, {MONTH}"
    page = message.get_body(preferencelist=("html",)).get_content()
    saved = (runs["out"] / MONTH / "nico-ardenza" / f"{STEM}.html").read_text()
    assert "data:" not in page
    assert page.count("<details") == saved.count("<details") > 0
    charts = set(re.findall(r'src="data:image/png;base64,([^"]+)"', saved))
    cids = set(re.findall(r'src="cid:([^"]+)"', page))
    images = [p for p in message.walk() if p.get_content_maintype() == "image"]
    assert len(cids) == len(images) == len(charts) > 0
    assert {p["Content-ID"].strip("<>") for p in images} == cids
    (workbook,) = message.iter_attachments()
    assert workbook.get_filename() == f"{STEM}.xlsx"
    assert workbook.get_content_type() == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert workbook.get_content() == runs["runs"][1]["workbook"]


def test_force_runs_an_unchanged_report_and_a_failure_notice_goes_to_its_address(runs):
    last = runs["runs"][3]
    assert last["code"] == 1
    assert last["notebook_mtime"] > runs["runs"][2]["notebook_mtime"]
    assert f"ok      nico-ardenza {MONTH}" in last["stdout"]
    assert runs["counts"][2] == 3
    by_recipients = dict(zip(map(tuple, runs["inbox"].recipients), runs["inbox"].messages, strict=True))  # fmt: skip
    notice = by_recipients[(OPS,)]
    assert notice["Subject"] == f"Chartroom report FAILED: nobody-known {MONTH}"
    assert "QueryError: Unknown artist 'Nobody Known'." in notice.get_content()
    assert by_recipients[tuple(TO)].get_content_type() == "multipart/mixed"


def test_the_history_has_a_line_per_run_with_parameters_version_and_warehouse_state(
    runs, demo_warehouse
):
    import nbformat

    lines = runs["runs"][3]["history"]
    assert [(r["report"], r["status"]) for r in lines] == [
        ("nico-ardenza", "ok"),
        ("nico-ardenza", "skipped"),
        ("nico-ardenza", "skipped"),
        ("nico-ardenza", "ok"),
        ("nobody-known", "failed"),
    ]
    good, failed = lines[3], lines[4]
    notebook = nbformat.read(runs["out"] / good["notebook"], 4)
    assert good["parameters"] == notebook.metadata.papermill.parameters
    assert good["warehouse"] == {
        "path": str(demo_warehouse.resolve()),
        "state": warehouse.state(demo_warehouse),
    }
    assert good["kit_version"] == "0.1.0"
    assert good["html"] == f"{MONTH}/nico-ardenza/{STEM}.html"
    assert (failed["error"], failed["html"]) == ("QueryError: Unknown artist 'Nobody Known'.", None)
    assert failed["mail"] == {
        "to": [OPS],
        "status": "sent",
        "kind": "failure notice",
        "error": None,
    }
    finished = dt.datetime.fromisoformat(good["finished_at"])
    assert finished.utcoffset() == dt.timedelta(0)
    assert finished - dt.datetime.fromisoformat(good["started_at"]) >= dt.timedelta(seconds=1)


def test_the_index_lists_every_run_with_relative_links_and_no_script(runs):
    page = BeautifulSoup(runs["runs"][3]["index"], "html.parser")
    assert page.find("script") is None and page.find("style") is not None
    rows = page.select("tbody tr")
    assert [r["class"][0] for r in rows] == [
        "run-failed", "run-ok", "run-skipped", "run-skipped", "run-ok",
    ]  # fmt: skip
    failed = rows[0]
    assert "QueryError: Unknown artist 'Nobody Known'." in failed.get_text()
    assert [a["href"] for a in failed.find_all("a")] == [f"{MONTH}/nobody-known/nobody-known-{MONTH}.ipynb"]  # fmt: skip
    links = [a["href"] for a in rows[1].find_all("a")]
    assert links == [f"{MONTH}/nico-ardenza/{STEM}.{s}" for s in ("html", "xlsx", "ipynb")]
    assert all((runs["out"] / link).exists() for link in links)
    assert "failure notice to ops@example.org" in failed.get_text()
    assert "sent: failed" in rows[4].get_text()


def _texts(root: Path):
    for path in root.rglob("*"):
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as book:
                for name in book.namelist():
                    yield f"{path}:{name}", book.read(name)
        elif path.is_file():
            yield str(path), path.read_bytes()


def test_the_smtp_password_is_in_no_file_history_index_or_output(runs):
    files = list(_texts(runs["out"]))
    assert any(name.endswith("runs.jsonl") for name, _ in files)
    assert [name for name, data in files if PASSWORD.encode() in data] == []
    for run in runs["runs"]:
        assert PASSWORD not in run["stdout"] + run["stderr"]
    for message in runs["inbox"].messages:
        assert PASSWORD not in message.as_string()


# ---------------------------------------------------------------- without notebooks


def test_the_warehouse_state_changes_with_new_rows_and_only_then(tmp_path):
    rows = {
        "artists": pd.DataFrame({"artist_id": ["a"], "name": ["Alba"]}),
        "artist_audience": pd.DataFrame(
            {
                "date": [dt.date(2026, 9, 1)],
                "platform": "spotify",
                "country": "IT",
                "artist_id": "a",
                "metric": "monthly_listeners",
                "value": [100],
                "source": "test",
            }
        ),
    }
    root = tmp_path / "warehouse"
    warehouse.write(rows, source="test", warehouse=root)
    before = warehouse.state(root)
    warehouse.write(rows, source="test", warehouse=root)  # the same rows: nothing changes
    assert warehouse.state(root) == before
    rows["artist_audience"]["value"] = [120]
    warehouse.write(rows, source="test", warehouse=root)
    assert warehouse.state(root) != before


def test_a_fingerprint_changes_with_any_parameter():
    spec = ReportSpec(("Alba",), "2026-09", (), "IT", 5)
    base = spec.parameters(None, Path("/r/2026-09/alba"))
    assert history.fingerprint(base, "s") == history.fingerprint(dict(base), "s")
    assert history.fingerprint(base | {"top_n": 6}, "s") != history.fingerprint(base, "s")
    assert history.fingerprint(base, "t") != history.fingerprint(base, "s")


def test_a_report_whose_page_was_deleted_is_not_skipped(tmp_path):
    spec = ReportSpec(("Alba",), "2026-09", (), "IT", 5)
    folder = tmp_path / "2026-09" / "alba"
    folder.mkdir(parents=True)
    for suffix in ("html", "xlsx"):
        (folder / f"alba-2026-09.{suffix}").write_text("x")
    line = {
        "month": "2026-09", "report": "alba", "status": "ok", "fingerprint": "f",
        "finished_at": "2026-10-02T06:00:00+00:00",
        "html": "2026-09/alba/alba-2026-09.html", "workbook": "2026-09/alba/alba-2026-09.xlsx",
    }  # fmt: skip
    assert history.unchanged([line], spec, tmp_path, "f") == line
    assert history.unchanged([line], spec, tmp_path, "g") is None
    (folder / "alba-2026-09.html").unlink()
    assert history.unchanged([line], spec, tmp_path, "f") is None


def test_the_index_puts_the_newest_month_first_and_escapes_what_it_shows(tmp_path):
    def line(month, report, finished, **extra):
        return {
            "month": month, "report": report, "artists": [report], "status": "ok",
            "finished_at": finished, "seconds": 5.0, "html": f"{month}/{report}/{report}.html",
        } | extra  # fmt: skip

    lines = [
        line("2026-08", "a", "2026-09-02T06:00:00+00:00"),
        line("2026-09", "b", "2026-10-02T06:00:00+00:00"),
        line("28d:2026-10-28", "c", "2026-10-29T06:00:00+00:00"),
        line("2026-09", "<script>x</script>", "2026-10-02T07:00:00+00:00", status="failed",
             error="ValueError: <b>bad</b>\ntraceback"),
    ]  # fmt: skip
    (tmp_path / "runs.jsonl").write_text("".join(json.dumps(x) + "\n" for x in lines))
    page = write_index(tmp_path).read_text()
    soup = BeautifulSoup(page, "html.parser")
    assert [h.get_text() for h in soup.find_all("h2")] == ["28d:2026-10-28", "2026-09", "2026-08"]
    assert soup.find("script") is None
    assert "&lt;script&gt;x&lt;/script&gt;" in page
    assert "ValueError: &lt;b&gt;bad&lt;/b&gt;" in page and "traceback" not in page
    assert soup.find("a", href="28d%3A2026-10-28/c/c.html") is not None


def test_an_empty_folder_gets_an_index_too(tmp_path):
    assert "No report has run here yet." in write_index(tmp_path).read_text()


# ---------------------------------------------------------------- reports.yaml precedence

TOP_LEVEL = """\
country: FR
platforms: [deezer]
top_n: 3
mail_to: top@example.org
mail_failures_to: top-failures@example.org
reports:
  - artist: Own
    country: DE
    platforms: [youtube]
    top_n: 9
    mail_to: own@example.org
    mail_failures_to: own-failures@example.org
  - Plain
"""
FLAGS = [
    "--country", "ES", "--platforms", "spotify", "--top-n", "7",
    "--mail-to", "flag@example.org", "--mail-failures-to", "flag-failures@example.org",
]  # fmt: skip
SETTINGS = ("country", "platforms", "top_n", "mail_to", "mail_failures_to")


def _planned(tmp_path, flags):
    from kit.commands.report import plan

    config = tmp_path / "reports.yaml"
    config.write_text(TOP_LEVEL)
    (tmp_path / "warehouse").mkdir(exist_ok=True)
    argv = ["report", "--config", str(config), "--warehouse", str(tmp_path / "warehouse")]
    specs = plan(cli.build_parser().parse_args([*argv, *flags])).specs
    return [tuple(getattr(s, key) for key in SETTINGS) for s in specs]


def test_a_report_s_own_keys_win_over_flags_which_win_over_the_file_s_top_level(tmp_path):
    own = ("DE", ("youtube",), 9, ("own@example.org",), ("own-failures@example.org",))
    flags = ("ES", ("spotify",), 7, ("flag@example.org",), ("flag-failures@example.org",))
    top = ("FR", ("deezer",), 3, ("top@example.org",), ("top-failures@example.org",))
    assert _planned(tmp_path, FLAGS) == [own, flags]
    assert _planned(tmp_path, []) == [own, top]


def test_a_bad_mail_address_is_refused_naming_where_it_is(tmp_path, capsys):
    (tmp_path / "warehouse").mkdir()
    argv = ["report", "--artist", "A", "--warehouse", str(tmp_path / "warehouse")]
    assert cli.main([*argv, "--mail-to", "ops@example.org,not-an-address"]) == 2
    assert "--mail-to: 'not-an-address' is not a mail address." in capsys.readouterr().err


def test_mail_without_an_smtp_host_is_refused_before_any_report_runs(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)  # no .env here
    for name in ("CHARTROOM_SMTP_HOST", "CHARTROOM_MAIL_FROM"):
        monkeypatch.delenv(name, raising=False)
    (tmp_path / "warehouse").mkdir()
    argv = ["report", "--artist", "A", "--warehouse", str(tmp_path / "warehouse")]
    assert cli.main([*argv, "--output", str(tmp_path / "out"), "--mail-to", "a@example.org"]) == 2
    assert "CHARTROOM_SMTP_HOST is not set" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
