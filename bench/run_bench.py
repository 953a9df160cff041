"""Times `fluxloop run experiment`, in one go so the figures compare.

  python3 bench/run_bench.py sizes [--sizes 1000,10000,100000] [--parallel 1] [--repeat 1]
      the trivial three-decorator agent at several sizes: runs/s, peak RSS, linearity
  python3 bench/run_bench.py workers [--workers 1,2,4] [--runs 10000]
      the trivial agent with several worker counts: runs/s
  python3 bench/run_bench.py slow [--workers 1,8,32] [--runs 1000]
      an agent that sleeps 100 ms: wall time per worker count
  python3 bench/run_bench.py inflight [--shapes 1x200,32x1] [--runs 2000] [--delay 0.5] [--repeat 3]
      an async agent awaiting 0.5 s, as workers x runs in flight per worker (--parallel x --concurrency):
      wall time and the peak of the summed RSS of fluxloop and its workers (sampled every 50 ms)
  python3 bench/run_bench.py reference [--runs 1000] [--repeat 5]
      the trivial agent, ours and FluxLoop 0.2.30 (FLUXLOOP_REFERENCE, default the fluxloop of
      /tmp/fluxloop-cli-0.2.30-venv) taking turns on one FluxLoop-shaped project: median wall times and the ratio
"""
import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# FLUXLOOP_BINARY runs another build (for example an older one, side by side).
BINARY = os.environ.get("FLUXLOOP_BINARY") or os.path.join(ROOT, ".build", "release", "fluxloop")
# The agents are the test fixtures, so the benchmark measures what the tests check.
FIXTURES = os.path.join(ROOT, "Tests", "RunnerTests", "Fixtures", "agents")
AGENTS = {"trivial3_agent": os.path.join(FIXTURES, "trivial3_agent.py"),
          "slow_agent": os.path.join(FIXTURES, "slow_agent.py"),
          "inflight_agent": os.path.join(FIXTURES, "inflight_agent.py")}


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


def tree_rss_mb(root):
    """The summed resident memory of `root` and every process below it, in MB (Linux /proc)."""
    parents, rss = {}, {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % name) as f:
                fields = f.read().rsplit(")", 1)[1].split()
            parents[int(name)] = int(fields[1])
            rss[int(name)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError, ValueError):
            continue
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(child for child, parent in parents.items() if parent == pid)
    return total / 1e6


def run_inflight(runs, parallel, concurrency, delay):
    """(wall seconds, peak summed RSS in MB) of `runs` runs of the async agent in parallel x concurrency."""
    folder = tempfile.mkdtemp(prefix="fluxloop-bench-")
    try:
        os.makedirs(os.path.join(folder, "configs"))
        shutil.copy(AGENTS["inflight_agent"], folder)
        with open(os.path.join(folder, "configs", "simulation.yaml"), "w") as f:
            f.write("name: bench\niterations: %d\nparallel_runs: %d\nrunner:\n  target: inflight_agent:plain\n"
                    "  concurrency: %d\nbase_inputs:\n  - input: Where is my order?\n" % (runs, parallel, concurrency))
        env = dict(os.environ, INFLIGHT_DELAY=str(delay))
        start = time.perf_counter()
        child = subprocess.Popen([BINARY, "run", "experiment", "--yes"], cwd=folder, env=env,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        peak = [0.0]

        def sample():
            while child.poll() is None:
                peak[0] = max(peak[0], tree_rss_mb(child.pid))
                time.sleep(0.05)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, err = child.communicate()
        wall = time.perf_counter() - start
        sampler.join()
        if child.returncode != 0:
            sys.exit("fluxloop failed (%d): %s" % (child.returncode, err.decode()[-2000:]))
        return wall, peak[0]
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def inflight(args):
    print("in-flight benchmark: %d runs of an async agent awaiting %.1f s, median of %d"
          % (args.runs, args.delay, args.repeat))
    for shape in args.shapes.split(","):
        parallel, concurrency = (int(n) for n in shape.split("x"))
        results = sorted(run_inflight(args.runs, parallel, concurrency, args.delay) for _ in range(args.repeat))
        walls = sorted(wall for wall, _ in results)
        peaks = sorted(peak for _, peak in results)
        print("%3d worker(s) x %3d in flight: %7.2f s  %7.0f runs/s  peak RSS (fluxloop + workers) %6.1f MB"
              % (parallel, concurrency, walls[len(walls) // 2], args.runs / walls[len(walls) // 2],
                 peaks[len(peaks) // 2]))


REFERENCE = os.environ.get("FLUXLOOP_REFERENCE") or "/tmp/fluxloop-cli-0.2.30-venv/bin/fluxloop"


def reference_project(runs):
    """The trivial agent in a project both tools read: FluxLoop 0.2.30 wants all four config files and an inputs file."""
    folder = tempfile.mkdtemp(prefix="fluxloop-bench-ref-")
    os.makedirs(os.path.join(folder, "configs"))
    os.makedirs(os.path.join(folder, "inputs"))
    shutil.copy(AGENTS["trivial3_agent"], folder)
    files = {"configs/project.yaml": "name: bench_project\n", "configs/input.yaml": "personas: []\n",
             "configs/evaluation.yaml": "evaluators: []\n",
             "inputs/generated.yaml": 'inputs:\n  - input: "How do I return a damaged book?"\n',
             "configs/simulation.yaml": "name: bench\niterations: %d\nparallel_runs: 1\nrunner:\n  target: trivial3_agent:run\n"
                                        "inputs_file: inputs/generated.yaml\noutput_directory: experiments\n" % runs}
    for name, text in files.items():
        with open(os.path.join(folder, name), "w") as f:
            f.write(text)
    return folder


def timed(command, folder):
    shutil.rmtree(os.path.join(folder, "experiments"), ignore_errors=True)
    # FluxLoop 0.2.30 imports the agent from the Python path, not from the project folder.
    environment = dict(os.environ, PYTHONPATH=folder)
    start = time.perf_counter()
    done = subprocess.run(command, cwd=folder, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit("%s failed (%d): %s" % (command[0], done.returncode, done.stderr.decode()[-2000:]))
    return wall


def reference(args):
    folder = reference_project(args.runs)
    try:
        ours, theirs = [], []
        for _ in range(args.repeat):  # in turn, so a drift of the machine's speed reaches both
            ours.append(timed([BINARY, "run", "experiment", "--yes"], folder))
            theirs.append(timed([REFERENCE, "run", "experiment", "--yes"], folder))
        ratios = sorted(t / o for o, t in zip(ours, theirs))
        ours.sort()
        theirs.sort()
        print("%d trivial runs, median of %d: fluxloop %.3f s, FluxLoop 0.2.30 %.3f s, %.1fx faster (median of the pairs)"
              % (args.runs, args.repeat, ours[len(ours) // 2], theirs[len(theirs) // 2], ratios[len(ratios) // 2]))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", nargs="?", default="sizes", choices=["sizes", "workers", "slow", "inflight", "reference"])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--parallel", type=int, default=1)
    parser.add_argument("--workers", default=None)
    parser.add_argument("--runs", type=int, default=None)
    parser.add_argument("--repeat", type=int, default=1, help="runs per size; the median is reported")
    parser.add_argument("--shapes", default="1x200,32x1", help="inflight: workers x runs in flight per worker")
    parser.add_argument("--delay", type=float, default=0.5, help="inflight: seconds the agent awaits")
    args = parser.parse_args()
    if args.mode == "inflight":
        args.runs = args.runs or 2000
        return inflight(args)
    if args.mode == "reference":
        args.runs = args.runs or 1000
        return reference(args)
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
