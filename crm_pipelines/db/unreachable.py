"""A database that cannot be reached is said in one line, naming where (password masked) and why.

For the command line: `init-db`, `seed-demo` and `bench` wrap their work in `database_errors`,
so PostgreSQL being down reads `cannot reach PostgreSQL at postgresql://crm:***@db:5432/crm:
connection refused ...`, not a 40-line traceback.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import click
import sqlalchemy as sa


class DatabaseUnreachable(click.ClickException):
    pass


def first_line(err: BaseException) -> str:
    text = str(getattr(err, "orig", None) or err).strip()
    return text.splitlines()[0] if text else type(err).__name__


@contextlib.contextmanager
def database_errors(where: str) -> Iterator[None]:
    """`where`: the DSN as it may be shown (redacted), or "embedded PostgreSQL"."""
    try:
        yield
    except sa.exc.OperationalError as err:
        raise DatabaseUnreachable(f"cannot reach PostgreSQL at {where}: {first_line(err)}") from None
    except sa.exc.InterfaceError as err:
        raise DatabaseUnreachable(f"lost PostgreSQL at {where}: {first_line(err)}") from None
