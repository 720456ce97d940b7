"""What the numbers were measured on: CPU, cores, RAM, PostgreSQL and library versions."""

from __future__ import annotations

import os
import platform
from pathlib import Path

import sqlalchemy as sa


def machine_details(engine: sa.Engine) -> dict[str, object]:
    import dagster

    with engine.connect() as conn:
        pg_version = conn.execute(sa.text("SHOW server_version")).scalar()
        pg_settings = {name: conn.execute(sa.text(f"SHOW {name}")).scalar()
                       for name in ("shared_buffers", "work_mem", "max_parallel_workers_per_gather")}
    return {
        "cpu_model": _cpu_model(),
        "cores": os.cpu_count(),
        "ram_gb": _ram_gb(),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "dagster": dagster.__version__,
        "postgresql": pg_version,
        "postgresql_settings": pg_settings,
        # Other work on the machine skews the numbers; the load says how busy it was.
        "load_average_1_5_15min": [round(x, 2) for x in os.getloadavg()],
    }


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _ram_gb() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return None
