#!/usr/bin/env bash
# End-to-end tests of //tools:compile and //tools:imcc-opt as a user runs
# them: real binaries, real plugin .so files, real ONNX files. Every bad
# input must give one line on stderr naming the problem and a non-zero exit,
# and must never crash (exit >= 128) or leave a partial output file.
set -uo pipefail

R="${TEST_SRCDIR}/imcc"
COMPILE="$R/tools/compile"
OPT="$R/tools/imcc-opt"
T="${TEST_TMPDIR}"
pass=0
fail=0

ok() { pass=$((pass + 1)); }
bad() { echo "FAIL: $*"; fail=$((fail + 1)); }

# expect_error NAME EXPECTED_SUBSTRING CMD...: non-zero exit below 128,
# exactly one stderr line, containing the substring.
expect_error() {
  local name="$1" want="$2"
  shift 2
  "$@" >"$T/out" 2>"$T/err"
  local rc=$?
  local lines
  lines=$(wc -l <"$T/err")
  if [[ $rc -eq 0 || $rc -ge 128 ]]; then
    bad "$name: exit $rc (want 1..127)"; cat "$T/err"; return
  fi
  if [[ $lines -ne 1 ]]; then
    bad "$name: $lines stderr lines (want 1)"; cat "$T/err"; return
  fi
  if ! grep -qF -- "$want" "$T/err"; then
    bad "$name: stderr lacks '$want'"; cat "$T/err"; return
  fi
  ok
}

expect_ok() {
  local name="$1"
  shift
  if ! "$@" >"$T/out" 2>"$T/err"; then
    bad "$name: exit $?"; cat "$T/err"; return 1
  fi
  ok
}

# --- compile: the main job -------------------------------------------------
expect_ok "default compile" "$COMPILE"
grep -q "model: testdata/models/resnet18.onnx (built-in default)" "$T/out" && ok || bad "default model line"
grep -q "MACs: 1814073344" "$T/out" && ok || bad "resnet18 MACs"
cp "$T/out" "$T/first"
"$COMPILE" >"$T/second" 2>/dev/null
cmp -s "$T/first" "$T/second" && ok || bad "compile output is not deterministic"

expect_ok "help" "$COMPILE" --help
for flag in --model --target --list-targets --describe-target --partition --objective --schedule --replication --granularity --batch --verify --expect --fill-weights --pipeline --emit --out --plugin --shape-only --verify-each \
            --print-ir-after --time-passes --reproducer --list-passes --list-plugins --list-ops; do
  grep -q -- "$flag" "$T/out" && ok || bad "--help does not document $flag"
done

expect_ok "emit ir" "$COMPILE" --model="$R/testdata/models/mobilenet_v2.onnx" --emit=ir
grep -q "nn.conv" "$T/out" && grep -q "group=" "$T/out" && ok || bad "emit=ir lacks grouped conv"

expect_ok "out dir" "$COMPILE" --model="$R/testdata/models/tiny/tiny_cnn.onnx" --out="$T/o1"
for f in module.imcc module.pb summary.txt; do [[ -s "$T/o1/$f" ]] && ok || bad "missing $f"; done
ls "$T/o1" | grep -q tmp && bad "temporary file left in out dir" || ok
# The written IR (with weights) parses, verifies and round-trips through imcc-opt.
expect_ok "opt reads compile output" "$OPT" "$T/o1/module.imcc"
cmp -s "$T/out" "$T/o1/module.imcc" && ok || bad "module.imcc does not round-trip"

expect_ok "transformer" "$COMPILE" --model="$R/testdata/models/bert_block.onnx"
grep -q "nn.softmax" "$T/out" && ok || bad "bert summary lacks softmax"

expect_ok "list passes" "$COMPILE" --list-passes
grep -q "fold-batch-norm" "$T/out" && grep -q "imcc-default" "$T/out" && ok || bad "list-passes"
expect_ok "list plugins" "$COMPILE" --list-plugins
grep -q "^onnx" "$T/out" && grep -q "^graph" "$T/out" && ok || bad "list-plugins"
expect_ok "list ops" "$COMPILE" --list-ops
grep -q "nn.conv" "$T/out" && ok || bad "list-ops"

# Backend: program, report and trace for a target, deterministic.
expect_ok "isaac report" "$COMPILE" --model="$R/testdata/models/tiny/tiny_cnn.onnx" --target=isaac \
  --emit=report --norecord-compile-time
for key in latency_ns throughput_per_s energy_pj edp_pj_ns lower_bound_ns crossbars_used crossbars_total compile_ms; do
  grep -q "\"$key\"" "$T/out" && ok || bad "report.json lacks $key"
