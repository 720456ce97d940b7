"""Email through SMTP_HOST/SMTP_PORT with smtplib: STARTTLS when the server offers it, login when
SMTP_USER is set, an HTML part with inline images (cid:) and a plain-text part."""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from crm_pipelines.delivery.deadline import Deadline, DeliveryError, attempt_deadline
from crm_pipelines.settings import Settings

# Each socket operation gives up after this long; the whole attempt (connect, STARTTLS, login,
# a message with a chart of ~50 kB) after EMAIL_DEADLINE_SECONDS, whatever the server trickles.
SMTP_TIMEOUT_SECONDS = 15
EMAIL_DEADLINE_SECONDS = 30


@dataclass(frozen=True)
class InlineImage:
    """An image the HTML refers to as `cid:<cid>`."""

    cid: str
    data: bytes
    subtype: str = "png"
    filename: str | None = None


class EmailNotConfigured(DeliveryError):
    """SMTP_HOST or ALERT_EMAIL_FROM is unset."""


def _one_line(text: str) -> str:
    # A header must not carry a line break (header injection; EmailMessage refuses it anyway).
    return " ".join(text.split())


def build_email(
    settings: Settings,
    to: list[str],
    subject: str,
    html: str | None,
    text: str,
    inline_images: list[InlineImage] | None = None,
    message_id: str | None = None,
    now: datetime | None = None,
) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = settings.alert_email_from or ""
    msg["To"] = ", ".join(to)
    msg["Subject"] = _one_line(subject)
    # The time in CRM_TIMEZONE with its offset ("-0500"); a bare UTC date would say -0000, which
    # RFC 5322 reserves for "the sender's zone is unknown".
    msg["Date"] = format_datetime((now or datetime.now(settings.timezone)).astimezone(settings.timezone))
    msg["Message-ID"] = message_id or make_msgid(domain=(settings.alert_email_from or "crm.local").split("@")[-1])
    msg.set_content(text)
    if html is None:
        return msg
    msg.add_alternative(html, subtype="html")
    html_part = msg.get_payload()[1]
    for image in inline_images or []:
        # multipart/related inside the alternative: the image travels with the HTML that shows it.
        html_part.add_related(
            image.data,
            maintype="image",
            subtype=image.subtype,
            cid=f"<{image.cid}>",
            filename=image.filename or f"{image.cid}.{image.subtype}",
            disposition="inline",
        )
    return msg


def send_email(
    settings: Settings,
    to: list[str],
    subject: str,
    html: str | None,
    text: str,
    inline_images: list[InlineImage] | None = None,
    *,
    message_id: str | None = None,
    deadline_seconds: float = EMAIL_DEADLINE_SECONDS,
) -> None:
    """Send one message to `to`; raises on any SMTP or connection error (callers retry), and
    `DeliveryTimeout` when the whole session takes longer than `deadline_seconds`.
    A stable `message_id` lets a mailbox recognise a message sent again as the same one."""
    if not settings.smtp_host or not settings.alert_email_from:
        raise EmailNotConfigured("SMTP_HOST and ALERT_EMAIL_FROM are required to send email")
    msg = build_email(settings, to, subject, html, text, inline_images, message_id)
    with attempt_deadline(deadline_seconds, "email (SMTP)") as deadline:
        with open_smtp(settings, deadline) as smtp:
            smtp.send_message(msg, from_addr=settings.alert_email_from, to_addrs=to)


LOOPBACK = ("127.0.0.1", "::1", "localhost")


def open_smtp(settings: Settings, deadline: Deadline | None = None) -> smtplib.SMTP:
    """Port 465 is TLS from the first byte; elsewhere STARTTLS when the server offers it (a relay
    on loopback may not), and a login only when SMTP_USER is set, never in clear to another host.
    Under a `deadline`, its socket (plain, then TLS) is shut down when the deadline expires."""
    context = ssl.create_default_context()
    timeout = min(SMTP_TIMEOUT_SECONDS, deadline.remaining()) if deadline else SMTP_TIMEOUT_SECONDS
    # Created unconnected so the deadline watches the socket from the very first greeting.
    if settings.smtp_port == 465:
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(timeout=timeout, context=context)
    else:
        smtp = smtplib.SMTP(timeout=timeout)
    # What the constructor would have set from a host: STARTTLS and SMTP_SSL check the
    # certificate against it (server_hostname).
    smtp._host = settings.smtp_host
    if deadline is not None:
        deadline.watch(lambda: smtp.sock)
    try:
        smtp.connect(settings.smtp_host, settings.smtp_port)
        if settings.smtp_port != 465:
            smtp.ehlo()
            if smtp.has_extn("starttls"):
                smtp.starttls(context=context)
                smtp.ehlo()
            elif settings.smtp_user and settings.smtp_host not in LOOPBACK:
                raise DeliveryError("the SMTP server offers no STARTTLS: the password is not sent in clear")
        if settings.smtp_user:
            smtp.login(settings.smtp_user, settings.smtp_password or "")
    except BaseException:
        smtp.close()
        raise
    return smtp
