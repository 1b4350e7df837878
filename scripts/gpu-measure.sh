#!/usr/bin/env bash
# Every figure issues #9 and #10 ask of a real GPU, in one go (run by ../shared/gpu/run.sh inside
# the unpacked kit, cwd /tmp/app, $GPU_KIT = the .gpu folder; see scripts/gpu-bundle.sh):
#   0. selfcheck: one training step per model/transform/path against the CPU reference, on this
#      adapter with its tuned kernels (figures from wrong kernels are worth nothing);
#   1. matmul n = 256..4096: ours (tuned variant) vs TensorFlow.js WebGPU on the same Dawn adapter
#      vs PyTorch fp32 (TF32 off), every variant of ours, the tuning search and adapter features;
#   2. the same bench again: the tuning must now come from the cache (origin 'cache');
#   3. the whole Node bench (conv, sparse layer table, training steps with PyTorch eager beside
#      them) with the tuned kernels.
# Writes everything to $OUT (logs, JSON, the adapter cache file). SIFT_MEASURE_QUICK=1: small
# sizes only (a dry run on SwiftShader).
set -uo pipefail
: "${OUT:?set OUT to an absolute folder for the results}"
mkdir -p "$OUT"
export SIFT_CACHE_DIR="$OUT/cache"
sizes=256,512,1024,2048,4096
[ -n "${SIFT_MEASURE_QUICK:-}" ] && sizes=64,128
{ nvidia-smi -L 2>/dev/null || echo "no nvidia-smi"; date -u; } | tee "$OUT/machine.txt"
node dist-cli/main.js selfcheck --json "$OUT/selfcheck.json" 2>&1 | tee "$OUT/selfcheck.log"
bench() { node dist-cli/main.js bench --node-only "$@"; }
bench --sizes "$sizes" --all-variants --no-conv --no-sparse --no-steps \
  --json "$OUT/bench-matmul.json" 2>&1 | tee "$OUT/bench-matmul.log"
bench --sizes "${sizes##*,}" --no-peer --no-torch --no-conv --no-sparse --no-steps \
  --json "$OUT/bench-cached.json" 2>&1 | tee "$OUT/bench-cached.log"
if [ -z "${SIFT_MEASURE_QUICK:-}" ]; then
  bench --no-peer --json "$OUT/bench-full.json" 2>&1 | tee "$OUT/bench-full.log"
fi
ls -l "$OUT"
