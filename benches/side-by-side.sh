#!/usr/bin/env bash
# Runs the same workloads on grain (WAT guests and a lunatic-rs guest) and on Erlang/OTP,
# back to back on this machine, and prints each figure with the grain/Erlang ratio.
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
cargo build --release -q -p grain --example workloads --example upgrade
cargo build --release -q -p grain-shell
(cd examples/guests && cargo build --release -q --bin bench)  # its .cargo/config.toml picks wasm32-wasip1

# wasmtime makes an error of every cancelled fiber (a killed parked process): without this, a
# RUST_BACKTRACE=1 in the environment would capture a backtrace for each.
export RUST_LIB_BACKTRACE=0

bench_wasm=examples/guests/target/wasm32-wasip1/release/bench.wasm
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
echo "== grain, lunatic-rs guest" >&2
parked=100000; [ -n "$quick" ] && parked=10000
rs_parked_memory "$parked" >"$out/rs"
target/release/grain run "$bench_wasm" $quick >>"$out/rs"
echo "== Erlang" >&2
escript benches/side-by-side/erlang.escript $quick >"$out/erl"
escript benches/side-by-side/upgrade.escript $quick >>"$out/erl"

otp=$(erl -noshell -eval 'io:format("~s", [erlang:system_info(otp_release)]), halt().')
echo
echo "$(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), Erlang/OTP $otp, $(date -u +%Y-%m-%d)"
echo "Times are per operation (lower is better); ratio = grain (WAT) / Erlang."
awk -F'\t' '
  FILENAME ~ /wat$/ { wat[$1] = $2; unit[$1] = $3; order[n++] = $1 }
  FILENAME ~ /rs$/  { rs[$1] = $2 }
  FILENAME ~ /erl$/ { erl[$1] = $2 }
  END {
    printf "%-20s %14s %14s %14s %8s\n", "workload", "grain WAT", "grain Rust", "Erlang", "ratio"
    for (i = 0; i < n; i++) {
      k = order[i]; u = unit[k]
      r = (k in rs) ? sprintf("%.0f %s", rs[k], u) : "-"
      e = (k in erl) ? sprintf("%.0f %s", erl[k], u) : "-"
      ratio = (k in erl && erl[k] > 0) ? sprintf("%.2fx", wat[k] / erl[k]) : "-"
      printf "%-20s %14s %14s %14s %8s\n", k, sprintf("%.1f %s", wat[k], u), r, e, ratio
    }
  }' "$out/wat" "$out/rs" "$out/erl"
rm -rf "$out"
