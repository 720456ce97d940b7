"""Parsing the DSN and URLs of the settings before anything connects.

Each `*_problem(value)` returns None when the value parses, or a sentence saying what is wrong
that never quotes the value: a password with an unencoded `@` is split at the wrong `@` by libpq
and SQLAlchemy (`u:Planted@Pw_123@host` gives host `Pw_123@host`), so any piece of a malformed
URL may be part of a secret. settings.py turns the sentence into a SettingsError naming the
variable. Nothing here reads the environment.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

import psycopg2
import psycopg2.extensions
import redis.connection
from sqlalchemy.engine import make_url

POSTGRES_SCHEME = re.compile(r"^postgres(?:ql)?(?:\+\w+)?://", re.IGNORECASE)
# libpq's sslmode values (https://www.postgresql.org/docs/current/libpq-ssl.html)
SSLMODES = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")
# libpq options that must be whole numbers; libpq itself only says so when it connects
INTEGER_OPTIONS = ("port", "connect_timeout", "keepalives", "keepalives_idle", "keepalives_interval",
                   "keepalives_count", "tcp_user_timeout")
HOSTNAME = re.compile(r"^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                      r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$")
IPV6 = re.compile(r"^\[?[0-9A-Fa-f:.]+\]?$")


def _authority_problem(value: str) -> str | None:
    """The user:password@host part: exactly one `@` at most, and none after it."""
    rest = value.split("://", 1)[1]
    authority = re.split(r"[/?#]", rest, maxsplit=1)[0]
    tail = rest[len(authority):]
    if authority.count("@") > 1:
        return "the password seems to contain an unencoded '@' (write it as %40)"
    if "@" in tail:
        return ("the user name or password seems to contain an unencoded '/', '?', '#' or '@' "
                "(write them as %2F, %3F, %23, %40)")
    if re.search(r"\s", value):
        return "it contains a space or a line break"
    return None


def _port_problem(value: str) -> str | None:
    try:
        port = urlsplit(value).port
    except ValueError:
        return "the port is not a whole number between 1 and 65535"
    if port == 0:
        return "the port is not a whole number between 1 and 65535"
    return None


def _mask(text: str, value: str) -> str:
    """A library's message with the URL's password taken out, should it quote it."""
    password = urlsplit(value).password
    for secret in {password, unquote(password)} if password else ():
        text = text.replace(secret, "***")
    return text


def postgres_dsn_problem(value: str) -> str | None:
    if not POSTGRES_SCHEME.match(value):
        return "it does not start with postgresql:// (postgresql://user:password@host:5432/dbname)"
    problem = _authority_problem(value) or _port_problem(value)
    if problem:
        return problem
    libpq_url = POSTGRES_SCHEME.sub("postgresql://", value, count=1)
    try:
        options = psycopg2.extensions.parse_dsn(libpq_url)
        make_url(value)  # what create_engine will parse
    except (psycopg2.ProgrammingError, ValueError) as err:
        message = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        return _mask(message.removeprefix("invalid dsn: "), value)
    except Exception as err:  # noqa: BLE001 - SQLAlchemy's ArgumentError and friends
        return f"it does not parse ({type(err).__name__})"
    sslmode = options.get("sslmode")
    if sslmode is not None and sslmode not in SSLMODES:
        return f"sslmode={sslmode!r} is not one of {', '.join(SSLMODES)}"
    for option in INTEGER_OPTIONS:
        if option in options and not re.fullmatch(r"\d+", options[option].strip()):
            return f"{option} is not a whole number"
    return None


def redis_url_problem(value: str) -> str | None:
    if not re.match(r"^(?:rediss?|unix)://", value, re.IGNORECASE):
        return "it does not start with redis://, rediss:// or unix:// (redis://host:6379/0)"
    problem = _authority_problem(value) or _port_problem(value)
    if problem:
        return problem
    parts = urlsplit(value)
    if parts.scheme.lower() != "unix":
        if not parts.hostname:
            return "it names no host"
        if parts.path not in ("", "/") and not re.fullmatch(r"/\d+", parts.path):
            return "the database number after the host is not a whole number (redis://host:6379/0)"
    try:
        redis.connection.parse_url(value)
    except ValueError as err:
        return _mask(str(err), value)
    return None


def http_url_problem(value: str) -> str | None:
    """A webhook or the UI's address: http(s), a host, a numeric port, no credentials."""
    if not re.match(r"^https?://", value, re.IGNORECASE):
        return "it does not start with http:// or https://"
    problem = _authority_problem(value) or _port_problem(value)
    if problem:
        return problem
    parts = urlsplit(value)
    if "@" in parts.netloc:
        return "it carries a user name or password before the host"
    if not parts.hostname or not (HOSTNAME.match(parts.hostname) or IPV6.match(parts.hostname)):
        return "it names no valid host"
    return None


def host_problem(value: str) -> str | None:
    """A bare host name or address (SMTP_HOST): no scheme, no port, no path."""
    if HOSTNAME.match(value) or IPV6.match(value):
        return None
    if "://" in value or "/" in value:
        return "it is not a bare host name (give the name or address only, e.g. smtp.example.com)"
    if ":" in value:
        return "it is not a bare host name (the port goes in SMTP_PORT)"
    return "it is not a valid host name or address"

