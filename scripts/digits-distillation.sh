#!/bin/bash
# The digits distillation table (README): for each seed, the MLP teacher, the small student
# alone, and the student taught by Hinton KD, CRD, and CRD + KD (weights as in the papers:
# KD 0.9 with task 0.1 at T = 4; CRD 0.8 with task 1; CRD+KD 0.8 and 1 with task 1).
#   ZOO=.build/release/zoo SEEDS="0 1 2 3 4" scripts/digits-distillation.sh
set -euo pipefail
ZOO=${ZOO:-.build/release/zoo}
SEEDS=${SEEDS:-"0 1 2 3 4"}
OUT=${OUT:-runs/digits}
EXTRA=${EXTRA:-}   # extra zoo train flags for every run
run() {   # run NAME ARGS...: train into $OUT/NAME-seedS unless it already finished
  local name=$1; shift
  local dir=$OUT/$name-seed$seed
  [ -f "$dir/metrics.json" ] && return 0
  rm -rf "$dir"
  "$ZOO" train "$@" --data digits --seed "$seed" --out "$dir" $EXTRA > "$dir.log" 2>&1 || { echo "failed: $name seed $seed (see $dir.log)"; return 1; }
}
mkdir -p "$OUT"
for seed in $SEEDS; do
  run teacher mlp-teacher
  teacher=$OUT/teacher-seed$seed/best.safetensors
  run student mlp-student
  run student-kd mlp-student --teacher mlp-teacher --teacher-weights "$teacher" --distill hinton-kd:0.9 --task-weight 0.1 --set hinton-kd.temperature=4
  run student-crd mlp-student --teacher mlp-teacher --teacher-weights "$teacher" --distill crd:0.8 --task-weight 1
  run student-crd-kd mlp-student --teacher mlp-teacher --teacher-weights "$teacher" --distill crd:0.8 --distill hinton-kd:1 --task-weight 1
done
python3 - "$OUT" "$SEEDS" <<'PY'
import json, statistics, sys
out, seeds = sys.argv[1], sys.argv[2].split()
print("| model | test accuracy (mean ± std over %d seeds) | test errors (of 450) |" % len(seeds))
print("|---|---|---|")
for name, label in [("teacher", "teacher: MLP 2×1200, dropout"), ("student", "student alone: MLP 2×32"),
                    ("student-kd", "student + Hinton KD"), ("student-crd", "student + CRD"), ("student-crd-kd", "student + CRD + KD")]:
    runs = [json.load(open(f"{out}/{name}-seed{s}/metrics.json")) for s in seeds]
    acc = [r["accuracy"] for r in runs]; err = [r["errors"] for r in runs]
    print(f"| {label} | {statistics.mean(acc):.2f} ± {statistics.stdev(acc) if len(acc) > 1 else 0:.2f} | {statistics.mean(err):.1f} |")
PY
