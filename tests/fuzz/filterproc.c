/*
 * Fuzz target: the whole conversation of Git's long-running filter
 * protocol (src/filter/filterproc.c): the fuzz input is the byte stream Git
 * would send (handshake, capabilities, any number of clean and smudge
 * requests with their content), served by sov_filterproc_serve() as
 * `sovsync filter-process` serves it.  Crash and leak target, plus the
 * answer's shape: whatever the input, the output is a well-formed
 * pkt-line stream, and a conversation that ended cleanly began with the
 * server's greeting.  Streams live in memfds, so the reader's and the
 * writer's own read(2)/write(2) paths are the ones exercised.
 */
#include "buf.h"
#include "error.h"
#include "filterproc.h"
#include "pktline.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <git2.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	/* One compression thread: the stored bytes do not depend on it. */
	setenv("SOVSYNC_FILTER_THREADS", "1", 1);
	/* The filter reads its settings (sovsync.filter.minSize) through libgit2. */
	git_libgit2_init();
	return 0;
}

static void count_failure(void *ctx)
{
	(*(size_t *)ctx)++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sov_pkt_reader *r = sov_malloc(sizeof(*r));
	size_t failures = 0;
	struct sov_filterproc_opts opts = { count_failure, &failures, NULL };
	enum sov_pkt_status st;
	int in = memfd_create("git-side", 0), out = memfd_create("filter-side", 0);
	int ret, first = 1, greeted = 0;

	if (in < 0 || out < 0)
		abort();
	if (size && write(in, data, size) != (ssize_t)size)
		abort();
	if (lseek(in, 0, SEEK_SET) != 0)
		abort();
	ret = sov_filterproc_serve(in, out, &opts);
	sov_error_clear();

	/* The answer, read back: packets only, to a clean end. */
	lseek(out, 0, SEEK_SET);
	sov_pkt_reader_init(r, out, "answer");
	while ((st = sov_pkt_read_line(r)) == SOV_PKT_DATA || st == SOV_PKT_FLUSH) {
		if (first && st == SOV_PKT_DATA && !strcmp(r->data, "git-filter-server"))
			greeted = 1;
		first = 0;
	}
	if (st != SOV_PKT_EOF)
		abort();
	if (ret == 0 && !greeted)
		abort();
	sov_error_clear();
	close(in);
	close(out);
	free(r);
	return 0;
}
