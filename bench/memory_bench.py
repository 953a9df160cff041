"""Peak memory of `fluxloop run experiment` for large agent outputs (issue 13: bounded by output size).

  python3 bench/memory_bench.py [--sizes 20,40] [--runs 2] [--repeat 1] [--baseline PATH]

Each case is a fresh project whose undecorated agent returns SIZE MB of text, RUNS times (2 runs
by default); the whole command runs, export and report.html included. The peak is the one
os.wait4 reports for that command (its own peak RSS, or its reaped agent worker's if larger).
--baseline runs another build the same way (for example the previous commit's), side by side.
FLUXLOOP_BINARY picks the build measured (default .build/release/fluxloop).
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BINARY = os.environ.get("FLUXLOOP_BINARY") or os.path.join(ROOT, ".build", "release", "fluxloop")
AGENT = os.path.join(ROOT, "Tests", "RunnerTests", "Fixtures", "agents", "big_output_agent.py")


def run_once(binary, megabytes, runs):
    """(wall seconds, peak RSS in MB) of one run of the experiment."""
    folder = tempfile.mkdtemp(prefix="fluxloop-memory-bench-")
    try:
        os.makedirs(os.path.join(folder, "configs"))
        shutil.copy(AGENT, folder)
        inputs = "".join('  - input: "%d %s"\n' % (megabytes * 1000 * 1000, chr(ord("a") + i % 26))
                         for i in range(runs))
        with open(os.path.join(folder, "configs", "simulation.yaml"), "w") as f:
            f.write("name: memory\niterations: 1\nrunner:\n  target: big_output_agent:run\n"
                    "base_inputs:\n" + inputs)
        start = time.perf_counter()
        child = subprocess.Popen([binary, "run", "experiment", "--yes"], cwd=folder,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        err = child.stderr.read()
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
        if os.waitstatus_to_exitcode(status) != 0:
            sys.exit("%s failed: %s" % (binary, err.decode()[-2000:]))
        return wall, usage.ru_maxrss / 1024.0
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def measure(binary, megabytes, runs, repeat):
    results = sorted(run_once(binary, megabytes, runs) for _ in range(repeat))
    walls = sorted(r[0] for r in results)
    peaks = sorted(r[1] for r in results)
    return walls[len(walls) // 2], peaks[len(peaks) // 2]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="20,40", help="output sizes in MB")
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=1, help="runs per case; the medians are reported")
    parser.add_argument("--baseline", help="another fluxloop binary, measured the same way")
    args = parser.parse_args()
    builds = [("this build", BINARY)] + ([("baseline", args.baseline)] if args.baseline else [])
    print("memory benchmark: %d runs of an agent returning SIZE MB of text, median of %d"
          % (args.runs, args.repeat))
    for megabytes in [int(s) for s in args.sizes.split(",")]:
        for name, binary in builds:
            wall, peak = measure(binary, megabytes, args.runs, args.repeat)
            print("%4d MB x %d  %-10s  peak RSS %7.1f MB  (%.1fx the output)  %6.2f s"
                  % (megabytes, args.runs, name, peak, peak / (megabytes * args.runs), wall))


if __name__ == "__main__":
    main()
