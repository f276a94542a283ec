"""Delivery by mail: a finished report as one message, a failed one as a short notice.

The report's page is the message's HTML body, as it is (the breakdowns stay `<details>`),
except that its charts, embedded in the page as `data:` URIs, become inline image parts
referenced by `cid:` (mail clients block `data:` images); the workbook is attached. The
SMTP settings come from the environment or a `.env` file (`smtp_settings`), and the
password goes nowhere but the SMTP login: not into the environment, a log, an error
message or the run history.
"""

from __future__ import annotations

import base64
import hashlib
import re
import smtplib
import ssl
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

SETTINGS = (
    "CHARTROOM_SMTP_HOST",
    "CHARTROOM_SMTP_PORT",
    "CHARTROOM_SMTP_USER",
    "CHARTROOM_SMTP_PASSWORD",
    "CHARTROOM_SMTP_STARTTLS",
    "CHARTROOM_MAIL_FROM",
)
XLSX_TYPE = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
SEND_TIMEOUT = 60  # seconds per SMTP exchange: a server that hangs fails the delivery

# an <img> whose src is a data: URI, as nbconvert writes a PNG output
_DATA_IMAGE = re.compile(
    r"""(?P<attr>\bsrc\s*=\s*)(?P<q>["'])data:(?P<type>image/[\w.+-]+);base64,(?P<data>[A-Za-z0-9+/=\s]+)(?P=q)"""
)
# a CSS background given as a data: URI: nbconvert's stylesheet draws JupyterLab's own
# interface icons (toolbars, checkboxes) this way; a static page shows none of them
_CSS_DATA_URL = re.compile(r"""url\(\s*(["']?)data:[^)'"]*\1\s*\)""")


class MailError(Exception):
    """Mail could not be sent, or is not set up; the message never holds the password."""


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    sender: str
    port: int = 587
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    starttls: bool = True

    @property
    def server(self) -> str:
        return f"{self.host}:{self.port}"


@dataclass(frozen=True)
class MailOutcome:
    """What happened to one run's message: sent, or failed with the reason."""

    to: tuple[str, ...]
    status: str  # sent | failed
    error: str | None = None
    kind: str = "report"  # report | failure notice

    def as_record(self) -> dict:
        return {"to": list(self.to), "status": self.status, "kind": self.kind, "error": self.error}


def smtp_settings(environ: Mapping[str, str] | None = None) -> SmtpSettings:
    """The SMTP settings: from the environment, else a `.env` file beside the project or in
    the working folder (read, never loaded into the environment). MailError when the host
    or the sender is missing or a value is malformed."""
    from . import config

    values = {name: config.setting(name, environ=environ) for name in SETTINGS}

    host = (values.get("CHARTROOM_SMTP_HOST") or "").strip()
    sender = (values.get("CHARTROOM_MAIL_FROM") or "").strip()
    if not host:
        raise MailError("CHARTROOM_SMTP_HOST is not set: mail needs an SMTP server.")
    if not sender:
        raise MailError("CHARTROOM_MAIL_FROM is not set: mail needs a sender address.")
    port_text = (values.get("CHARTROOM_SMTP_PORT") or "587").strip()
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise MailError(f"CHARTROOM_SMTP_PORT must be a port number, got {port_text!r}.")
    port = int(port_text)
    starttls_text = (values.get("CHARTROOM_SMTP_STARTTLS") or "").strip().lower()
    if starttls_text in {"", "default"}:
        starttls = port == 587
    elif starttls_text in {"1", "true", "yes", "on"}:
        starttls = True
    elif starttls_text in {"0", "false", "no", "off"}:
        starttls = False
    else:
        raise MailError(f"CHARTROOM_SMTP_STARTTLS must be on or off, got {starttls_text!r}.")
    return SmtpSettings(
        host=host,
        sender=sender,
        port=port,
        user=(values.get("CHARTROOM_SMTP_USER") or "").strip() or None,
        password=values.get("CHARTROOM_SMTP_PASSWORD") or None,
        starttls=starttls,
    )


def check_addresses(addresses: Sequence[str], where: str) -> tuple[str, ...]:
    """The addresses, refused (ValueError naming `where`) unless each looks like one."""
    for address in addresses:
        if not re.fullmatch(r"[^@\s,<>]+@[^@\s,<>]+\.[^@\s,<>]+", address):
            raise ValueError(f"{where}: {address!r} is not a mail address.")
    return tuple(addresses)


# ---------------------------------------------------------------- messages


