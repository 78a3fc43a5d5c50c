#!/usr/bin/env python3
"""What touching fresh memory costs on this machine, a GiB at a time.

A million parked processes make about 13 GiB resident. On a virtual machine whose host
backs guest memory lazily (or takes freed pages back: virtio-balloon free page reporting),
a page fault past what the guest has recently used costs several times one below it, and
every spawn pays a few such faults. This plain program (no grain) shows that curve, so the
side-by-side script's crowd row can be read against it.

    python3 benches/fresh-pages.py 13     # GiB to touch (default 13)

Prints each GiB's cost per 4 KiB page, then `fresh_pages<TAB>FIRST<TAB>LAST<TAB>us/page`.
"""
import mmap
import sys
import time

gib = int(sys.argv[1]) if len(sys.argv) > 1 else 13
m = mmap.mmap(-1, gib << 30, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
costs = []
for g in range(gib):
    t = time.perf_counter()
    base = g << 30
    for off in range(base, base + (1 << 30), 4096):
        m[off] = 1
    costs.append((time.perf_counter() - t) * 1e6 / (1 << 18))
    print(f"GiB {g}: {costs[-1]:.2f} us/page", file=sys.stderr, flush=True)
print(f"fresh_pages\t{costs[0]:.2f}\t{costs[-1]:.2f}\tus/page")
