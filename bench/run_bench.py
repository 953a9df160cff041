"""Times `fluxloop run experiment` on a trivial agent at several sizes, in one go so the figures compare.

Usage: python3 bench/run_bench.py [--sizes 1000,10000,100000] [--parallel 1] [--repeat 1]
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
BINARY = os.path.join(ROOT, ".build", "release", "fluxloop")
AGENT = os.path.join(ROOT, "bench", "agents", "trivial3_agent.py")


def run_once(runs, parallel):
    folder = tempfile.mkdtemp(prefix="fluxloop-bench-")
    try:
        os.makedirs(os.path.join(folder, "configs"))
        shutil.copy(AGENT, folder)
        with open(os.path.join(folder, "configs", "simulation.yaml"), "w") as f:
            f.write("name: bench\niterations: %d\nparallel_runs: %d\nrunner:\n  target: trivial3_agent:run\n"
                    "base_inputs:\n  - input: How do I return a damaged book?\n" % (runs, parallel))
        start = time.perf_counter()
        child = subprocess.Popen([BINARY, "run", "experiment", "--yes"], cwd=folder,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _, err = child.communicate()
        wall = time.perf_counter() - start
        # wait4 gives this child's own peak RSS (the Python worker is its child, not counted here).
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        if child.returncode != 0:
            sys.exit("fluxloop failed (%d): %s" % (child.returncode, err.decode()[-2000:]))
        return wall, usage.ru_maxrss / 1024.0
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--parallel", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=1, help="runs per size; the median is reported")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    print("runner benchmark: trivial3_agent (3 decorated functions), %d worker(s), median of %d"
          % (args.parallel, args.repeat))
    results = {}
    for runs in sizes:
        walls = []
        peak = 0.0
        for _ in range(args.repeat):
            wall, rss = run_once(runs, args.parallel)
            walls.append(wall)
            peak = max(peak, rss)
        walls.sort()
        wall = walls[len(walls) // 2]
        results[runs] = wall
        print("%8d runs: %7.2f s  %8.0f runs/s  peak RSS (max so far) %6.1f MB" % (runs, wall, runs / wall, peak))
    if len(sizes) >= 2:
        small, large = sizes[0], sizes[-1]
        ratio = results[large] / (results[small] * large / small)
        print("linearity: %d runs took %.2fx of %d x the %d-run time (1.00 = perfectly linear; "
              "startup makes small runs relatively slower)" % (large, ratio, large // small, small))


if __name__ == "__main__":
    main()
