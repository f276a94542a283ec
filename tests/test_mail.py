"""kit.mail against a real local SMTP server (aiosmtpd): the message a report becomes,
its settings, and the refusals (a login refused, a server down) without the password."""

from __future__ import annotations

import base64
import os

import pytest
from smtp_server import free_port, smtp_server

from kit import mail
from kit.mail import MailError, SmtpSettings, inline_images, report_message, send, smtp_settings

PASSWORD = "pw-Zq81-never-shown"
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)
PNG_B64 = base64.b64encode(PNG).decode()
PAGE = f"""<!DOCTYPE html><html><head><style>
.jp-icon {{ background-image: url(data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=); }}
</style></head><body>
<h1>Which songs made up Alba's listeners?</h1>
<img alt="chart" src="data:image/png;base64,{PNG_B64}
">
<details><summary>Spotify</summary><table><tr><td>Uno</td></tr></table></details>
<img src='data:image/png;base64,{PNG_B64}'>
</body></html>"""


def _settings(port: int, **changes) -> SmtpSettings:
    values = dict(host="127.0.0.1", port=port, sender="chartroom@example.org", starttls=False)
    return SmtpSettings(**(values | changes))


def test_data_images_become_one_cid_part_each_and_css_data_urls_go():
    body, images = inline_images(PAGE)
    assert "data:" not in body
    assert len(images) == 1  # the same chart twice is one part
    cid, mime, data = images[0]
    assert (mime, data) == ("image/png", PNG)
    assert body.count(f"cid:{cid}") == 2
    assert "<details><summary>Spotify</summary>" in body


def test_a_report_reaches_the_server_as_html_with_inline_charts_and_the_workbook(tmp_path):
    workbook = tmp_path / "alba-2026-09.xlsx"
    workbook.write_bytes(b"PK\x03\x04 a workbook")
    with smtp_server(password=PASSWORD) as (port, inbox):
        message = report_message(
            PAGE, subject="Alba", sender="chartroom@example.org", to=["a@example.org", "b@example.org"], workbook=workbook
        )  # fmt: skip
        send(message, _settings(port, user="reports", password=PASSWORD))
    assert inbox.logins == ["reports"]
    assert inbox.recipients == [["a@example.org", "b@example.org"]]
    received = inbox.messages[0]
    assert received.get_content_type() == "multipart/mixed"
    html = received.get_body(preferencelist=("html",))
    assert html.get_content_type() == "text/html"
    page = html.get_content()
    assert "data:" not in page and "<details>" in page
    related = next(p for p in received.walk() if p.get_content_type() == "multipart/related")
    images = [p for p in related.iter_parts() if p.get_content_maintype() == "image"]
    assert len(images) == 1
    assert images[0].get_content() == PNG
    assert f"cid:{images[0]['Content-ID'].strip('<>')}" in page
    attachments = list(received.iter_attachments())
    assert [(a.get_filename(), a.get_content_type()) for a in attachments] == [
        ("alba-2026-09.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    ]
    assert attachments[0].get_content() == workbook.read_bytes()


def test_a_refused_login_is_a_mail_error_without_the_password():
    with smtp_server(password="the-right-one") as (port, inbox):
        message = mail.notice_message(
            subject="x", sender="c@example.org", to=["a@example.org"], text="x"
        )
        with pytest.raises(MailError) as refusal:
            send(message, _settings(port, user="reports", password=PASSWORD))
    assert inbox.messages == []
    text = str(refusal.value)
    assert f"127.0.0.1:{port} refused the login of reports: 535 5.7.8 no user reports" in text
    assert PASSWORD not in text and base64.b64encode(PASSWORD.encode()).decode() not in text


def test_a_server_that_is_down_is_a_mail_error():
    port = free_port()  # nothing listens there
    message = mail.notice_message(
        subject="x", sender="c@example.org", to=["a@example.org"], text="x"
    )
    with pytest.raises(
        MailError, match=rf"cannot send through 127.0.0.1:{port}: ConnectionRefusedError"
    ):
        send(message, _settings(port, user="reports", password=PASSWORD))


def test_settings_come_from_the_environment_then_a_dot_env_without_entering_the_environment(
    tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text(
        f"CHARTROOM_SMTP_HOST=mail.example.org\nCHARTROOM_SMTP_USER=reports\n"
        f"CHARTROOM_SMTP_PASSWORD={PASSWORD}\nCHARTROOM_MAIL_FROM=chartroom@example.org\n"
    )
    settings = smtp_settings(environ={"CHARTROOM_SMTP_USER": "from-env"})
    assert (settings.host, settings.port, settings.user, settings.starttls) == (
        "mail.example.org", 587, "from-env", True,
    )  # fmt: skip
    assert settings.password == PASSWORD
    assert "CHARTROOM_SMTP_PASSWORD" not in os.environ
    assert PASSWORD not in repr(settings)


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"CHARTROOM_MAIL_FROM": "c@example.org"}, "CHARTROOM_SMTP_HOST is not set"),
        ({"CHARTROOM_SMTP_HOST": "h"}, "CHARTROOM_MAIL_FROM is not set"),
        ({"CHARTROOM_SMTP_HOST": "h", "CHARTROOM_MAIL_FROM": "c@x.org", "CHARTROOM_SMTP_PORT": "smtp"}, "must be a port number"),
        ({"CHARTROOM_SMTP_HOST": "h", "CHARTROOM_MAIL_FROM": "c@x.org", "CHARTROOM_SMTP_STARTTLS": "maybe"}, "must be on or off"),
    ],
)  # fmt: skip
def test_incomplete_settings_are_refused(tmp_path, monkeypatch, environ, message):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(MailError, match=message):
        smtp_settings(environ=environ)


def test_starttls_is_on_for_port_587_only_unless_set():
    base = {"CHARTROOM_SMTP_HOST": "h", "CHARTROOM_MAIL_FROM": "c@x.org"}
    assert smtp_settings(environ=base).starttls is True
    assert smtp_settings(environ=base | {"CHARTROOM_SMTP_PORT": "25"}).starttls is False
    assert smtp_settings(environ=base | {"CHARTROOM_SMTP_STARTTLS": "off"}).starttls is False
