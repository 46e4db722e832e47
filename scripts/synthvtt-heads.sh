#!/bin/bash
# The synthvtt comparison of retrieval heads (README tables for CLIP4Clip, X-CLIP, TeachCLIP).
# For each seed: clip-tiny is trained as CLIP on synthvtt (the README's main job), then each head
# is trained over that backbone with the same budget: its image encoder frozen (every video encoded
# once), text encoder and head trained, the entry's own recipe (BertAdam, warmup-cosine, clip.* at
# a reduced lr) at lr 1e-3 for 2 epochs of batch 32. Runs already finished are skipped.
# With TAUGHT=1, TeachCLIP's student is also trained taught by that seed's X-CLIP run (run xclip
# first), with the official weights (task 0.2, coarse 1.0, fine 2.0), as teachclip-taught-seedS.
# With KD=1, meanP is also trained taught by that seed's seqTransf run (Hinton KD on similarity
# rows, weight 1, task 1), as kd-meanp-from-seqtransf-seedS.
#   ZOO=.build/release/zoo SEEDS="0 1 2" HEADS="clip4clip-meanp clip4clip-seqtransf" scripts/synthvtt-heads.sh
set -euo pipefail
ZOO=${ZOO:-.build/release/zoo}
SEEDS=${SEEDS:-"0 1 2"}
HEADS=${HEADS:-"clip4clip-meanp clip4clip-seqlstm clip4clip-seqtransf clip4clip-tighttransf"}
OUT=${OUT:-runs/synthvtt}
EXTRA=${EXTRA:-}
for seed in $SEEDS; do
  backbone=$OUT/clip-tiny-seed$seed
  [ -f "$backbone/metrics.json" ] || "$ZOO" train clip-tiny --epochs 2 --optimizer adamW --lr 1e-3 --seed "$seed" --out "$backbone"
  for head in $HEADS; do
    run=$OUT/$head-seed$seed
    [ -f "$run/metrics.json" ] && continue
    rm -rf "$run"
    "$ZOO" train "$head" --backbone clip-tiny --backbone-weights "$backbone/best.safetensors" --freeze-visual \
      --epochs 2 --batch-size 32 --lr 1e-3 --backbone-lr-multiplier 0.1 --seed "$seed" --out "$run" $EXTRA
  done
done
if [ "${TAUGHT:-0}" = 1 ]; then
  for seed in $SEEDS; do
    run=$OUT/teachclip-taught-seed$seed
    [ -f "$run/metrics.json" ] && continue
    rm -rf "$run"
    "$ZOO" train teachclip --backbone clip-tiny --backbone-weights "$OUT/clip-tiny-seed$seed/best.safetensors" --freeze-visual \
      --teacher xclip --teacher-weights "$OUT/xclip-seed$seed/best.safetensors" \
      --distill teachclip-coarse:1 --distill teachclip-fine:2 --task-weight 0.2 \
      --epochs 2 --batch-size 32 --lr 1e-3 --backbone-lr-multiplier 0.1 --seed "$seed" --out "$run" $EXTRA
  done
fi
if [ "${KD:-0}" = 1 ]; then
  for seed in $SEEDS; do
    run=$OUT/kd-meanp-from-seqtransf-seed$seed
    [ -f "$run/metrics.json" ] && continue
    rm -rf "$run"
    "$ZOO" train clip4clip-meanp --backbone clip-tiny --backbone-weights "$OUT/clip-tiny-seed$seed/best.safetensors" --freeze-visual \
      --teacher clip4clip-seqtransf --teacher-weights "$OUT/clip4clip-seqtransf-seed$seed/best.safetensors" --distill hinton-kd:1 \
      --epochs 2 --batch-size 32 --lr 1e-3 --backbone-lr-multiplier 0.1 --seed "$seed" --out "$run" $EXTRA
  done
fi
