//! The allocator ziskos gives native guests, for wasm32 guests too (feature `bump-allocator`):
//! memory is handed out in order and never reused. A proof run is short and its peak memory
//! is what it allocates, so the bookkeeping of a general allocator (wasi-libc's dlmalloc:
//! about 4% of eth_block's steps) buys nothing. Freeing only rolls back the newest block;
//! growing the newest block extends it in place.

use core::alloc::{GlobalAlloc, Layout};
use core::cell::Cell;

const PAGE: usize = 65536;
/// Linear memory is claimed from the runtime in chunks of at least this many pages.
const CHUNK_PAGES: usize = 16;

pub struct Bump {
    next: Cell<usize>,
    end: Cell<usize>,
}

// SAFETY: wasm32 guests here are single-threaded.
unsafe impl Sync for Bump {}

impl Bump {
    pub const fn new() -> Self {
        Bump { next: Cell::new(0), end: Cell::new(0) }
    }

    /// Makes room for `size` bytes aligned to `align`; returns the start or None when linear
    /// memory cannot grow.
    fn reserve(&self, size: usize, align: usize) -> Option<usize> {
        let start = self.next.get().checked_add(align - 1)? & !(align - 1);
        let end = start.checked_add(size)?;
        if end <= self.end.get() && self.end.get() != 0 {
            self.next.set(end);
            return Some(start);
        }
        // A fresh chunk from memory.grow; what was left of the old one is abandoned.
        let pages = (size + align).div_ceil(PAGE).max(CHUNK_PAGES);
        let old = core::arch::wasm32::memory_grow(0, pages);
        if old == usize::MAX {
            return None;
        }
        let base = old * PAGE;
        let start = (base + align - 1) & !(align - 1);
        self.next.set(start + size);
        self.end.set(base + pages * PAGE);
        Some(start)
    }
}

unsafe impl GlobalAlloc for Bump {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        match self.reserve(layout.size(), layout.align()) {
            Some(p) => p as *mut u8,
            None => core::ptr::null_mut(),
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if ptr as usize + layout.size() == self.next.get() {
            self.next.set(ptr as usize);
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = ptr as usize;
        if p + layout.size() == self.next.get() && p + new_size <= self.end.get() {
            self.next.set(p + new_size);
            return ptr;
        }
        // SAFETY: the caller guarantees `layout` describes `ptr`; the new block is fresh.
        let new_layout = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
        let new = unsafe { self.alloc(new_layout) };
        if !new.is_null() {
            unsafe {
                core::ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size));
                self.dealloc(ptr, layout);
            }
        }
        new
    }
}
