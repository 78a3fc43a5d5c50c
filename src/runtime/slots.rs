//! Pools of equal slots carved out of large shared mappings (see `arena`), and how freed
//! slots go back to the kernel.
//!
//! Handing a slot's pages back (`MADV_DONTNEED`) makes the kernel flush the TLB of every
//! core running this process, by interrupt; one call per exiting process made a mass exit
//! (or steady churn) pay an interrupt per process on every core. Freed slots are therefore
//! released in batches: sorted, with neighbouring slots merged into one range, so a batch
//! of processes spawned together costs a few calls.

#![allow(unsafe_code, reason = "raw mappings for the arena's slots")]

use std::io;
use std::sync::{Arc, Mutex};

/// Freed stacks kept warm (not returned to the kernel) for the next process.
const WARM_STACKS: usize = 4_096;
/// Freed slots released together...
const RELEASE_BATCH: usize = 256;
/// ...or as soon as they hold this many possibly dirty bytes.
const RELEASE_BYTES: usize = 64 << 20;

/// Maps `len` bytes of readable, writable, unreserved anonymous memory.
pub(super) fn map(len: usize) -> io::Result<usize> {
    // SAFETY: a fresh anonymous mapping aliases nothing.
    let addr = unsafe {
        libc::mmap(
            std::ptr::null_mut(),
            len,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
            -1,
            0,
        )
    };
    if addr == libc::MAP_FAILED {
        return Err(io::Error::last_os_error());
    }
    Ok(addr as usize)
}

/// Unmaps a mapping made by [`map`] (or grown by `mremap`).
pub(super) fn unmap(addr: usize, len: usize) {
    // SAFETY: only called on mappings this module owns, when nothing uses them any more.
    unsafe { libc::munmap(addr as *mut libc::c_void, len) };
}

/// Gives pages back to the kernel; they read as zeroes afterwards.
fn discard(addr: usize, len: usize) {
    // SAFETY: the range lies in a slot nobody owns at this point.
    unsafe { libc::madvise(addr as *mut libc::c_void, len, libc::MADV_DONTNEED) };
}

pub(super) fn page_round(len: usize) -> usize {
    let page = 4096;
    len.div_ceil(page) * page
}

/// A pool of equal slots in chunk mappings.
pub(super) struct Slots {
    pub(super) slot: usize,
    per_chunk: usize,
    state: Mutex<SlotState>,
}

#[derive(Default)]
struct SlotState {
    chunks: Vec<(usize, usize)>,
    /// Freed slots whose pages may be dirty (stacks only).
    warm: Vec<usize>,
    /// Freed slots whose pages are zero.
    cold: Vec<usize>,
    /// Freed slots waiting to be released, with how many bytes of each may be dirty.
    pending: Vec<(usize, usize)>,
    pending_bytes: usize,
    next: usize,
    end: usize,
}

impl Slots {
    pub(super) fn new(slot: usize, per_chunk: usize) -> Arc<Slots> {
        Arc::new(Slots {
            slot: page_round(slot),
            per_chunk,
            state: Mutex::new(SlotState::default()),
        })
    }

    /// A free slot; `warm` allows one whose pages still hold an earlier owner's data.
    pub(super) fn take(&self, warm: bool) -> io::Result<usize> {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if warm && let Some(addr) = state.warm.pop() {
            return Ok(addr);
        }
        if state.cold.is_empty() && state.next == state.end && !state.pending.is_empty() {
            // Reuse what waits for release before mapping more.
            let batch = Self::batch(&mut state);
            drop(state);
            self.release(batch);
            state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        }
        if let Some(addr) = state.cold.pop() {
            return Ok(addr);
        }
        if state.next == state.end {
            let len = self.slot * self.per_chunk;
            let base = map(len)?;
            state.chunks.push((base, len));
            (state.next, state.end) = (base, base + len);
        }
        let addr = state.next;
        state.next += self.slot;
        Ok(addr)
    }

