"""The real CRM Ventas schema (a `pg_dump --schema-only` of the database its own start-up builds),
loaded into a test database with psql as an operator would.

The dump is not part of this repository: it describes somebody else's product. The tests read it
from `CRM_VENTAS_SCHEMA_SQL` when set, else from `shared/crmventas/schema.sql` beside the checkout
(where the project's planning material keeps it). Without it, the tests that need it fail with a
message saying where to put it, rather than with psql's "No such file".
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

BESIDE_CHECKOUT = Path(__file__).resolve().parents[3] / "shared" / "crmventas" / "schema.sql"


def crm_ventas_schema_path() -> Path:
    path = Path(os.environ.get("CRM_VENTAS_SCHEMA_SQL") or BESIDE_CHECKOUT)
    if not path.is_file():
        pytest.fail(f"the CRM Ventas schema dump is not at {path}: put a `pg_dump --schema-only` of a "
                    "CRM Ventas database there, or point CRM_VENTAS_SCHEMA_SQL at one", pytrace=False)
    return path


def load_crm_ventas_schema(dsn: str) -> None:
    loaded = subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", "-d", dsn, "-f", str(crm_ventas_schema_path())],
                            capture_output=True, text=True)
    if loaded.returncode != 0:
        pytest.fail(f"psql could not load the CRM Ventas schema: {loaded.stderr.strip()}", pytrace=False)
