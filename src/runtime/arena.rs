//! Linear memories and fiber stacks carved out of large shared mappings.
//!
//! wasmtime's own allocators give every process at least two memory mappings (a linear
//! memory's accessible part and its `PROT_NONE` reservation or guard; a fiber stack and its
//! guard page). Linux allows 65,530 mappings per process by default (`vm.max_map_count`), so
//! they stop a node near 15,000 processes long before memory runs out, and a 4 GiB
//! reservation per memory stops it near 30,000 on address space alone.
//!
//! Here a memory or a stack is a slot in a chunk: one readable, writable, unreserved
//! (`MAP_NORESERVE`) mapping holding many slots. Nothing is guarded: compiled code
//! bounds-checks every memory access (the engine is built with no reservation and no guard
//! region) and checks the wasm stack limit on every call, so a guest cannot step out of its
//! slot. Untouched pages cost nothing; a freed memory slot is handed back to the kernel with
//! `MADV_DONTNEED`, which also zeroes it for its next owner. A memory that outgrows its slot
//! moves to a mapping of its own, which grows with `mremap`.

#![allow(
    unsafe_code,
    reason = "raw mappings for wasmtime's MemoryCreator and StackCreator"
)]

use std::io;
use std::ops::Range;
use std::sync::Arc;

use wasmtime::{LinearMemory, MemoryCreator, MemoryType, StackCreator, StackMemory};

use super::slots::{Slots, map, page_round, unmap};

/// Bytes of address space per memory slot: a memory bigger than this moves out.
pub(crate) const MEMORY_SLOT: usize = 8 << 20;
/// Slots per chunk mapping (1 GiB of address space for memories).
const MEMORY_SLOTS_PER_CHUNK: usize = 128;
/// Stack slots per chunk mapping.
const STACK_SLOTS_PER_CHUNK: usize = 256;

/// wasmtime's source of linear memories for one engine.
pub(crate) struct Memories(Arc<Slots>);

impl Memories {
    pub(crate) fn new() -> Arc<Memories> {
        Arc::new(Memories(Slots::new(MEMORY_SLOT, MEMORY_SLOTS_PER_CHUNK)))
    }
}

/// Where a linear memory's bytes live.
enum Home {
    /// A slot in a chunk; `high` is the most bytes it has been accessible.
    Slot { addr: usize, high: usize },
    /// A mapping of its own.
    Own { addr: usize, len: usize },
}

struct ArenaMemory {
    slots: Arc<Slots>,
    home: Home,
    size: usize,
}

impl ArenaMemory {
    fn move_out(&mut self, new_size: usize) -> io::Result<()> {
        let Home::Slot { addr, high } = self.home else {
            return Ok(());
        };
        let len = page_round(new_size.max(2 * self.slots.slot));
        let own = map(len)?;
        // SAFETY: both ranges are mapped, `size` bytes fit in each, and they are disjoint.
        unsafe { std::ptr::copy_nonoverlapping(addr as *const u8, own as *mut u8, self.size) };
        self.slots.give_back(addr, high, false);
        self.home = Home::Own { addr: own, len };
        Ok(())
    }
}

// SAFETY: the bytes live in mappings owned by this value until it drops; `as_ptr` is stable
// while the size stays within `byte_capacity`, and growth beyond it is a move wasmtime allows
// (`memory_may_move`). Accesses are bounds-checked by compiled code (no guard region).
unsafe impl LinearMemory for ArenaMemory {
    fn byte_size(&self) -> usize {
        self.size
    }

    fn byte_capacity(&self) -> usize {
        match self.home {
            Home::Slot { .. } => self.slots.slot,
            Home::Own { len, .. } => len,
        }
    }