done
cp "$T/out" "$T/report1"
"$COMPILE" --model="$R/testdata/models/tiny/tiny_cnn.onnx" --target=isaac --emit=report --norecord-compile-time \
  >"$T/report2" 2>/dev/null
cmp -s "$T/report1" "$T/report2" && ok || bad "report.json is not deterministic"
expect_ok "program" "$COMPILE" --model="$R/testdata/models/tiny/tiny_cnn.onnx" --target=jain21 --emit=program
grep -q "READ_WL" "$T/out" && grep -q "(relu)\|nn.relu\|(nn.relu)" "$T/out" && ok || bad "wordline program lacks READ_WL or vector ops"
expect_ok "throughput out" "$COMPILE" --model="$R/testdata/models/resnet18.onnx" --schedule=throughput \
  --replication=optimal --batch=4 --out="$T/o3"
for f in program.txt program.pb report.json trace.json; do [[ -s "$T/o3/$f" ]] && ok || bad "missing $f"; done
grep -q '"traceEvents"' "$T/o3/trace.json" && ok || bad "trace.json is not a Chrome trace"
expect_ok "no target" "$COMPILE" --target=none
grep -q "^target: none" "$T/out" && ok || bad "--target=none summary"

# Functional verification: the tiny CNN with weights on every crossbar
# preset whose ADC matches its cells, in both schedules, against the
# reference interpreter and PyTorch's own output.
TINY="$R/testdata/models/tiny"
for t in isaac puma jia21 jain21 compass-s compass-m compass-l; do
  for sched in latency throughput; do
    expect_ok "verify $t $sched" "$COMPILE" --model="$TINY/tiny_cnn.onnx" --target=$t --schedule=$sched \
      --verify="$TINY/tiny_cnn_input_0.pb" --expect="$TINY/tiny_cnn_output_0.pb"
    grep -q "functional vs quantised reference: bit-exact" "$T/out" && ok || bad "$t $sched not bit-exact"
  done
done
expect_ok "verify mlp" "$COMPILE" --model="$TINY/tiny_mlp.onnx" --target=jain21 \
  --verify="$TINY/tiny_mlp_input_0.pb" --expect="$TINY/tiny_mlp_output_0.pb" --out="$T/o4"
grep -q '"verify_passed": 1' "$T/o4/report.json" && ok || bad "report.json lacks verify_passed"
# PIMCOMP's logical crossbars (16-bit cells) with an 8-bit ADC saturate: the
# error is reported and the exit status says so.
expect_error "narrow ADC fails verification" "verification failed" \
  "$COMPILE" --model="$TINY/tiny_cnn.onnx" --target=pimcomp-default --verify="$TINY/tiny_cnn_input_0.pb"
# --describe-target prints a valid text proto: edit it into a one-array
# chip, on which the tiny CNN runs in partitions and still verifies.
"$COMPILE" --describe-target=compass-s 2>/dev/null | grep -v "^# derived\|^# warning" | \
  sed -e 's/^  cores_x: 4/  cores_x: 1/; s/^  cores_y: 4/  cores_y: 1/; s/^    arrays: 4 /    arrays: 1 /; s/name: "compass-s"/name: "one-array"/' \
  >"$T/one_array.textproto"
expect_ok "partitioned verify" "$COMPILE" --model="$TINY/tiny_cnn.onnx" --target="$T/one_array.textproto" \
  --verify="$TINY/tiny_cnn_input_0.pb" --expect="$TINY/tiny_cnn_output_0.pb"
grep -q "^partitions: 4 " "$T/out" && grep -q "functional vs quantised reference: bit-exact" "$T/out" && ok \
  || bad "partitioned functional run"
grep -q "weight replacement executed: 4 partitions" "$T/out" && ok || bad "partitioned run did not execute its weight writes"
# A real architecture larger than the chip, with synthetic weights: tens
# of partitions on compass-s, each layer read from what its partition
# wrote, every partition's write executed.
expect_ok "fill-weights verify mobilenet_v2" "$COMPILE" --model="$R/testdata/models/mobilenet_v2.onnx" \
  --target=compass-s --schedule=throughput --batch=2 --fill-weights=1 \
  --verify="$R/testdata/models/inputs/image_224_input_0.pb"
parts=$(sed -n 's/^partitions: \([0-9]*\) .*/\1/p' "$T/out")
[[ -n "$parts" && "$parts" -gt 10 ]] && grep -q "functional vs quantised reference: bit-exact" "$T/out" \
  && grep -q "weight replacement executed: $parts partitions" "$T/out" && ok || bad "mobilenet_v2 on compass-s functional"
expect_error "negative fill-weights" "--fill-weights must be a seed >= 0 (or -1 for off), got -5" \
  "$COMPILE" --fill-weights=-5
expect_error "verify shape-only" "--verify needs a model with weights; weight '" \
  "$COMPILE" --verify="$TINY/tiny_cnn_input_0.pb"
