#!/usr/bin/env bash
# Runs the same workloads on grain (WAT guests and a lunatic-rs guest), on Erlang/OTP and
# on bare wasmtime (the floor: the same guests with no grain, examples/bare.rs, on one
# thread), back to back on this machine, and prints each figure with the grain/Erlang and
# grain/floor ratios, then a verdict for each target of issue #20 beside the floor's own.
#
#   bash benches/side-by-side.sh           # full sizes (a few minutes)
#   bash benches/side-by-side.sh --quick   # a tenth of the sizes
#
# Installs what it needs: Erlang (Debian's erlang-base) and the wasm32-wasip1 target.
set -euo pipefail
cd "$(dirname "$0")/.."
quick=${1:-}

if ! command -v escript >/dev/null; then
  echo "== installing Erlang (erlang-base)" >&2
  sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get update -qq && $sudo apt-get install -y -qq erlang-base >/dev/null
fi
if ! rustup target list --installed | grep -qx wasm32-wasip1; then
  rustup target add wasm32-wasip1
fi

echo "== building (release)" >&2
cargo build --release -q -p grain --example workloads --example upgrade --example bare --example parked
cargo build --release -q -p grain-shell
(cd examples/guests && cargo build --release -q --bin bench)  # its .cargo/config.toml picks wasm32-wasip1

# wasmtime makes an error of every cancelled fiber (a killed parked process): without this, a
# RUST_BACKTRACE=1 in the environment would capture a backtrace for each.
export RUST_LIB_BACKTRACE=0

bench_wasm=examples/guests/target/wasm32-wasip1/release/bench.wasm
load=$(cut -d' ' -f1-3 /proc/loadavg)
rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }

# Host memory per parked lunatic-rs process: the growth of grain's resident set between the
# guest saying `ready` and `parked` (a guest cannot see its host's memory).
rs_parked_memory() {
  local n=$1 before=0 after=0 line pid
  exec 3< <(exec target/release/grain run "$bench_wasm" --parked "$n")
  pid=$!
  while read -r line <&3; do
    case $line in
      ready) before=$(rss_kib "$pid") ;;
      parked) after=$(rss_kib "$pid") ;;
    esac
  done
  exec 3<&-
  wait "$pid" || true
  awk -v a="$after" -v b="$before" -v n="$n" \
    'BEGIN { printf "parked_memory\t%.1f\tB\n", (a - b) * 1024 / n }'
}

out=$(mktemp -d)
echo "== grain, WAT guests" >&2
target/release/examples/workloads $quick >"$out/wat"
# An upgrade in place (a 16-byte state), against sys:suspend + change_code + resume.
target/release/examples/upgrade $quick >>"$out/wat"
# Spawning in a growing crowd: batches of 100,000 parked processes up to a million (a fifth
# of that with --quick); the average against the first batch's.
crowd=1000000; [ -n "$quick" ] && crowd=200000
target/release/examples/parked "$crowd" --batches >"$out/crowd"
# The same machine's cost of fresh memory, without grain: read the crowd row against it.
python3 benches/fresh-pages.py $((crowd / 80000 + 1)) >>"$out/crowd" 2>/dev/null
echo "== grain, lunatic-rs guest" >&2
parked=100000; [ -n "$quick" ] && parked=10000
rs_parked_memory "$parked" >"$out/rs"
target/release/grain run "$bench_wasm" $quick >>"$out/rs"
target/release/grain run "$bench_wasm" --spawn 1000 20000 >>"$out/rs"
echo "== bare wasmtime (the floor), WAT guests" >&2
target/release/examples/bare $quick >"$out/floor"
echo "== bare wasmtime (the floor), lunatic-rs guest" >&2
target/release/examples/bare --rust "$bench_wasm" --parked "$parked" >"$out/flrust"
target/release/examples/bare --rust "$bench_wasm" $quick >>"$out/flrust"
target/release/examples/bare --rust "$bench_wasm" --spawn 1000 20000 >>"$out/flrust"
# On wasmtime's own allocator, which maps a module's data copy-on-write into each instance:
# the memory that saves and the mappings it costs (fewer processes: it runs out of them).
target/release/examples/bare --rust-cow "$bench_wasm" --parked 5000 | sed 's/^/cow_/' >>"$out/flrust"
echo "== bare wasmtime (the floor), a crowd of WAT processes" >&2
target/release/examples/bare --crowd "$crowd" >"$out/flcrowd"
echo "== Erlang" >&2
escript benches/side-by-side/erlang.escript $quick >"$out/erl"
escript benches/side-by-side/upgrade.escript $quick >>"$out/erl"

