#!/usr/bin/env bash
# Distribution side by side, in one run on this machine: two grain nodes through a
# nats-server of their own on loopback, two Erlang nodes (`erl -sname`, via `peer`) on
# loopback, and the floor under grain: two plain async-nats connections through the same
# nats-server. Prints each figure with the grain/Erlang ratio and a verdict per target.
#
#   bash benches/side-by-side-distributed.sh           # full sizes (about a minute)
#   bash benches/side-by-side-distributed.sh --quick   # a tenth of the sizes
#
# Installs what it needs: Erlang (Debian's erlang-base), nats-server, the wasm32-wasip1
# target. Honours CARGO_TARGET_DIR.
set -euo pipefail
cd "$(dirname "$0")/.."
quick=""
[ "${1:-}" = --quick ] && quick=--quick

sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
missing=()
command -v escript >/dev/null || missing+=(erlang-base)
command -v nats-server >/dev/null || missing+=(nats-server)
if ((${#missing[@]})); then
  echo "== installing ${missing[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
if ! rustup target list --installed | grep -qx wasm32-wasip1; then
  rustup target add wasm32-wasip1
fi

echo "== building (release)" >&2
target=${CARGO_TARGET_DIR:-target}
cargo build --release -q -p grain-shell
cargo build --release -q -p grain --example nats_floor
# The guests keep their own target directory (the tests share it).
(cd examples/guests && env -u CARGO_TARGET_DIR cargo build --release -q --bin dist_bench)
grain=$target/release/grain
wasm=examples/guests/target/wasm32-wasip1/release/dist_bench.wasm
export RUST_LIB_BACKTRACE=0

work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# Waits (up to 30 s) until file $1 contains $2.
wait_for() {
  for _ in $(seq 300); do
    grep -q "$2" "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "never saw '$2' in $1:" >&2
  cat "$1" >&2
  exit 1
}

echo "== nats-server and node b" >&2
nats-server -a 127.0.0.1 -p -1 --ports_file_dir "$work" -js -sd "$work/js" >"$work/nats.log" 2>&1 &
nats_pid=$!
pids+=("$nats_pid")
wait_for "$work/nats-server_$nats_pid.ports" 'nats://'
url=$(grep -o 'nats://[^"]*' "$work/nats-server_$nats_pid.ports" | head -1)
cluster=bench$$
"$grain" node --nats "$url" --cluster "$cluster" --name b >"$work/b.out" 2>"$work/b.err" &
pids+=($!)
wait_for "$work/b.err" 'grain: node '
run_a() { # NAME ARGS...: the guest on a node of its own
  local name=$1
  shift
  "$grain" run --nats "$url" --cluster "$cluster" --name "$name" "$@"
}

echo "== grain" >&2
run_a a "$wasm" $quick >"$work/grain"
# More cold spawns: each a copy of the guest with a custom section of its own (a module
# node b has never seen), so each is stored, fetched, checked and compiled anew.
: >"$work/cold"
grep '^spawn_cold' "$work/grain" >>"$work/cold"
if [ -z "$quick" ]; then
  for i in 1 2 3 4; do
    copy=$work/cold$i.wasm
    cp "$wasm" "$copy"
    printf '\000\016\005nonce%08d' "$i" >>"$copy"
    run_a "a$i" "$copy" cold >>"$work/cold"
  done
fi
sort -t$'\t' -k2 -g "$work/cold" | awk -F'\t' '{ v[NR] = $2 } END { printf "spawn_cold\t%s\tus\n", v[int((NR + 1) / 2)] }' >"$work/cold_median"
grep -v '^spawn_cold' "$work/grain" >>"$work/cold_median"
mv "$work/cold_median" "$work/grain"

echo "== floor: async-nats between two connections" >&2
"$target/release/examples/nats_floor" "$url" $quick >"$work/floor"
echo "== Erlang" >&2
escript benches/side-by-side/distributed.escript $quick >"$work/erl"

otp=$(erl -noshell -eval 'io:format("~s", [erlang:system_info(otp_release)]), halt().')
nats=$(nats-server --version | grep -oE 'v[0-9]+(\.[0-9]+)+')
echo
echo "$(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), Erlang/OTP $otp, nats-server $nats, $(date -u +%Y-%m-%d)"
echo "Loopback. ratio = grain / Erlang (for msg/s, above 1 is better). floor = two async-nats connections through the same server."
awk -F'\t' '
  FILENAME ~ /grain$/ { g[$1] = $2; unit[$1] = $3; order[n++] = $1 }
  FILENAME ~ /floor$/ { f[$1] = $2 }
  FILENAME ~ /erl$/   { e[$1] = $2 }
  function show(v, u) { return u == "msg/s" ? sprintf("%.0f %s", v, u) : sprintf("%.1f %s", v, u) }
  END {
    target["ping_pong_p50"] = "<= 2x Erlang"
    target["one_way"] = ">= 200000 msg/s"
    target["spawn_warm_p50"] = "<= 1000 us"
    printf "%-16s %16s %16s %16s %8s  %-16s %s\n", "figure", "grain", "Erlang", "floor", "ratio", "target", "verdict"
    for (i = 0; i < n; i++) {
      k = order[i]; u = unit[k]
      er = (k in e) ? show(e[k], u) : "-"
      fl = (k in f) ? show(f[k], u) : "-"
      ratio = (k in e && e[k] > 0) ? sprintf("%.2fx", g[k] / e[k]) : "-"
      verdict = "-"
      if (k == "ping_pong_p50" && (k in e)) verdict = (g[k] <= 2 * e[k]) ? "met" : "missed"
      if (k == "one_way") verdict = (g[k] >= 200000) ? "met" : "missed"
      if (k == "spawn_warm_p50") verdict = (g[k] <= 1000) ? "met" : "missed"
      t = (k in target) ? target[k] : "-"
      printf "%-16s %16s %16s %16s %8s  %-16s %s\n", k, show(g[k], u), er, fl, ratio, t, verdict
    }
  }' "$work/grain" "$work/floor" "$work/erl"
