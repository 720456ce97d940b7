"""`send_email` against real aiosmtpd servers with what production servers ask for: STARTTLS when
offered (a certificate the test makes with openssl and trusts through SSL_CERT_FILE) and login
when SMTP_USER is set. The shared smtp_server fixture offers neither, so these servers are local."""

from __future__ import annotations

import ssl
import subprocess
from collections.abc import Iterator
from datetime import datetime, timezone
from email import policy
from email.parser import BytesParser
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from crm_pipelines.delivery import InlineImage, send_email
from crm_pipelines.settings import load_settings
from crm_pipelines_tests.support.socketio_server import free_port


class _Record:
    def __init__(self):
        self.sessions: list[dict] = []

    async def handle_DATA(self, server, session, envelope):
        self.sessions.append(
            {
                "tls": session.ssl is not None,
                "login": session.auth_data,
                "rcpt": list(envelope.rcpt_tos),
                "data": envelope.content,
            }
        )
        return "250 OK"


def _check_login(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
        b"reports",
        b"s3cret",
    )
    return AuthResult(success=ok, handled=False, auth_data=auth_data.login if ok else None)


@pytest.fixture
def certificate(tmp_path: Path) -> tuple[Path, Path]:
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


def _serve(**kwargs) -> tuple[Controller, _Record, int]:
    record, port = _Record(), free_port()
    controller = Controller(record, hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    return controller, record, port


@pytest.fixture
def tls_login_server(certificate, monkeypatch) -> Iterator[tuple[_Record, int]]:
    cert, key = certificate
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # the client trusts the test's certificate
    controller, record, port = _serve(
        tls_context=context, require_starttls=True, authenticator=_check_login, auth_required=True
    )
    yield record, port
    controller.stop()


def _settings(port: int, **env: str):
    return load_settings(
        {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(port), "ALERT_EMAIL_FROM": "reports@crm.test", **env}
    )


def test_starttls_and_login(tls_login_server):
    record, port = tls_login_server
    settings = _settings(port, SMTP_USER="reports", SMTP_PASSWORD="s3cret")
    send_email(
        settings,
        ["ceo@acme.test"],
        "Reporte",
        "<p>hola</p>",
        "hola",
        [InlineImage(cid="c", data=b"\x89PNG fake")],
    )
    assert len(record.sessions) == 1
    session = record.sessions[0]
    assert session["tls"] is True and session["login"] == b"reports" and session["rcpt"] == ["ceo@acme.test"]


def test_wrong_password_raises(tls_login_server):
    _, port = tls_login_server
    settings = _settings(port, SMTP_USER="reports", SMTP_PASSWORD="wrong")
    with pytest.raises(Exception) as raised:
        send_email(settings, ["ceo@acme.test"], "Reporte", "<p>hola</p>", "hola")
    assert type(raised.value).__name__ == "SMTPAuthenticationError"


def test_date_header_carries_the_crm_timezones_offset():
    """The Date a mail client shows: the sending time in CRM_TIMEZONE with its offset, never the
    "-0000" that says the sender's zone is unknown."""
    controller, record, port = _serve()
    try:
        before = datetime.now(timezone.utc)
        send_email(_settings(port, CRM_TIMEZONE="America/Bogota"), ["ceo@acme.test"], "Reporte", None, "hola")
        after = datetime.now(timezone.utc)
    finally:
        controller.stop()
    message = BytesParser(policy=policy.default).parsebytes(record.sessions[0]["data"])
    date_header = str(message["Date"])
    assert date_header.endswith(" -0500"), date_header
    assert before.replace(microsecond=0) <= parsedate_to_datetime(date_header) <= after
