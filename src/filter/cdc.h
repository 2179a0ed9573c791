/*
 * cdc.h - content-defined chunking (FastCDC with a gear rolling hash).
 *
 * Splits a byte stream into chunks whose boundaries depend only on the
 * bytes near them, so that inserting or deleting bytes in a large file
 * moves the boundaries around the edit and leaves every other chunk
 * byte-identical.  The stored format of large files (frame.h) compresses
 * each chunk on its own, which is what keeps Git's pack deltas between two
 * versions of a file small.
 *
 * Invariants: the gear table and the size limits are constants of the
 * stored format (format version 1).  Changing any of them changes every
 * blob sovsync writes, so they may change only together with a new format
 * version.  The sizes are justified in docs/FORMATS.md.
 */
#ifndef SOV_CDC_H
#define SOV_CDC_H

#include <stddef.h>
#include <stdint.h>

#define SOV_CDC_MIN_SIZE (16u * 1024)	/* no cut before this */
#define SOV_CDC_AVG_SIZE (64u * 1024)	/* the normal size, 2^16 */
#define SOV_CDC_MAX_SIZE (256u * 1024)	/* forced cut here */

/* The fixed gear table (256 entries), exposed for the unit test. */
extern const uint64_t sov_cdc_gear[256];

/*
 * The length of the chunk that starts at `data`.  `len` is what is
 * available: the caller passes at least SOV_CDC_MAX_SIZE bytes unless
 * `data` holds the rest of the input, in which case the last chunk may be
 * shorter than the minimum.  Returns a value in [1, min(len, MAX)], or 0
 * when len is 0.  Pure function: same bytes, same answer, on any machine.
 */
size_t sov_cdc_cut(const void *data, size_t len);

#endif
