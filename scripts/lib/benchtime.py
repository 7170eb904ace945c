"""Times whole processes for scripts/bench.sh: each command run RUNS times after one warm-up, the
commands of a row taken in turn (A B C A B C ...) so that a drift of the machine's speed reaches all
of them alike; per run the wall time (a monotonic clock around spawn and reap) and the CPU time
(user + system of the reaped child, from wait4's rusage). Every run's standard output must equal the
first command's, byte for byte, and every run must exit 0.

Input (stdin, JSON): {"runs": N, "rows": [{"name": ..., "commands": {"label": [argv...], ...}}, ...],
"reference": "label whose output the others must equal"}. Output (stdout, JSON): per row and label
the list of runs and their medians, per row the output, and the pairwise ratios of the first label to
each other one (median of the ratios of the runs taken side by side).
"""
import json
import os
import statistics
import sys
import tempfile
import time


def run_once(argv, env):
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        pid = os.posix_spawn(argv[0], argv, env, file_actions=[
            (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
            (os.POSIX_SPAWN_DUP2, out.fileno(), 1),
            (os.POSIX_SPAWN_DUP2, err.fileno(), 2),
        ])
        _, status, usage = os.wait4(pid, 0)
        wall = time.perf_counter() - t0
        out.seek(0)
        err.seek(0)
        return {
            "wall": wall,
            "cpu": usage.ru_utime + usage.ru_stime,
            "user": usage.ru_utime,
            "sys": usage.ru_stime,
            "maxrss_kb": usage.ru_maxrss,
            "exit": os.waitstatus_to_exitcode(status),
            "stdout": out.read().decode("utf-8", "replace"),
            "stderr": err.read().decode("utf-8", "replace"),
        }


def main():
    spec = json.load(sys.stdin)
    runs = int(spec["runs"])
    env = dict(os.environ)
    result = {"runs": runs, "rows": []}
    problems = []
    for row in spec["rows"]:
        labels = list(row["commands"])
        ref_label = spec.get("reference", labels[0])
        samples = {label: [] for label in labels}
        expected = None
        for i in range(runs + 1):  # run 0 is the warm-up
            for label in labels:
                r = run_once(row["commands"][label], env)
                if r["exit"] != 0:
                    problems.append(f"{row['name']}: {label} exited {r['exit']}: {r['stderr'].strip()[-300:]}")
                if label == ref_label and expected is None:
                    expected = r["stdout"]
                if i > 0:
                    samples[label].append(r)
        # Outputs: every run of every command against the reference's first run.
        outputs = {}
        for label in labels:
            for r in samples[label]:
                if r["stdout"] != expected:
                    problems.append(f"{row['name']}: {label} printed {r['stdout']!r}, {ref_label} printed {expected!r}")
                    break
            outputs[label] = samples[label][0]["stdout"] if samples[label] else None
        entry = {"name": row["name"], "output": expected, "commands": {}, "ratios": {}}
        for label in labels:
            s = samples[label]
            entry["commands"][label] = {
                "argv": row["commands"][label],
                "wall_median": statistics.median(r["wall"] for r in s),
                "cpu_median": statistics.median(r["cpu"] for r in s),
                "wall": [round(r["wall"], 6) for r in s],
                "cpu": [round(r["cpu"], 6) for r in s],
                "maxrss_kb_median": statistics.median(r["maxrss_kb"] for r in s),
            }
        first = labels[0]
        for label in labels[1:]:
            for figure in ("cpu", "wall"):
                pairs = [a[figure] / b[figure] for a, b in zip(samples[first], samples[label]) if b[figure] > 0]
                entry["ratios"][f"{figure}:{first}/{label}"] = statistics.median(pairs) if pairs else None
        result["rows"].append(entry)
    result["problems"] = problems
    json.dump(result, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
