/*
 * shuffle.h - the byte shuffle of float32 data inside one chunk of the
 * stored form (docs/FORMATS.md, "Byte shuffle").
 *
 * Arrays of float32 (embeddings, .npy files) barely compress as they are:
 * each value's bytes mix a few predictable bits (sign, exponent) with
 * noise (mantissa).  Grouping the first bytes of all values, then the
 * second bytes, and so on (what Blosc and HDF5 call shuffle) puts the
 * predictable bytes together, and compressing each group as its own zstd
 * block gives each its own entropy table.
 *
 * A chunk is shuffled when it looks like float32 data at some alignment
 * (`phase`, 0-3: the offset in the chunk of the first whole value); the
 * test looks at the chunk's bytes only and uses integer arithmetic only,
 * so the decision, and the stored bytes, are the same on every machine.
 * The transform is a permutation of the chunk's bytes: exactly reversible
 * for any length (bytes before the phase and after the last whole value
 * stay in place).
 */
#ifndef SOV_SHUFFLE_H
#define SOV_SHUFFLE_H

#include <stddef.h>

/* Chunks shorter than this are never shuffled. */
#define SOV_SHUFFLE_MIN_SIZE 1024u

/*
 * Whether `len` bytes look like little-endian float32 values: 0-3 the
 * phase to shuffle them at, -1 not.
 */
int sov_shuffle_detect(const unsigned char *data, size_t len);

/*
 * The layout of a shuffled chunk: `phase` bytes as they are, the four
 * planes of n = (len - phase) / 4 bytes (byte 0 of every value, then byte
 * 1, ...), the remaining bytes as they are.  *plane_size gets n.
 */
void sov_shuffle(const unsigned char *in, size_t len, int phase, unsigned char *out,
		 size_t *plane_size);
/* The inverse: `out` gets the original bytes. */
void sov_unshuffle(const unsigned char *in, size_t len, int phase, unsigned char *out);

#endif
