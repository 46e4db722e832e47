// Cache prefetch hints for the GEMM kernels and packing. Swift has no prefetch instruction of its
// own, and clang's `_mm_prefetch` is a macro the importer cannot see; these inline functions are
// imported by Swift and compiled by the toolchain's clang into the caller (with constant sizes
// the loops unroll to bare `prefetcht0` instructions). A prefetch never faults, whatever the address.
#ifndef ZOO_PREFETCH_H
#define ZOO_PREFETCH_H

/// Asks for every cache line of `count` floats from `start` in L1, to be read soon.
static inline __attribute__((always_inline)) void zooPrefetchForReading(const float *start, long count) {
    if (count <= 0) return;
    for (long j = 0; j < count; j += 16) __builtin_prefetch(start + j, 0, 3);
    __builtin_prefetch(start + count - 1, 0, 3);  // the last line, when `start` is not line-aligned
}

/// Asks for every cache line of a tile in L1, to be written soon: `rows` rows of `columns` floats,
/// row r starting at `tile + r * stride`.
static inline __attribute__((always_inline)) void zooPrefetchTileForWriting(
    const float *tile, long stride, long rows, long columns
) {
    if (columns <= 0) return;
    for (long r = 0; r < rows; r++) {
        const float *row = tile + r * stride;
        for (long j = 0; j < columns; j += 16) __builtin_prefetch(row + j, 1, 3);
        __builtin_prefetch(row + columns - 1, 1, 3);
    }
}

#endif
