/*
 * spool.c - memory-then-file stream buffer; see spool.h.
 */
#include "spool.h"
#include "error.h"
#include "fs.h"

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "osfs.h"
#include "osmem.h"

#define SPOOL_RESERVE_AT (1u << 20)

static int open_tmp(struct sov_spool *s)
{
	s->fd = sov_os_open_tmpfile("sovsync-spool");
	return s->fd < 0 ? -1 : 0;
}

int sov_spool_write(void *spool, const void *data, size_t len)
{
	struct sov_spool *s = spool;

	if (s->fd < 0 && s->mem.len + len <= SOV_SPOOL_MEM_LIMIT) {
		/* Past 1 MiB: all the memory it may use, at once (spool.h). */
		if (s->mem.len + len > SPOOL_RESERVE_AT && s->mem.alloc < SOV_SPOOL_MEM_LIMIT) {
			sov_buf_grow(&s->mem, SOV_SPOOL_MEM_LIMIT - s->mem.len);
			sov_os_advise_huge(s->mem.ptr, s->mem.alloc);
		}
		sov_buf_add(&s->mem, data, len);
	} else {
		if (s->fd < 0 && open_tmp(s) < 0)
			return -1;
		if (sov_fs_write_all(s->fd, data, len, "temporary spool file") < 0)
			return -1;
	}
	s->size += len;
	return 0;
}

int sov_spool_replay(struct sov_spool *s, sov_frame_write_fn write, void *ctx)
{
	char buf[65536];

	if (s->mem.len && write(ctx, s->mem.ptr, s->mem.len) < 0)
		return -1;
	if (s->fd < 0)
		return 0;
	if (lseek(s->fd, 0, SEEK_SET) < 0)
		return sov_error_errno("temporary spool file: seek failed");
	for (;;) {
		ssize_t n = read(s->fd, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return sov_error_errno("temporary spool file: read failed");
		if (n == 0)
			return 0;
		if (write(ctx, buf, (size_t)n) < 0)
			return -1;
	}
}

void sov_spool_release(struct sov_spool *s)
{
	sov_buf_release(&s->mem);
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	s->size = 0;
}
