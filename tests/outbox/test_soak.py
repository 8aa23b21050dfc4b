"""The short soak in CI: benchmarks/soak.py itself, run briefly against a copy of the demo.

Mixed traffic through gunicorn (production settings) with a real worker, beat and SMTP sink while
Redis, cache and broker at once, is SIGKILLed for the middle third and comes back empty. No request
may end in a 5xx, every nudge committed must reach the SMTP sink exactly once, and the worker's
memory may not grow once its pool has loaded the tasks. The figures go to the terminal summary.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from .services import BASE_DIR, project_env

pytestmark = [pytest.mark.postgres, pytest.mark.soak, pytest.mark.faults, pytest.mark.django_db]
SECONDS = 36  # three phases of 12 s
RSS_GROWTH_MIB = 40  # after the first phase (pool warm) to the end


def test_the_short_soak_has_no_5xx_and_loses_and_duplicates_no_mail_while_redis_dies(
    demo_database, tmp_path, record_property
):
    figures_file = tmp_path / "soak.json"
    run = subprocess.run(
        [sys.executable, "benchmarks/soak.py", "--seconds", str(SECONDS), "--threads", "3",
         "--members", "300", "--drain", "90", "--json", str(figures_file)],
        cwd=BASE_DIR,
        env=project_env(SOAK_DATABASE_URL=demo_database, SOAK_LOG_DIR=str(tmp_path)),
        capture_output=True,
        text=True,
        timeout=400,
    )  # fmt: skip
    logs = "".join(
        f"\n--- {log.name}\n{log.read_text(errors='replace')[-1500:]}"
        for log in sorted(tmp_path.glob("soak-*.log"))
    )
    assert run.returncode == 0 and figures_file.exists(), run.stdout + run.stderr[-3000:] + logs
    soak = json.loads(figures_file.read_text())
    phases, rss = soak["phases"], soak["worker_rss_mib"]
    summary = (
        f"Soak {SECONDS} s (Redis killed for the middle third): "
        + "; ".join(
            f"{phase}: {p['requests']} requests, {p['5xx']} 5xx, {p['failed']} failed"
            for phase, p in phases.items()
        )
        + f". Nudges committed {soak['nudges_committed']}, outbox mails {soak['outbox_mails']} "
        f"{soak['outbox_statuses']}, received {soak['received_unique']}, duplicated "
        f"{soak['duplicated']}, lost {soak['lost']}. Worker RSS MiB {rss}"
    )
    print(summary)
    record_property("figures", summary)
    assert len(phases) == 3 and all(p["requests"] >= 20 for p in phases.values()), summary
    assert sum(p["5xx"] + p["failed"] for p in phases.values()) == 0, run.stdout
    assert soak["nudges_committed"] >= 10, summary
    # a nudge whose answer the client missed may still have committed: at least one mail each
    assert soak["nudges_committed"] <= soak["outbox_mails"] == soak["received_unique"], summary
    assert (soak["duplicated"], soak["lost"]) == (0, 0), summary
    assert rss["end"] - rss["after phase 1"] < RSS_GROWTH_MIB, summary