    fn grow_to(&mut self, new_size: usize) -> wasmtime::Result<()> {
        if new_size > self.byte_capacity() {
            match self.home {
                Home::Slot { .. } => self.move_out(new_size)?,
                Home::Own { addr, len } => {
                    let new_len = page_round(new_size.max(2 * len));
                    // SAFETY: `addr`/`len` is this memory's own mapping; MAYMOVE keeps contents.
                    let moved = unsafe {
                        libc::mremap(
                            addr as *mut libc::c_void,
                            len,
                            new_len,
                            libc::MREMAP_MAYMOVE,
                        )
                    };
                    if moved == libc::MAP_FAILED {
                        return Err(io::Error::last_os_error().into());
                    }
                    self.home = Home::Own {
                        addr: moved as usize,
                        len: new_len,
                    };
                }
            }
        }
        if let Home::Slot { high, .. } = &mut self.home {
            *high = (*high).max(new_size);
        }
        self.size = new_size;
        Ok(())
    }

    fn as_ptr(&self) -> *mut u8 {
        match self.home {
            Home::Slot { addr, .. } | Home::Own { addr, .. } => addr as *mut u8,
        }
    }
}

impl Drop for ArenaMemory {
    fn drop(&mut self) {
        match self.home {
            Home::Slot { addr, high } => self.slots.give_back(addr, high, false),
            Home::Own { addr, len } => unmap(addr, len),
        }
    }
}

// SAFETY: every memory handed out is zeroed, page aligned, and owned by the caller alone.
unsafe impl MemoryCreator for Memories {
    fn new_memory(
        &self,
        _ty: MemoryType,
        minimum: usize,
        _maximum: Option<usize>,
        _reserved: Option<usize>,
        guard: usize,
    ) -> Result<Box<dyn LinearMemory>, String> {
        if guard != 0 {
            return Err(format!(
                "grain's memories have no guard region ({guard} asked)"
            ));
        }
        let slots = self.0.clone();
        let home = if minimum <= slots.slot {
            let addr = slots.take(false).map_err(|e| e.to_string())?;
            Home::Slot {
                addr,
                high: minimum,
            }
        } else {
            let len = page_round(minimum);
            let addr = map(len).map_err(|e| e.to_string())?;
            Home::Own { addr, len }
        };
        Ok(Box::new(ArenaMemory {
            slots,
            home,
            size: minimum,
        }))
    }
}

/// wasmtime's source of fiber stacks for one engine.
pub(crate) struct Stacks(Arc<Slots>);

impl Stacks {
    /// Stacks of `size` bytes.
    pub(crate) fn new(size: usize) -> Arc<Stacks> {
        Arc::new(Stacks(Slots::new(size, STACK_SLOTS_PER_CHUNK)))
    }
}

struct ArenaStack {
    slots: Arc<Slots>,
    addr: usize,
}

// SAFETY: the stack is a page-aligned slot owned by this value until it drops. It has no
// guard page: wasm frames are bounded by `max_wasm_stack`, checked by compiled code, which
// leaves the rest of the slot to host frames.
unsafe impl StackMemory for ArenaStack {
    fn top(&self) -> *mut u8 {
        (self.addr + self.slots.slot) as *mut u8
    }

    fn range(&self) -> Range<usize> {
        self.addr..self.addr + self.slots.slot
    }

    fn guard_range(&self) -> Range<*mut u8> {
        self.addr as *mut u8..self.addr as *mut u8
    }
}

impl Drop for ArenaStack {
    fn drop(&mut self) {
        self.slots.give_back(self.addr, self.slots.slot, true);
    }
}

// SAFETY: each stack is a distinct slot; a zeroed one comes from the cold list or fresh.
unsafe impl StackCreator for Stacks {
    fn new_stack(&self, size: usize, zeroed: bool) -> wasmtime::Result<Box<dyn StackMemory>> {
        if size > self.0.slot {
            wasmtime::bail!(
                "a {size}-byte stack does not fit a {}-byte slot",
                self.0.slot
            );
        }
        let addr = self.0.take(!zeroed)?;
        Ok(Box::new(ArenaStack {
            slots: self.0.clone(),
            addr,
        }))
    }
}
