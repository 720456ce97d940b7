#!/usr/bin/env python
"""The benchmark as a script you can read top to bottom; it runs the same code as
`crm-pipelines bench` (crm_pipelines_bench/).

    .venv/bin/python scripts/bench.py --scale medium            # table on stdout
    .venv/bin/python scripts/bench.py --scale small --json      # JSON for machines

What happens, in order:
1. The data set of the scale is built in its own database, crm_bench_<scale> (on POSTGRES_DSN's
   server, or the embedded one), by seed_demo, set-based; a marker on the database lets later
   runs reuse it.
2. seller_metrics for one day and for the whole range, three ways: through Dagster
   (seller_metrics_job, one run with a partition range), the bare SELECT in a plain psycopg2
   connection (the lower bound), and the original service's query-per-seller-per-metric loop on
   a sample of days, extrapolated.
3. The last 30 days as 30 runs and as one run (Dagster's per-run overhead).
4. The notification check (with each rule's query plan) and a cleanup of 200,000 expired rows.
5. The rows of the three paths are compared; any difference exits 1.
"""

from __future__ import annotations

import argparse
import json
import sys

from crm_pipelines.settings import get_settings
from crm_pipelines_bench.report import render
from crm_pipelines_bench.runner import BenchOptions, run_benchmark
from crm_pipelines_bench.scales import SCALES


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", choices=list(SCALES), default="small")
    parser.add_argument("--dsn", default=None, help="the bench database; default crm_bench_<scale>")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (median reported)")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the data set")
    parser.add_argument("--json", action="store_true", help="print the full result as JSON")
    args = parser.parse_args()

    options = BenchOptions(scale=SCALES[args.scale], dsn=args.dsn, repeat=args.repeat, rebuild=args.rebuild)
    result = run_benchmark(options, get_settings(), log=lambda text: print(text, file=sys.stderr))
    print(json.dumps(result, indent=2, default=str) if args.json else render(result))
    if not result["ok"]:
        print("MISMATCH: the paths computed different seller_metrics rows (see 'equality')", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
