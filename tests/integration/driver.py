"""A long-lived Django process of one installation for the integration test and the
benchmark: it reads JSON lines `{"code": ...}` on stdin, runs the code (which may set
`result`) in one namespace kept across requests, and answers one line
`@@driver@@{"ok": ..., "result"|"error": ...}`. It stands for the installation's worker,
beat and officers, so each step costs no new Django start-up."""

from __future__ import annotations

import json
import sys
import traceback
from pathlib import Path

MARK = "@@driver@@"


def main() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent.parent))
    import django

    django.setup()
    namespace: dict[str, object] = {}
    print(MARK + json.dumps({"ok": True, "result": "ready"}), flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        namespace.pop("result", None)
        try:
            exec(request["code"], namespace)  # noqa: S102 (the test's own code)
            answer = {"ok": True, "result": namespace.get("result")}
        except Exception:
            answer = {"ok": False, "error": traceback.format_exc()}
        finally:
            from django.db import close_old_connections

            close_old_connections()
        print(MARK + json.dumps(answer, default=str), flush=True)


if __name__ == "__main__":
    main()
