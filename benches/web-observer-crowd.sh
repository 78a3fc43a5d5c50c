#!/usr/bin/env bash
# The web observer on 100,000 idle processes (examples/wat/crowd.wat): the node's CPU without
# the web observer, with it and no browser, and with 4 browsers' worth of websocket clients
# (benches/web-clients.py) on each kind of page; the frames and bytes each client gets.
# CPU is the node's user+system time over 10 s (from /proc), so the web observer's own
# work (folding updates, cutting windows, sending) is in it.
#   bash benches/web-observer-crowd.sh [ROUNDS]
cd "$(dirname "$0")/.."
rounds=${1:-1}
cargo build --release -q -p grain-shell
cpu() { awk '{print $14+$15}' /proc/$1/stat; }
tk=$(getconf CLK_TCK)
measure() { local a b; a=$(cpu $1); sleep 10; b=$(cpu $1); echo $(( (b-a)*1000/tk/10 )); }
err=$(mktemp)
for round in $(seq "$rounds"); do
  echo "== round $round"
  ./target/release/grain run examples/wat/crowd.wat 2>/dev/null &
  NODE=$!
  sleep 8
  echo "node alone: $(measure $NODE) ms cpu/s, RSS $(grep VmRSS /proc/$NODE/status | awk '{print $2}') kB"
  kill $NODE; wait $NODE 2>/dev/null

  ./target/release/grain run examples/wat/crowd.wat --web 127.0.0.1:0 2>"$err" &
  NODE=$!
  sleep 8
  url=$(grep -o 'http://[^ ]*' "$err")
  echo "with the web observer, no browser: $(measure $NODE) ms cpu/s, RSS $(grep VmRSS /proc/$NODE/status | awk '{print $2}') kB"
  for view in pid memory tree events; do
    python3 benches/web-clients.py "$url" 4 13 "$view" > "$err.clients" &
    CLIENTS=$!
    sleep 2
    echo "4 clients on '$view': node $(measure $NODE) ms cpu/s"
    wait $CLIENTS
    cat "$err.clients"
  done
  kill $NODE; wait $NODE 2>/dev/null
done
rm -f "$err" "$err.clients"