otp=$(erl -noshell -eval 'io:format("~s", [erlang:system_info(otp_release)]), halt().')
echo
echo "$(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), Erlang/OTP $otp, $(date -u +%Y-%m-%d), load before the run: $load"
echo "Times are per operation (lower is better); ratios: grain (WAT) / Erlang, grain (lunatic-rs) / Erlang, grain / floor for each guest. The floor runs on one thread."
awk -F'\t' '
  FILENAME ~ /\/wat$/    { wat[$1] = $2; unit[$1] = $3; order[n++] = $1 }
  FILENAME ~ /\/rs$/     { rs[$1] = $2 }
  FILENAME ~ /\/erl$/    { erl[$1] = $2 }
  FILENAME ~ /\/floor$/  { floor_[$1] = $2 }
  FILENAME ~ /\/flrust$/ { flrs[$1] = $2 }
  FILENAME ~ /\/flcrowd$/ && /^spawn to parked:/ { fl_avg = $0; sub(/^[^:]*: */, "", fl_avg); fl_avg += 0 }
  FILENAME ~ /\/flcrowd$/ && /^first / { fl_first = $0; sub(/^[^:]*: */, "", fl_first); fl_first += 0 }
  FILENAME ~ /\/crowd$/ && /^spawn to parked:/ { crowd_avg = $0; sub(/^[^:]*: */, "", crowd_avg); crowd_avg += 0 }
  FILENAME ~ /\/crowd$/ && /^first / { crowd_first = $0; sub(/^[^:]*: */, "", crowd_first); crowd_first += 0 }
  FILENAME ~ /\/crowd$/ && /^CPU per spawn:/ { cpu_avg = $0; sub(/^[^:]*: */, "", cpu_avg); cpu_avg += 0 }
  FILENAME ~ /\/crowd$/ && /^CPU, first / { cpu_first = $0; sub(/^[^:]*: */, "", cpu_first); cpu_first += 0 }
  FILENAME ~ /\/crowd$/ && /^batch at / { batches = batches "\n    " $0 }
  FILENAME ~ /\/crowd$/ && /^fresh_pages\t/ { fresh_first = $2; fresh_last = $3 }
  FILENAME ~ /\/crowd$/ && /^parked processes:/ { crowd_n = $0; sub(/^[^:]*: */, "", crowd_n); crowd_n += 0 }
  function ratio(a, b) { return (b > 0 && a != "") ? sprintf("%.2fx", a / b) : "-" }
  function cell(v, u) { return (v != "") ? sprintf("%.1f %s", v, u) : "-" }
  # The verdict on grain, and the figure of the floor against the same target: a target the
  # floor misses too is out of reach on this engine and machine.
  function verdict(what, value, limit, unit, fl) {
    if (value == "" || value == 0) { printf "  %-46s %10s  target <= %s%s: not measured\n", what, "-", limit, unit; return }
    floor_says = (fl == "" || fl == 0) ? "" : sprintf("  (floor %.2f%s%s)", fl, unit, (fl > limit) ? ": the floor misses too" : "")
    printf "  %-46s %10s  target <= %s%s: %s%s\n", what, sprintf("%.2f%s", value, unit), limit, unit, (value <= limit) ? "met" : "MISSED", floor_says
  }
  function per(a, b) { return (b > 0 && a != "") ? a / b : "" }
  END {
    printf "%-18s %12s %12s %12s %12s %12s %8s %8s %8s %8s\n", "workload", "grain WAT", "grain Rust", "Erlang", "floor WAT", "floor Rust", "WAT/Erl", "Rust/Erl", "WAT/flr", "Rust/flr"
    for (i = 0; i < n; i++) {
      k = order[i]; u = unit[k]
      printf "%-18s %12s %12s %12s %12s %12s %8s %8s %8s %8s\n", k, cell(wat[k], u), cell(rs[k], u), cell(erl[k], u), cell(floor_[k], u), cell(flrs[k], u), ratio(wat[k], erl[k]), ratio(rs[k], erl[k]), ratio(wat[k], floor_[k]), ratio(rs[k], flrs[k])
    }
    printf "%-18s %12s %12s\n", "spawn in a crowd", sprintf("%.1f us", crowd_avg), "-"
    printf "  (WAT: average over %d parked processes; first 100,000: %.1f us; CPU per spawn %.1f us, first 100,000 %.1f us)\n", crowd_n, crowd_first, cpu_avg, cpu_first
    printf "  (WAT, each batch of 100,000:%s)\n", batches
    if (fresh_first != "") printf "  (fresh memory on this machine, without grain: %.2f us a page in the first GiB, %.2f in the last)\n", fresh_first, fresh_last
    if (fl_first > 0) printf "  (the floor, WAT: average %.1f us, first 100,000: %.1f us)\n", fl_avg, fl_first
    printf "  (lunatic-rs: per spawn of 1,000: %s; of 20,000: %s; the floor: %s and %s)\n", cell(rs["spawn_1000"], "ns"), cell(rs["spawn_20000"], "ns"), cell(flrs["spawn_1000"], "ns"), cell(flrs["spawn_20000"], "ns")
    if (flrs["cow_parked_mappings"] > 0) printf "  (the floor on wasmtime'"'"'s own allocator, data copy-on-write: %.1f KiB and %.0f mappings per parked lunatic-rs process; the default 65,530 mappings stop it near %d processes)\n", flrs["cow_parked_memory"] / 1024, flrs["cow_parked_mappings"], 65530 / flrs["cow_parked_mappings"]
    print ""
    print "Targets (issue #20):"
    verdict("ring, WAT / Erlang", per(wat["ring"], erl["ring"]), 2.5, "x", per(floor_["ring"], erl["ring"]))
    verdict("ring, lunatic-rs / Erlang", per(rs["ring"], erl["ring"]), 3, "x", per(flrs["ring"], erl["ring"]))
    verdict("ping_pong, WAT / Erlang", per(wat["ping_pong"], erl["ping_pong"]), 1.2, "x", per(floor_["ping_pong"], erl["ping_pong"]))
    verdict("send_receive, WAT / Erlang", per(wat["send_receive"], erl["send_receive"]), 1.0, "x", per(floor_["send_receive"], erl["send_receive"]))
    verdict("spawn, WAT / Erlang", per(wat["spawn"], erl["spawn"]), 2.0, "x", per(floor_["spawn"], erl["spawn"]))
    verdict("spawn, lunatic-rs / Erlang", per(rs["spawn"], erl["spawn"]), 3, "x", per(flrs["spawn"], erl["spawn"]))
    verdict("parked_memory, WAT (KiB)", wat["parked_memory"] / 1024, 10, " KiB", floor_["parked_memory"] / 1024)
    verdict("parked_memory, lunatic-rs (KiB)", rs["parked_memory"] / 1024, 24, " KiB", flrs["parked_memory"] / 1024)
    verdict("spawn at 20,000 / at 1,000 (lunatic-rs)", per(rs["spawn_20000"], rs["spawn_1000"]), 1.5, "x", per(flrs["spawn_20000"], flrs["spawn_1000"]))
    verdict(sprintf("spawn, average of %d / first 100,000 (WAT)", crowd_n), per(crowd_avg, crowd_first), 1.5, "x", per(fl_avg, fl_first))
    if (cpu_first > 0) printf "  (in CPU time, which other programs on the machine do not inflate: %.2fx)\n", cpu_avg / cpu_first
    if (crowd_n < 1000000) print "  (the million needs the full run, without --quick)"
  }' "$out/wat" "$out/rs" "$out/erl" "$out/floor" "$out/crowd" "$out/flrust" "$out/flcrowd"
rm -rf "$out"
