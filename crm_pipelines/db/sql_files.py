"""SQL that does real work lives in `.sql` files next to the code that runs it."""

from __future__ import annotations

import functools
from pathlib import Path

import sqlalchemy as sa


@functools.cache
def load_sql(module_file: str, name: str) -> sa.TextClause:
    """The statement in `sql/<name>` beside `module_file`, ready to execute with bound params."""
    path = Path(module_file).resolve().parent / "sql" / name
    return sa.text(path.read_text())
