"""The whole-process figures read GNU time's report right (no timing here)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

WHOLEPROCESS = Path(__file__).resolve().parent.parent / "benchmarks" / "wholeprocess.py"


def _load():
    spec = importlib.util.spec_from_file_location("rebound_bench_wholeprocess", WHOLEPROCESS)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # (named tuples look their module up here)
    spec.loader.exec_module(module)
    return module


wp = _load()


def test_a_report_gives_peak_faults_and_cpu() -> None:
    used = wp.usage_of("138160 48493 0.52 0.18\n", 0.47)
    assert used == wp.Usage(0.47, 138160, 48493, 0.52, 0.18)


def test_a_report_after_the_commands_own_words_is_read_from_its_last_line() -> None:
    # (GNU time writes "Command exited with non-zero status 1" first when it does)
    used = wp.usage_of("Command exited with non-zero status 1\n900 12 0.01 0.00\n", 0.1)
    assert (used.peak_kb, used.faults, used.user, used.system) == (900, 12, 0.01, 0.0)


def test_a_report_that_says_nothing_readable_keeps_the_wall_time_only() -> None:
    for report in ("", "\n", "time: cannot run foo\n", "1 2 three 4\n"):
        assert wp.usage_of(report, 0.25) == wp.Usage(0.25)


def test_cpu_line_gives_the_medians() -> None:
    runs = [wp.Usage(0.4, 1, 40_000, 0.5, 0.1), wp.Usage(0.5, 1, 42_000, 0.6, 0.2)]
    runs.append(wp.Usage(0.6, 1, 50_000, 0.7, 0.3))
    assert wp.cpu_line(runs) == "user 600 ms, system 200 ms, 42,000 page faults"
    assert wp.cpu_line([]) == "no runs"


def test_page_fault_cost_is_measured() -> None:
    assert wp.page_fault_us(1) > 0


def test_spread_words_give_min_median_max_in_ms() -> None:
    assert wp.spread_words([0.30, 0.25, 0.41]) == "250 / 300 / 410 ms"
    assert wp.spread_words([0.2]) == "200 / 200 / 200 ms"


def test_the_host_loop_is_timed_in_each_fresh_process() -> None:
    times = wp.host_spread(2)
    assert len(times) == 2
    assert all(0 < t < 30 for t in times)


def test_whole_process_rounds_are_many_on_heavy_and_three_on_extreme() -> None:
    spec = importlib.util.spec_from_file_location(
        "rebound_bench_run", WHOLEPROCESS.with_name("run.py")
    )
    assert spec is not None and spec.loader is not None
    run = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = run  # (dataclasses look their module up here)
    spec.loader.exec_module(run)
    plan = run.Plan()
    assert plan.rounds(plan.startup_runs, "heavy") == plan.startup_runs >= 15
    assert plan.rounds(plan.cli_reps, "heavy") == plan.cli_reps >= 11
    assert plan.rounds(plan.startup_runs, "extreme") == plan.rounds(plan.cli_reps, "extreme") == 3
    assert run.Plan(cli_reps=2).rounds(2, "extreme") == 2  # (--quick asks fewer: never more)
