#!/usr/bin/env bash
# Functional runs of models larger than the chip (issue 5's "must show"):
# resnet50 and vgg16, weight-stripped in testdata/, get seeded synthetic
# weights (--fill-weights=1), are partitioned for small presets, and run on
# the bit-level crossbar model with every partition's weight replacement
# executed; each run is compared with the quantised reference (bit for bit)
# and the fp32 reference (within the documented tolerance). Prints wall
# time and peak RSS per run. Takes a few minutes; not part of the tests.
#
#   tools/scripts/functional_bench.sh [model:target ...]
set -euo pipefail
cd "$(dirname "$0")/../.."
./bazelw build -c opt //tools:compile >/dev/null 2>&1
runs=("$@")
[[ ${#runs[@]} -gt 0 ]] || runs=(resnet50:compass-s resnet50:jain21 vgg16:jain21 vgg16:compass-s)
for run in "${runs[@]}"; do
  model=${run%%:*} target=${run##*:}
  echo "== $model on $target"
  status=0
  /usr/bin/time -f "time: %e s, peak RSS %M KB" bazel-bin/tools/compile --model="testdata/models/$model.onnx" \
    --target="$target" --fill-weights=1 --verify=testdata/models/inputs/image_224_input_0.pb \
    --norecord-compile-time 2>&1 | grep -E "^verify|^partitions|^latency|^time|error" || status=$?
done