expect_error "expect without verify" "--expect needs --verify" "$COMPILE" --expect="$TINY/tiny_cnn_output_0.pb"
expect_error "verify wrong input" "--verify: input 'input' must be f32[1,3,8,8]" \
  "$COMPILE" --model="$TINY/tiny_cnn.onnx" --target=isaac --verify="$TINY/tiny_mlp_input_0.pb"

# --- bad input -------------------------------------------------------------
B="$R/testdata/onnx_bad"
expect_error "missing file" "/nonexistent.onnx: no such file" "$COMPILE" --model=/nonexistent.onnx
expect_error "empty file" "empty.onnx: empty file" "$COMPILE" --model="$B/empty.onnx"
expect_error "truncated" "truncated.onnx: not an ONNX model" "$COMPILE" --model="$B/truncated.onnx"
expect_error "text as onnx" "text_file.onnx: not an ONNX model" "$COMPILE" --model="$B/text_file.onnx"
expect_error "unsupported op" "node 'nz0' (NonZero): has unsupported op type 'NonZero'" \
  "$COMPILE" --model="$B/unsupported_op.onnx"
expect_error "cycle" "cycle.onnx: ONNX checker" "$COMPILE" --model="$B/cycle.onnx"
expect_error "dangling input" "dangling_input.onnx: ONNX checker" "$COMPILE" --model="$B/dangling_input.onnx"
expect_error "bad pipeline" "expected '}' to close the options of 'forbid-ops'" \
  "$COMPILE" --pipeline='forbid-ops{ops=nn.relu'
expect_error "unknown pass" "unknown pass 'no-such-pass'" "$COMPILE" --pipeline=canonicalize,no-such-pass
expect_error "unknown option" "pass 'forbid-ops' has no option 'opz'" "$COMPILE" --pipeline='forbid-ops{opz=x}'
expect_error "non-plugin .so" "does not export IMCC_GetPluginApi (not an imcc plugin)" \
  "$COMPILE" --plugin="$R/plugins/testing/libnot_a_plugin.so"
expect_error "other ABI major" "was built for imcc plugin ABI 1.3, this host speaks ABI 0.2" \
  "$COMPILE" --plugin="$R/plugins/testing/libbad_major_plugin.so"
expect_error "missing plugin" "plugin '/nonexistent/libx_plugin.so': no such file" \
  "$COMPILE" --plugin=/nonexistent/libx_plugin.so
expect_error "unknown flag" "unknown flag '--modle'" "$COMPILE" --modle=x
expect_error "bad emit" "--emit must be summary, ir, program or report" "$COMPILE" --emit=asm
expect_error "report needs target" "--emit=report needs a --target" "$COMPILE" --target=none --emit=report
expect_error "no dual-mode backend yet" "target 'dynaplasia': no loaded backend plugin compiles for 'dual-mode'" \
  "$COMPILE" --target=dynaplasia
expect_error "model too big" "vgg16.onnx on compass-s: the model needs 8456 crossbars for one copy of its weights, the chip has 64" \
  "$COMPILE" --model="$R/testdata/models/vgg16.onnx" --target=compass-s --partition=none
expect_ok "vgg16 partitioned on compass-s" "$COMPILE" --model="$R/testdata/models/vgg16.onnx" --target=compass-s
grep -q "^partitions: [0-9]" "$T/out" && ! grep -q "^partitions: 1 " "$T/out" && ok || bad "vgg16 on compass-s not partitioned"
expect_error "bad partition" "option 'partition' must be auto|none|greedy|layerwise|ga|dp" "$COMPILE" --partition=best
expect_ok "partitioned" "$COMPILE" --model="$R/testdata/models/resnet18.onnx" --target=compass-m --schedule=throughput \
  --partition=ga --objective=edp --out="$T/o5"
grep -q "^partitions: [2-9]" "$T/out" && ok || bad "resnet18 on compass-m is not partitioned"
for key in partitions weight_write_bytes dram_bytes weight_replacement_ns; do
  grep -q "\"$key\"" "$T/o5/report.json" && ok || bad "report.json lacks $key"
done
grep -q "WRITE_XB" "$T/o5/program.txt" && ok || bad "program lacks WRITE_XB"
expect_error "bad schedule" "backend 'crossbar': option 'schedule' must be latency|throughput, got 'fast'" \
  "$COMPILE" --schedule=fast
expect_error "bad replication" "option 'replication' must be none|uniform|balance|dp|optimal" "$COMPILE" --replication=max
expect_error "unknown target" "unknown target 'isaak' (presets: compass-l" "$COMPILE" --target=isaak
printf 'name: "broken"\nfamily: FAMILY_CROSSBAR\ngranularity: GRANULARITY_CORE\nchip { cores_x: 0 }\n' >"$T/broken.textproto"
expect_error "invalid target file" "broken.textproto: target 'broken': chip.cores_x: must be > 0, got 0" \
  "$COMPILE" --target="$T/broken.textproto"
