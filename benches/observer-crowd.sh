#!/usr/bin/env bash
# The observer on 100,000 idle processes (examples/wat/crowd.wat): the node's CPU alone and
# with an observer attached, the observer's CPU and memory, and how long the first screen, the
# last row (End), a re-sort, a filter and a scrub take. Needs tmux (installed when missing).
#   bash benches/observer-crowd.sh
cd "$(dirname "$0")/.."
cargo build --release -q -p grain-shell
command -v tmux >/dev/null || { apt-get update -qq && apt-get install -y -qq tmux; }
cpu() { awk '{print $14+$15}' /proc/$1/stat; }
tk=$(getconf CLK_TCK)
ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
until_screen() { local t0=$(date +%s%N); until tmux -L grain-bench capture-pane -p -t c | grep -q -- "$1"; do sleep 0.01; [ $(ms $t0) -gt 20000 ] && { echo "never saw $1"; break; }; done; ms $t0; }
sock=$(mktemp -u /tmp/grain-crowd-XXXXXX.sock)
./target/release/grain run examples/wat/crowd.wat --control "$sock" 2>/dev/null &
NODE=$!
sleep 8
echo "node RSS: $(grep VmRSS /proc/$NODE/status | awk '{print $2}') kB"
a=$(cpu $NODE); sleep 10; b=$(cpu $NODE); echo "node alone: $(( (b-a)*1000/tk/10 )) ms cpu/s"
t0=$(date +%s%N)
tmux -L grain-bench new-session -d -s c -x 120 -y 40 "./target/release/grain observe --attach $sock; sleep 60"
echo "first screen: $(until_screen crowd.idle) ms"
sleep 2
OBS=$(pgrep -f "^./target/release/grain observe")
a=$(cpu $NODE); o=$(cpu $OBS); sleep 10; b=$(cpu $NODE); p=$(cpu $OBS)
echo "node watched: $(( (b-a)*1000/tk/10 )) ms cpu/s; observer: $(( (p-o)*1000/tk/10 )) ms cpu/s, RSS $(grep VmRSS /proc/$OBS/status | awk '{print $2}') kB"
tmux -L grain-bench send-keys -t c End; echo "End → last row: $(until_screen '<0.100001>') ms"
tmux -L grain-bench send-keys -t c ">>>>>>"; sleep 1; tmux -L grain-bench send-keys -t c I; echo "invert sort: $(until_screen 'MEMORY/MAX▼') ms"
tmux -L grain-bench send-keys -t c '\' 99999; echo "filter: $(until_screen 'filter: 99999') ms"
tmux -L grain-bench send-keys -t c Enter Escape ' ' '[' '['; echo "pause and scrub 2 back: $(until_screen 'PAUSED') ms"
tmux -L grain-bench capture-pane -p -t c | head -3
tmux -L grain-bench kill-server; kill $NODE
