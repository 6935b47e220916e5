"""Run every bench/bench_*.py and print their results as a table.

Each script prints one JSON object per line; the keys become the table's columns.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def table(rows: list[dict[str, object]]) -> str:
    columns: list[str] = []
    for row in rows:
        columns += [key for key in row if key not in columns]
    cells = [[str(row.get(c, "")) for c in columns] for row in rows]
    widths = [max(len(c), *(len(r[i]) for r in cells)) for i, c in enumerate(columns)]
    line = " | ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True))
    rule = "-+-".join("-" * w for w in widths)
    body = [" | ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)) for r in cells]
    return "\n".join([line, rule, *body])


def main() -> int:
    status = 0
    for script in sorted(HERE.glob("bench_*.py")):
        print(f"== {script.name}", flush=True)
        result = subprocess.run(
            [sys.executable, str(script)], capture_output=True, text=True, check=False
        )
        sys.stderr.write(result.stderr)
        rows = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
        measured = [r for r in rows if r.get("endpoint") != "targets"]
        if measured:
            print(table(measured))
        for row in rows:
            if row.get("endpoint") == "targets":
                print(
                    "targets:", {k: v for k, v in row.items() if k not in ("benchmark", "endpoint")}
                )
        if result.returncode != 0:
            status = result.returncode
    return status


if __name__ == "__main__":
    sys.exit(main())
