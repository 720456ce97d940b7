"""Email through SMTP_HOST/SMTP_PORT with smtplib: STARTTLS when the server offers it, login when
SMTP_USER is set, an HTML part with inline images (cid:) and a plain-text part."""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from crm_pipelines.settings import Settings

SMTP_TIMEOUT_SECONDS = 15


@dataclass(frozen=True)
class InlineImage:
    """An image the HTML refers to as `cid:<cid>`."""

    cid: str
    data: bytes
    subtype: str = "png"
    filename: str | None = None


class EmailNotConfigured(RuntimeError):
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
) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = settings.alert_email_from or ""
    msg["To"] = ", ".join(to)
    msg["Subject"] = _one_line(subject)
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = make_msgid(domain=(settings.alert_email_from or "crm.local").split("@")[-1])
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
) -> None:
    """Send one message to `to`; raises on any SMTP or connection error (callers retry)."""
    if not settings.smtp_host or not settings.alert_email_from:
        raise EmailNotConfigured("SMTP_HOST and ALERT_EMAIL_FROM are required to send email")
    msg = build_email(settings, to, subject, html, text, inline_images)
    with open_smtp(settings) as smtp:
        smtp.send_message(msg, from_addr=settings.alert_email_from, to_addrs=to)


LOOPBACK = ("127.0.0.1", "::1", "localhost")


def open_smtp(settings: Settings) -> smtplib.SMTP:
    """Port 465 is TLS from the first byte; elsewhere STARTTLS when the server offers it (a relay
    on loopback may not), and a login only when SMTP_USER is set, never in clear to another host."""
    context = ssl.create_default_context()
    if settings.smtp_port == 465:
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(settings.smtp_host, settings.smtp_port,
                                              timeout=SMTP_TIMEOUT_SECONDS, context=context)
    else:
        smtp = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=SMTP_TIMEOUT_SECONDS)
        smtp.ehlo()
        if smtp.has_extn("starttls"):
            smtp.starttls(context=context)
            smtp.ehlo()
        elif settings.smtp_user and settings.smtp_host not in LOOPBACK:
            smtp.close()
            raise RuntimeError("the SMTP server offers no STARTTLS: the password is not sent in clear")
    if settings.smtp_user:
        smtp.login(settings.smtp_user, settings.smtp_password or "")
    return smtp
