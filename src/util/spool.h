/*
 * spool.h - hold a stream of any size for later replay, in bounded memory.
 *
 * Git's long-running filter protocol makes the filter read a whole file
 * before it may answer, so a filter that streams must keep its output
 * somewhere until the input has ended.  A spool keeps the first
 * SOV_SPOOL_MEM_LIMIT bytes in memory and the rest in an anonymous
 * temporary file (created in $TMPDIR, else /tmp, and unlinked at once, so
 * nothing is left behind even on a crash).
 *
 * Once a spool passes 1 MiB its memory is taken to SOV_SPOOL_MEM_LIMIT
 * at once (address space; pages are used as they are filled) with the
 * hint for huge pages, so that it never moves again and fills with a page
 * fault per 2 MiB instead of per 4 KiB: on a machine where faults are
 * dear that was a fifth of the filter's time (docs/BENCHMARKS.md).
 *
 * A spool owns its memory and descriptor; sov_spool_release() frees both
 * and leaves it empty and reusable.
 */
#ifndef SOV_SPOOL_H
#define SOV_SPOOL_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "frame.h"

/*
 * Stored forms up to this size never touch the disk; with the encoder's
 * batch (about 10 MiB) the filter stays well under 64 MiB.
 */
#define SOV_SPOOL_MEM_LIMIT (32u * 1024 * 1024)

struct sov_spool {
	struct sov_buf mem;
	int fd;			/* -1 until the memory limit is passed */
	uint64_t size;		/* total bytes written */
};

#define SOV_SPOOL_INIT { .mem = SOV_BUF_INIT, .fd = -1, .size = 0 }

/* Append; a sov_frame_write_fn, `spool` is a struct sov_spool.  0 or -1. */
int sov_spool_write(void *spool, const void *data, size_t len);

/* Pass everything written, in order, to `write(ctx, ...)`.  0 or -1. */
int sov_spool_replay(struct sov_spool *spool, sov_frame_write_fn write, void *ctx);

void sov_spool_release(struct sov_spool *spool);

#endif
