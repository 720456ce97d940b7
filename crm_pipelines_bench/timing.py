"""Repeat a measurement and keep the median: one slow outlier (a checkpoint, a cold cache) should
not decide the number a README quotes."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Timing:
    runs: list[float] = field(default_factory=list)
    peak_rss_mb: float | None = None  # the largest of the runs' processes, when measured
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def median(self) -> float:
        return statistics.median(self.runs)

    def as_json(self) -> dict[str, Any]:
        return {"median_seconds": round(self.median, 4), "runs_seconds": [round(r, 4) for r in self.runs],
                "peak_rss_mb": self.peak_rss_mb, **self.extra}


def repeat(fn: Callable[[], Any], times: int) -> tuple[Timing, Any]:
    """Run `fn` `times` times; return the wall-clock timing and the last result."""
    timing = Timing()
    result = None
    for _ in range(times):
        started = time.perf_counter()
        result = fn()
        timing.runs.append(time.perf_counter() - started)
    return timing, result
