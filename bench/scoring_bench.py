"""Times scoring: `run experiment` at N trivial runs with and without 5 rule-based evaluators, and
`query compare` with statistics over two experiments of N runs (1,000 inputs × N/1,000 iterations).

  python3 bench/scoring_bench.py [--runs 100000] [--repeat 3]

Needs a release build (swift build -c release --product fluxloop). Prints medians.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BINARY = os.path.join(ROOT, ".build", "release", "fluxloop")
AGENT = os.path.join(ROOT, "Tests", "RunnerTests", "Fixtures", "agents", "trivial3_agent.py")

EVALUATION = """evaluators:
  - {name: not_empty, type: rule_based, enabled: true, weight: 1, rules: [{check: output_not_empty}]}
  - {name: polite, type: rule_based, enabled: true, weight: 1, rules: [{check: not_contains, target: output, keywords: [stupid, error]}]}
  - {name: shaped, type: rule_based, enabled: true, weight: 1, rules: [{check: matches_regex, target: output, pattern: "\\\\w+"}]}
  - {name: fast, type: rule_based, enabled: true, weight: 1, rules: [{check: latency_under, budget_ms: 1000}]}
  - {name: succeeded, type: rule_based, enabled: true, weight: 1, rules: [{check: success}]}
aggregate: {method: weighted_sum, threshold: 0.8}
"""


def project(inputs, iterations, scored):
    folder = tempfile.mkdtemp(prefix="fluxloop-scoring-bench-")
    os.makedirs(os.path.join(folder, "configs"))
    shutil.copy(AGENT, folder)
    with open(os.path.join(folder, "configs", "simulation.yaml"), "w") as f:
        f.write("name: bench\niterations: %d\nrunner:\n  target: trivial3_agent:run\nbase_inputs:\n" % iterations)
        for i in range(inputs):
            f.write("  - input: question %d\n" % i)
    if scored:
        with open(os.path.join(folder, "configs", "evaluation.yaml"), "w") as f:
            f.write(EVALUATION)
    return folder


def timed(args, cwd):
    start = time.perf_counter()
    done = subprocess.run([BINARY] + args, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - start
    if done.returncode not in (0, 3):
        raise SystemExit("fluxloop %s failed (%d): %s" % (" ".join(args), done.returncode, done.stderr.decode()[-2000:]))
    return wall


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=100000)
    parser.add_argument("--repeat", type=int, default=3)
    a = parser.parse_args()
    inputs = 1000 if a.runs >= 1000 else 1
    iterations = a.runs // inputs
    walls = {False: [], True: []}
    for _ in range(a.repeat):
        for scored in (False, True):
            folder = project(inputs, iterations, scored)
            try:
                walls[scored].append(timed(["run", "experiment", "--yes"], folder))
            finally:
                shutil.rmtree(folder, ignore_errors=True)
    plain, scored = statistics.median(walls[False]), statistics.median(walls[True])
    print("run experiment, %d runs: %.2f s without evaluators, %.2f s with 5 rule-based (+%.1f%%)"
          % (a.runs, plain, scored, 100 * (scored - plain) / plain))

    folder = project(inputs, iterations, True)
    try:
        timed(["run", "experiment", "--yes"], folder)
        timed(["run", "experiment", "--yes"], folder)
        compare = [timed(["query", "compare", "latest~1", "latest", "--format", "json"], folder) for _ in range(5)]
        print("query compare with statistics, 2 × %d runs (%d inputs): median %.3f s" % (a.runs, inputs, statistics.median(compare)))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
