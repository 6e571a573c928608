"""The bench counts only what the timed run logged, not its warm-up."""

from __future__ import annotations

import pytest

from newsflow.bench_logs import log_sizes, worker_log_timings

pytestmark = pytest.mark.unit

BULK = '{"message":"index batch of 1 done in 0.020s","stage":"index","bulk_s":[0.010]}\n'
BATCH = '{"message":"enrich batch of 2 done in 0.300s"}\n'


def test_lines_logged_before_the_timed_run_are_not_counted(tmp_path):
    (tmp_path / "indexer.log").write_text(BULK)  # the warm-up's bulk request
    (tmp_path / "enricher.log").write_text(BATCH)
    starts = log_sizes(tmp_path)
    with (tmp_path / "indexer.log").open("a") as log:
        log.write(BULK * 3)

    timed = worker_log_timings(tmp_path, starts)
    assert timed["bulk_requests"] == 3
    assert timed["articles_per_enrich_batch"] is None  # the warm-up's batch is not the run's
    assert worker_log_timings(tmp_path)["bulk_requests"] == 4
