#!/usr/bin/env bash
# One command for a lent GPU: every experiment at `full` on CUDA, most informative first, 3 seeds,
# under a time cap; results in OUT/reference (same layout as results/reference), the log with each
# run's wall time in OUT/gpu-reference.log. Copy OUT/reference/* into results/reference/ afterwards.
#
#   bash benchmarks/gpu_reference.sh OUT [CAP_MINUTES] [SCALE] [DEVICE] [NAME ...]
#
# Tested on CPU at a tiny scale: bash benchmarks/gpu_reference.sh /tmp/gpu 0.1 ci cpu recos-sphere
# DATASET=fashion-mnist runs the experiments that take a data set on it (where MNIST's training
# images are absent, as on the development machine).
set -euo pipefail
out=${1:?usage: gpu_reference.sh OUT [CAP_MINUTES] [SCALE] [DEVICE] [NAME ...]}
cap=${2:-12}
scale=${3:-full}
device=${4:-cuda}
shift $(( $# < 4 ? $# : 4 ))
mkdir -p "$out"
python=${PYTHON:-python}
{
  echo "# $(date -u +%FT%TZ) $(hostname) scale=$scale device=$device cap=${cap}min"
  "$python" -c "import torch; print('torch', torch.__version__, 'cuda', torch.cuda.is_available(), torch.cuda.get_device_name(0) if torch.cuda.is_available() else '')"
  SIGCNN_REFERENCE="$out/reference" "$python" -m sigcnn.reference --scale "$scale" --device "$device" \
    --seeds 0 1 2 --cap-minutes "$cap" ${DATASET:+--dataset "$DATASET"} "$@"
} 2>&1 | tee "$out/gpu-reference.log"
