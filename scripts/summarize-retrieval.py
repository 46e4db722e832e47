#!/usr/bin/env python3
"""Markdown table of retrieval runs: mean ± std over seeds of each run family in a directory.

    scripts/summarize-retrieval.py runs/synthvtt clip4clip-meanp clip4clip-seqtransf ... [--seeds 0 1 2] [--logs worker.log ...]

Reads RUN-seedS/metrics.json (and run.json, or the `trained N steps in S s` lines of the given
logs, for parameters and training time)."""
import json, os, re, statistics, sys

args = sys.argv[1:]
logs = []
if "--logs" in args:
    i = args.index("--logs"); logs = args[i + 1:]; args = args[:i]
seeds = ["0", "1", "2"]
if "--seeds" in args:
    i = args.index("--seeds"); seeds = args[i + 1:]; args = args[:i]
root, names = args[0], args[1:]

timing = {}
for log in logs:
    params = None
    for line in open(log, errors="replace"):
        m = re.search(r"training \S+ \(([\d.]+[KM]?) parameters\)", line)
        if m: params = m.group(1)
        m = re.search(r"trained (\d+) steps in (\d+) s; .* run directory (\S+)", line)
        if m: timing[os.path.basename(m.group(3))] = (params, float(m.group(2)))

def ms(values, digits=1):
    if not values: return "—"
    mean = statistics.mean(values)
    std = statistics.stdev(values) if len(values) > 1 else 0.0
    return f"{mean:.{digits}f} ± {std:.{digits}f}"

print("| model | t2v R@1 | R@5 | R@10 | MdR | MnR | v2t R@1 | temporal R@1 | own > twin % | params | train s |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
for name in names:
    rows, params, secs = [], None, []
    for s in seeds:
        d = f"{root}/{name}-seed{s}"
        if not os.path.exists(f"{d}/metrics.json"): continue
        rows.append(json.load(open(f"{d}/metrics.json")))
        if os.path.exists(f"{d}/run.json"):
            r = json.load(open(f"{d}/run.json")); params = params or f"{r['parameters'] / 1e6:.2f}M"; secs.append(r["seconds"])
        elif os.path.basename(d) in timing:
            p, t = timing[os.path.basename(d)]; params = params or p; secs.append(t)
    if not rows: continue
    t2v = lambda k: [r["metrics"]["textToVideo"][k] for r in rows]
    v2t = lambda k: [r["metrics"]["videoToText"][k] for r in rows]
    print(f"| {name} ({len(rows)} seeds) | {ms(t2v('recallAt1'))} | {ms(t2v('recallAt5'))} | {ms(t2v('recallAt10'))} | "
          f"{ms(t2v('medianRank'))} | {ms(t2v('meanRank'))} | {ms(v2t('recallAt1'))} | "
          f"{ms([r['temporalR1'] for r in rows])} | {ms([r['temporalPairAccuracy'] for r in rows])} | {params or '—'} | "
          f"{ms(secs, 0) if secs else '—'} |")
