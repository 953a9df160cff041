"""Times `fluxloop run experiment`, in one go so the figures compare.

  python3 bench/run_bench.py sizes [--sizes 1000,10000,100000] [--parallel 1] [--repeat 1]
      the trivial three-decorator agent at several sizes: runs/s, peak RSS, linearity
  python3 bench/run_bench.py workers [--workers 1,2,4] [--runs 10000]
      the trivial agent with several worker counts: runs/s
  python3 bench/run_bench.py slow [--workers 1,8,32] [--runs 1000]
      an agent that sleeps 100 ms: wall time per worker count
"""
import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# FLUXLOOP_BINARY runs another build (for example an older one, side by side).
BINARY = os.environ.get("FLUXLOOP_BINARY") or os.path.join(ROOT, ".build", "release", "fluxloop")
# The agents are the test fixtures, so the benchmark measures what the tests check.
FIXTURES = os.path.join(ROOT, "Tests", "RunnerTests", "Fixtures", "agents")
AGENTS = {"trivial3_agent": os.path.join(FIXTURES, "trivial3_agent.py"),
          "slow_agent": os.path.join(FIXTURES, "slow_agent.py")}


def run_once(runs, parallel, agent="trivial3_agent"):
    folder = tempfile.mkdtemp(prefix="fluxloop-bench-")
    try:
        os.makedirs(os.path.join(folder, "configs"))
        shutil.copy(AGENTS[agent], folder)
        with open(os.path.join(folder, "configs", "simulation.yaml"), "w") as f:
            f.write("name: bench\niterations: %d\nparallel_runs: %d\nrunner:\n  target: %s:run\n"
                    "base_inputs:\n  - input: How do I return a damaged book?\n" % (runs, parallel, agent))
        start = time.perf_counter()
        child = subprocess.Popen([BINARY, "run", "experiment", "--yes"], cwd=folder,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _, err = child.communicate()
        wall = time.perf_counter() - start
        # wait4 gives this child's own peak RSS (the Python worker is its child, not counted here).
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        if child.returncode != 0:
            sys.exit("fluxloop failed (%d): %s" % (child.returncode, err.decode()[-2000:]))
        sizes = database_and_export_bytes(os.path.join(folder, "experiments"))
        return wall, usage.ru_maxrss / 1024.0, sizes
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def database_and_export_bytes(output):
    """The database file (with any log left) and the exported data files (report.html left out)."""
    database = sum(os.path.getsize(os.path.join(output, name)) for name in os.listdir(output)
                   if name.startswith("fluxloop.db"))
    export = 0
    for entry in os.listdir(output):
        folder = os.path.join(output, entry)
        if os.path.isdir(folder):
            export += sum(os.path.getsize(os.path.join(folder, name)) for name in os.listdir(folder)
                          if name != "report.html" and os.path.isfile(os.path.join(folder, name)))
    return database, export


def workers(args, agent):
    counts = [int(n) for n in args.workers.split(",")]
    what = "trivial3_agent" if agent == "trivial3_agent" else "an agent sleeping 100 ms"
    print("worker benchmark: %d runs of %s" % (args.runs, what))
    for count in counts:
        walls = sorted(run_once(args.runs, count, agent)[0] for _ in range(args.repeat))
        wall = walls[len(walls) // 2]
        print("%4d worker(s): %7.2f s  %8.0f runs/s" % (count, wall, args.runs / wall))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", nargs="?", default="sizes", choices=["sizes", "workers", "slow"])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--parallel", type=int, default=1)
    parser.add_argument("--workers", default=None)
    parser.add_argument("--runs", type=int, default=None)
    parser.add_argument("--repeat", type=int, default=1, help="runs per size; the median is reported")
    args = parser.parse_args()
    if args.mode == "workers":
        args.workers = args.workers or "1,2,4"
        args.runs = args.runs or 10000
        return workers(args, "trivial3_agent")
    if args.mode == "slow":
        args.workers = args.workers or "1,8,32"
        args.runs = args.runs or 1000
        return workers(args, "slow_agent")
    sizes = [int(s) for s in args.sizes.split(",")]
    print("runner benchmark: trivial3_agent (3 decorated functions), %d worker(s), median of %d"
          % (args.parallel, args.repeat))
    results = {}
    for runs in sizes:
        walls = []
        peak = 0.0
        for _ in range(args.repeat):
            wall, rss, (database, export) = run_once(runs, args.parallel)
            walls.append(wall)
            peak = max(peak, rss)
        walls.sort()
        wall = walls[len(walls) // 2]
        results[runs] = wall
        print("%8d runs: %7.2f s  %8.0f runs/s  peak RSS (max so far) %6.1f MB  database %.1f MB, export %.1f MB (%.2fx)"
              % (runs, wall, runs / wall, peak, database / 1e6, export / 1e6, database / max(export, 1)))
    if len(sizes) >= 2:
        small, large = sizes[0], sizes[-1]
        ratio = results[large] / (results[small] * large / small)
        print("linearity: %d runs took %.2fx of %d x the %d-run time (1.00 = perfectly linear; "
              "startup makes small runs relatively slower)" % (large, ratio, large // small, small))


if __name__ == "__main__":
    main()
