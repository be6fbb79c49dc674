"""Start-up benchmark for `ticketcost estimate`, end to end, in the current venv.

Prints the median wall time of several runs of each command, beside a bare `import typer` (the
floor any typer CLI pays) and, when installed, `genai-prices calc` pricing one call of the same
model (`pip install 'genai-prices[cli]'`). Targets (issue #2): estimate <= 150 ms on a 2-core
machine, and at most 1.5x the bare `import typer` time.

    python bench/bench_estimate.py [--runs 21]

Timing lives here, never in the unit tests: shared machines make timed tests flaky.

ticketcost is timed as installed: pip compiles a wheel's modules to bytecode when it installs
them, but an editable install under PYTHONDONTWRITEBYTECODE=1 would recompile every module on
every run (about 16 ms here), so the package is byte-compiled first.
"""

from __future__ import annotations

import argparse
import compileall
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def medians_ms(cases: list[tuple[str, list[str]]], runs: int, env: dict[str, str]) -> dict:
    """Median wall time of each command. The commands take turns, round after round, so a load
    that comes and goes on a shared machine weighs on all of them alike."""
    for _, command in cases:
        subprocess.run(command, env=env, capture_output=True, check=True)  # warm the file cache
    times: dict[str, list[float]] = {name: [] for name, _ in cases}
    for _ in range(runs):
        for name, command in cases:
            start = time.perf_counter()
            subprocess.run(command, env=env, capture_output=True, check=True)
            times[name].append((time.perf_counter() - start) * 1000)
    return {name: statistics.median(values) for name, values in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()

    bin_dir = Path(sys.executable).parent
    ticketcost = shutil.which("ticketcost", path=str(bin_dir)) or "ticketcost"
    genai = shutil.which("genai-prices", path=str(bin_dir))
    import ticketcost.cli as package

    compileall.compile_dir(str(Path(package.__file__).parent.parent), quiet=1)
    cache_dir = tempfile.mkdtemp(prefix="ticketcost-bench-")
    env = dict(os.environ, TICKETCOST_CACHE_DIR=cache_dir)
    py = sys.executable

    # The first run validates the bundled YAML with pydantic and fills the cache; time it alone.
    start = time.perf_counter()
    subprocess.run([ticketcost, "estimate"], env=env, capture_output=True, check=True)
    cold = (time.perf_counter() - start) * 1000

    cases: list[tuple[str, list[str]]] = [
        ("python -c pass", [py, "-c", "pass"]),
        ("python -c 'import typer'", [py, "-c", "import typer"]),
        ("ticketcost --help", [ticketcost, "--help"]),
        ("ticketcost estimate", [ticketcost, "estimate"]),
        ("ticketcost estimate --format json", [ticketcost, "estimate", "--format", "json"]),
        (
            "ticketcost estimate -m claude-haiku-4-5",
            [ticketcost, "estimate", "-m", "claude-haiku-4-5"],
        ),
    ]
    if genai:
        cases.append(
            (
                "genai-prices calc claude-haiku-4-5 (one call)",
                [genai, "calc", "-i", "6750", "-o", "1000", "claude-haiku-4-5"],
            )
        )
    results = medians_ms(cases, args.runs, env)

    print(f"median of {args.runs} runs, {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    print(f"{'ticketcost estimate (cold: validates YAML, fills cache)':56s} {cold:7.1f} ms")
    for name, ms in results.items():
        print(f"{name:56s} {ms:7.1f} ms")
    typer_ms = results["python -c 'import typer'"]
    estimate_ms = results["ticketcost estimate"]
    print(
        f"\nestimate / import typer = {estimate_ms / typer_ms:.2f}x (target <= 1.5x); "
        f"estimate = {estimate_ms:.0f} ms (target <= 150 ms)"
    )
    if not genai:
        print("genai-prices CLI not installed: pip install 'genai-prices[cli]' to compare")
    shutil.rmtree(cache_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