    /// Returns a slot whose first `dirty` bytes may have been written.
    pub(super) fn give_back(&self, addr: usize, dirty: usize, keep_warm: bool) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if keep_warm && state.warm.len() < WARM_STACKS {
            state.warm.push(addr);
            return;
        }
        let dirty = page_round(dirty.min(self.slot));
        state.pending.push((addr, dirty));
        state.pending_bytes += dirty;
        if state.pending.len() >= RELEASE_BATCH || state.pending_bytes >= RELEASE_BYTES {
            let batch = Self::batch(&mut state);
            drop(state);
            self.release(batch);
        }
    }

    fn batch(state: &mut SlotState) -> Vec<(usize, usize)> {
        state.pending_bytes = 0;
        std::mem::take(&mut state.pending)
    }

    /// Hands a batch of freed slots back to the kernel, neighbours in one call, then makes
    /// them available again.
    fn release(&self, mut batch: Vec<(usize, usize)>) {
        batch.sort_unstable();
        let mut run: Option<(usize, usize)> = None; // start, end of dirty bytes
        let mut last = 0;
        for &(addr, dirty) in &batch {
            run = match run {
                Some((start, _)) if addr == last + self.slot => Some((start, addr + dirty)),
                Some((start, end)) => {
                    discard(start, end - start);
                    Some((addr, addr + dirty))
                }
                None => Some((addr, addr + dirty)),
            };
            last = addr;
        }
        if let Some((start, end)) = run {
            discard(start, end - start);
        }
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.cold.extend(batch.iter().map(|&(addr, _)| addr));
    }

    /// Releases every freed slot now (tests; and a quiet node could call it).
    #[cfg(test)]
    pub(super) fn flush(&self) {
        let batch = Self::batch(&mut self.state.lock().unwrap_or_else(|e| e.into_inner()));
        self.release(batch);
    }
}

impl Drop for Slots {
    fn drop(&mut self) {
        let state = self.state.get_mut().unwrap_or_else(|e| e.into_inner());
        for &(base, len) in &state.chunks {
            unmap(base, len);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Slots;

    fn poke(addr: usize, offset: usize, value: u8) {
        // SAFETY: test slots are mapped, writable and owned by the test.
        unsafe { *((addr + offset) as *mut u8) = value };
    }

    fn peek(addr: usize, offset: usize) -> u8 {
        // SAFETY: as above.
        unsafe { *((addr + offset) as *const u8) }
    }

    #[test]
    fn released_slots_come_back_zeroed_whatever_the_batch() {
        let slots = Slots::new(64 << 10, 512);
        let taken: Vec<usize> = (0..300).map(|_| slots.take(false).unwrap()).collect();
        for &addr in &taken {
            poke(addr, 0, 1);
            poke(addr, 8191, 2);
            slots.give_back(addr, 8192, false); // a batch goes at 256; 44 wait
        }
        slots.flush();
        let again: Vec<usize> = (0..300).map(|_| slots.take(false).unwrap()).collect();
        for addr in again {
            assert_eq!((peek(addr, 0), peek(addr, 8191)), (0, 0), "slot {addr:#x}");
        }
    }

    #[test]
    fn a_slot_in_use_between_freed_neighbours_keeps_its_bytes() {
        let slots = Slots::new(64 << 10, 512);
        let [a, b, c] = [0; 3].map(|_| slots.take(false).unwrap());
        assert_eq!((b - a, c - b), (64 << 10, 64 << 10), "neighbours");
        for addr in [a, b, c] {
            poke(addr, 100, 7);
        }
        slots.give_back(a, 4096, false);
        slots.give_back(c, 4096, false);
        slots.flush();
        assert_eq!(peek(b, 100), 7);
        assert_eq!((peek(a, 100), peek(c, 100)), (0, 0));
    }

    #[test]
    fn a_new_chunk_waits_until_freed_slots_are_reused() {
        let slots = Slots::new(64 << 10, 4);
        let first: Vec<usize> = (0..4).map(|_| slots.take(false).unwrap()).collect();
        for &addr in &first {
            slots.give_back(addr, 4096, false); // pending: fewer than a batch
        }
        let mut again: Vec<usize> = (0..4).map(|_| slots.take(false).unwrap()).collect();
        again.sort_unstable();
        assert_eq!(again, first, "the chunk's own slots, not a new chunk");
    }
}
