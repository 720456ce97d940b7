"""Row-by-row comparison of two ways of computing seller_metrics.

If the paths disagree the benchmark is timing different work, so the benchmark reports the first
differences and fails (non-zero exit). Floating point values compare with a tiny tolerance
(the same formula summed in a different order); productivity_score is rounded to 2 decimals by
each side, so a value on a rounding boundary may differ by one hundredth.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import date
from typing import Any

METRIC_COLUMNS = (
    "conversations_total", "conversations_active", "conversations_new", "conversations_unanswered",
    "messages_sent", "messages_received", "replies",
    "avg_response_time_minutes", "median_response_time_minutes", "p90_response_time_minutes",
    "first_response_time_minutes", "total_chat_time_minutes", "engagement_rate",
    "leads_generated", "leads_converted", "conversion_rate", "hot_leads_open", "follow_ups_due",
    "productivity_score", "activity_level", "rank_position",
)
TOLERANCE = {"productivity_score": 0.01 + 1e-9}
DEFAULT_TOLERANCE = 1e-6

Key = tuple[int, str, date]


def keyed(rows: Iterable[Any]) -> dict[Key, dict[str, Any]]:
    """Rows (mappings or SQLAlchemy rows) by (tenant_id, seller_id, period)."""
    out = {}
    for row in rows:
        row = dict(row._mapping) if hasattr(row, "_mapping") else dict(row)
        out[(int(row["tenant_id"]), str(row["seller_id"]), row["period"])] = row
    return out


def compare_rows(left_name: str, left: dict[Key, dict], right_name: str, right: dict[Key, dict],
                 keys: set[Key] | None = None, max_examples: int = 8) -> dict[str, Any]:
    """Compare `left` and `right` on `keys` (default: every key of either side)."""
    keys = set(left) | set(right) if keys is None else keys
    missing_left = sorted(k for k in keys if k not in left)
    missing_right = sorted(k for k in keys if k not in right)
    differences = []
    mismatched = set()
    for key in sorted(keys):
        if key in left and key in right:
            for column in METRIC_COLUMNS:
                a, b = left[key].get(column), right[key].get(column)
                if not _same(a, b, TOLERANCE.get(column, DEFAULT_TOLERANCE)):
                    mismatched.add(key)
                    differences.append({"tenant_id": key[0], "seller_id": key[1],
                                        "period": key[2].isoformat(), "column": column,
                                        left_name: _plain(a), right_name: _plain(b)})
    columns_differing = sorted({d["column"] for d in differences})
    return {
        "paths": [left_name, right_name],
        "rows_compared": len(keys),
        f"missing_in_{left_name}": len(missing_left),
        f"missing_in_{right_name}": len(missing_right),
        "mismatched_rows": len(mismatched),
        "columns_differing": columns_differing,
        "examples": differences[:max_examples],
        "equal": bool(keys) and not missing_left and not missing_right and not mismatched,
    }


def _same(a: Any, b: Any, tolerance: float) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, str) or isinstance(b, str):
        return str(a) == str(b)
    a, b = float(a), float(b)
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=tolerance)


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, (int, float, str)):
        return value
    try:
        return float(value)
    except (TypeError, ValueError):
        return str(value)
