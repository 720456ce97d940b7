"""Masking secrets in text that leaves the process (alerts, health output).

Error messages can quote a connection string or a URL; everything we send or print goes through
`mask(text, secrets_of(settings))`, which replaces each secret value of the settings with ***.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from crm_pipelines.settings import Settings


def secrets_of(settings: Settings) -> list[str]:
    """Every value that must never leave the process: DSN and Redis passwords, webhook URLs and
    their paths, the SMTP password."""
    found: list[str] = []
    for url in (settings.postgres_dsn, settings.redis_url):
        if url:
            found.append(url)
            password = urlsplit(url).password
            # a password of one to three characters would mask every such letter in the text;
            # the whole URL is still masked
            if password and len(password) >= 4:
                found.append(password)
    for hook in (settings.slack_webhook_url, settings.teams_webhook_url):
        if hook:
            found.append(hook)
            path = urlsplit(hook).path
            if len(path) > 1:
                found.append(path)
                found.extend(part for part in path.split("/") if len(part) >= 8)
    if settings.smtp_password and len(settings.smtp_password) >= 4:
        found.append(settings.smtp_password)
    # longest first, so a URL is masked whole before its parts
    return sorted(set(found), key=len, reverse=True)


def mask(text: str, secrets: list[str]) -> str:
    for secret in secrets:
        text = text.replace(secret, "***")
    return text