printf 'name: "x"\nchip { corez: 1 }\n' >"$T/typo.textproto"
expect_error "target syntax" "typo.textproto:2:" "$COMPILE" --describe-target="$T/typo.textproto"
expect_ok "list targets" "$COMPILE" --list-targets
[[ $(wc -l <"$T/out") -eq 11 ]] && grep -q "^hermes-4090-8dimm" "$T/out" && ok || bad "list-targets"
expect_ok "describe target" "$COMPILE" --describe-target=isaac
grep -q "adc_sample_rate_gsps: 1.28" "$T/out" && grep -q "# conversions per ns per ADC" "$T/out" && ok \
  || bad "describe-target lacks values or docs"
expect_error "failing pass" "pass 'forbid-ops' (#2 in 'canonicalize,forbid-ops{ops=nn.relu}'): node" \
  "$COMPILE" --pipeline='canonicalize,forbid-ops{ops=nn.relu}' --out="$T/o2"
[[ -e "$T/o2/module.imcc" ]] && bad "failed compile left module.imcc" || ok

# --- imcc-opt --------------------------------------------------------------
cat >"$T/m.imcc" <<'IR'
module @m {
  input %x : f32[4]
  %a = tensor.identity(%x) : f32[4] @id
  %b = nn.relu(%a) : f32[4] @relu
  %c = nn.relu(%b) : f32[4] @relu2
  output %c
}
IR
expect_ok "opt canonicalize" "$OPT" "$T/m.imcc" --pipeline=canonicalize
grep -q "tensor.identity" "$T/out" && bad "identity survived canonicalize" || ok
expect_ok "opt stdin" "$OPT" --pipeline=dce <"$T/m.imcc"
expect_ok "opt -o" "$OPT" "$T/m.imcc" --pipeline=canonicalize -o "$T/m2.imcc"
[[ -s "$T/m2.imcc" ]] && ok || bad "-o wrote nothing"
expect_ok "opt print-ir-after + time-passes" "$OPT" "$T/m.imcc" --pipeline=canonicalize \
  --print-ir-after=canonicalize --time-passes
grep -q "IR after canonicalize" "$T/out" && grep -q "Pass execution timing report" "$T/out" && ok \
  || bad "instrumentation output missing"

# Third-party example plugin, loaded with --plugin= and run by name.
expect_ok "example plugin" "$OPT" "$T/m.imcc" --plugin="$R/plugins/examples/libop_census_plugin.so" \
  --pipeline=op-census
grep -q 'metadata "op-census.nn.relu" = "2"' "$T/out" && ok || bad "op-census metadata missing"

# Plugins found through $IMCC_PLUGIN_PATH.
expect_ok "IMCC_PLUGIN_PATH" env IMCC_PLUGIN_PATH="$R/plugins/examples" "$OPT" --list-plugins
grep -q "^op-census" "$T/out" && ok || bad "IMCC_PLUGIN_PATH plugin not listed"

# Failure with a reproducer, then replay.
expect_error "opt failing pass" "pass 'forbid-ops' (#2 in 'canonicalize,forbid-ops{ops=nn.relu}')" \
  "$OPT" "$T/m.imcc" --pipeline='canonicalize,forbid-ops{ops=nn.relu}' --reproducer="$T/repro.imcc"
head -2 "$T/repro.imcc" | grep -q "// pipeline: forbid-ops{ops=nn.relu}" && ok || bad "reproducer header"
expect_error "replay reproducer" "pass 'forbid-ops' (#1 in 'forbid-ops{ops=nn.relu}'): node 'relu'" \
  "$OPT" --run-reproducer="$T/repro.imcc"

printf 'module @m {\n  input %%x : f32[4]\n  %%y = nn.relu(%%x) : f32[5] @r\n  output %%y\n}\n' >"$T/bad.imcc"
expect_error "opt invalid IR" "bad.imcc: node 'r' (nn.relu): result 0 declared f32[5], inferred f32[4]" \
  "$OPT" "$T/bad.imcc"
printf 'module @m {\n  %%y = nn.frob(%%x) : f32[5] @r\n}\n' >"$T/syntax.imcc"
expect_error "opt unknown op" "syntax.imcc: line 2:8: unknown op 'nn.frob'" "$OPT" "$T/syntax.imcc"
expect_error "opt missing input" "nope.imcc: no such file" "$OPT" "$T/nope.imcc"

echo "$pass passed, $fail failed"
[[ $fail -eq 0 ]]