def inline_images(html: str) -> tuple[str, list[tuple[str, str, bytes]]]:
    """The page with each `data:` image as a `cid:` reference, and the images as
    (content id, MIME type, bytes); the same image twice is one part. CSS backgrounds
    given as data: URIs are dropped."""
    images: dict[str, tuple[str, str, bytes]] = {}

    def to_cid(m: re.Match) -> str:
        data = base64.b64decode(re.sub(r"\s+", "", m["data"]))
        digest = hashlib.sha256(data).hexdigest()[:16]
        if digest not in images:
            images[digest] = (f"chart-{len(images) + 1}-{digest}@chartroom", m["type"], data)
        return f"{m['attr']}{m['q']}cid:{images[digest][0]}{m['q']}"

    body = _DATA_IMAGE.sub(to_cid, html)
    body = _CSS_DATA_URL.sub("none", body)
    return body, list(images.values())


def report_message(
    html: str,
    *,
    subject: str,
    sender: str,
    to: Sequence[str],
    workbook: Path | None = None,
    text: str = "",
) -> EmailMessage:
    """One message: a plain-text line, the HTML page with its charts as inline images
    (multipart/related), and the workbook attached."""
    body, images = inline_images(html)
    message = _headers(subject, sender, to)
    message.set_content(text or f"{subject}\n\nThe report is the HTML part of this message.\n")
    message.add_alternative(body, subtype="html")
    page = message.get_payload()[1]
    for cid, mime, data in images:
        maintype, subtype = mime.split("/", 1)
        page.add_related(data, maintype, subtype, cid=f"<{cid}>", disposition="inline")
    if workbook is not None:
        message.add_attachment(
            Path(workbook).read_bytes(),
            maintype=XLSX_TYPE[0],
            subtype=XLSX_TYPE[1],
            filename=Path(workbook).name,
        )
    return message


def notice_message(*, subject: str, sender: str, to: Sequence[str], text: str) -> EmailMessage:
    message = _headers(subject, sender, to)
    message.set_content(text)
    return message


def _headers(subject: str, sender: str, to: Sequence[str]) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = sender
    message["To"] = ", ".join(to)
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = make_msgid(domain="chartroom")
    return message


# ---------------------------------------------------------------- sending


def send(message: EmailMessage, settings: SmtpSettings) -> None:
    """Hand the message to the SMTP server: STARTTLS when set, a login when a user is
    set. MailError (without the password) when the server is down or refuses."""
    try:
        with smtplib.SMTP(settings.host, settings.port, timeout=SEND_TIMEOUT) as smtp:
            if settings.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if settings.user:
                smtp.login(settings.user, settings.password or "")
            refused = smtp.send_message(message)
    except smtplib.SMTPAuthenticationError as exc:
        reply = _reply(exc.smtp_code, exc.smtp_error)
        raise MailError(
            _scrub(f"{settings.server} refused the login of {settings.user}: {reply}", settings)
        ) from None
    except smtplib.SMTPRecipientsRefused as exc:
        who = ", ".join(f"{a} ({_reply(*r)})" for a, r in exc.recipients.items())
        raise MailError(
            _scrub(f"{settings.server} refused every recipient: {who}", settings)
        ) from None
    except smtplib.SMTPResponseException as exc:
        reply = _reply(exc.smtp_code, exc.smtp_error)
        raise MailError(
            _scrub(f"{settings.server} refused the message: {reply}", settings)
        ) from None
    except (smtplib.SMTPException, OSError) as exc:
        reason = f"{type(exc).__name__}: {exc}"
        raise MailError(
            _scrub(f"cannot send through {settings.server}: {reason}", settings)
        ) from None
    if refused:
        who = ", ".join(f"{a} ({_reply(*r)})" for a, r in refused.items())
        raise MailError(_scrub(f"{settings.server} refused some recipients: {who}", settings))


def _reply(code: int, text: bytes | str) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return f"{code} {' '.join(str(text).split())}"


def _scrub(text: str, settings: SmtpSettings) -> str:
    """`text` without the password, plain or as the base64 an AUTH exchange carries it in
    (a server may echo what it was sent)."""
    if not settings.password:
        return text
    secret = settings.password
    user = settings.user or ""
    forms = {
        secret,
        base64.b64encode(secret.encode()).decode(),
        base64.b64encode(f"\0{user}\0{secret}".encode()).decode(),
    }
    for form in sorted(forms, key=len, reverse=True):
        text = text.replace(form, "***")
    return text
