//! Giving freed memory back to the operating system after bursts of allocation.
//!
//! glibc keeps memory freed by other threads in per-thread arenas and rarely returns it; the
//! index writer's threads free a lot after each commit, so a long batch's resident memory grew
//! with the batch although the live heap did not (docs/benchmarks.md, "Batch throughput").
//! `malloc_trim` releases it. Elsewhere (musl, other systems) this does nothing. The `kho`
//! binary allocates with jemalloc (src/main.rs), which gives memory back by itself; there this
//! trims only what C code took from glibc, and it stays for programs that embed the library on
//! glibc's allocator.

/// Returns free heap memory to the operating system, where the allocator allows it.
// The crate denies `unsafe`; this call is its one exception (no safe binding of malloc_trim
// exists; the `libc` crate's is as unsafe as this declaration).
#[allow(unsafe_code)]
pub(crate) fn release_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        extern "C" {
            fn malloc_trim(pad: usize) -> i32;
        }
        // SAFETY: malloc_trim only walks the allocator's own free lists; it takes no pointers
        // from us and is safe to call from any thread at any time.
        unsafe {
            malloc_trim(0);
        }
    }
}
