// Cache prefetch hints for the GEMM micro-kernels. Swift has no prefetch instruction of its own,
// and clang's `_mm_prefetch` is a macro the importer cannot see; these inline functions are
// imported by Swift and compiled by the toolchain's clang into the calling kernel (one
// `prefetcht0` / `prefetchw` each, no call). A prefetch never faults, whatever the address.
#ifndef ZOO_PREFETCH_H
#define ZOO_PREFETCH_H

/// Asks for the cache line holding `address` in L1, to be written soon (`prefetchw` where the
/// CPU has it, else `prefetcht0`).
static inline __attribute__((always_inline)) void zooPrefetchForWriting(const void *address) {
    __builtin_prefetch(address, 1, 3);
}

/// Asks for the cache line holding `address` in L1, to be read soon (`prefetcht0`).
static inline __attribute__((always_inline)) void zooPrefetchForReading(const void *address) {
    __builtin_prefetch(address, 0, 3);
}

#endif
