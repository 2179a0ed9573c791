/*
 * progress.h - Git-style progress of long work on one file, in bytes:
 *
 *     Compressing shared/x.bin: 45% (460/1024 MiB)
 *     Compressing shared/x.bin: 100% (1024/1024 MiB), done.
 *
 * on stderr, rewritten in place with '\r', one line per update, and
 * only when the percentage (or, without a total, the MiB count) changes.
 * The library never prints: each line goes to the routine the program
 * installed (sov_progress_set_routine(), like sov_warn_set_routine());
 * without one (unit tests, fuzz harnesses) progress stays silent.
 * As Git does (progress.c): only when stderr is a terminal (or the caller
 * forces it, --progress), and only once the work has lasted Git's progress
 * delay (GIT_PROGRESS_DELAY seconds, default 2), so quick work prints
 * nothing; callers also pass only large files.  Silent otherwise.
 *
 * A struct sov_progress owns its label; start from SOV_PROGRESS_INIT and
 * end with sov_progress_stop() (also after a failure: then no "done").
 */
#ifndef SOV_PROGRESS_H
#define SOV_PROGRESS_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

enum sov_progress_mode {
	SOV_PROGRESS_AUTO,	/* when stderr is a terminal */
	SOV_PROGRESS_ALWAYS,	/* --progress */
	SOV_PROGRESS_NEVER,	/* --no-progress */
};

struct sov_progress {
	struct sov_buf label;	/* "Compressing shared/x.bin" */
	uint64_t total;		/* bytes, 0 when unknown */
	uint64_t done;
	int64_t start_us;	/* monotonic */
	int64_t delay_us;
	int active;		/* started and allowed to show */
	int shown;		/* something was printed */
	unsigned last;		/* percent (or MiB) last printed */
};

#define SOV_PROGRESS_INIT { .label = SOV_BUF_INIT }

/*
 * Show `len` bytes of `line` (borrowed): a '\r'-led progress line, maybe
 * ending in '\n', or the lone newline after a failure; to be written as
 * it is, in one piece, on stderr.  Returns 0,
 * or -1 with the error set when it could not be shown (a closed stderr):
 * progress is best effort, so that progress then goes quiet.
 */
typedef int (*sov_progress_fn)(const char *line, size_t len);

/*
 * Install the routine, once, at the start of main() before any thread
 * starts (read-only afterwards, like sov_warn_set_routine()).
 */
void sov_progress_set_routine(sov_progress_fn fn);

/*
 * Start reporting `title` `what` ("Compressing", "shared/x.bin") over
 * `total` bytes (0: unknown, then only the count is shown).  Nothing is
 * printed yet.
 */
void sov_progress_start(struct sov_progress *p, enum sov_progress_mode mode,
			const char *title, const char *what, uint64_t total);
/* `n` more bytes done; prints when due. */
void sov_progress_add(struct sov_progress *p, uint64_t n);
/* Set the bytes done; prints when due. */
void sov_progress_set(struct sov_progress *p, uint64_t done);
/*
 * End: ", done." and a newline when something was shown and `ok`; a bare
 * newline when it failed (the error follows on its own line).  Releases
 * the label; `p` can be started again.
 */
void sov_progress_stop(struct sov_progress *p, int ok);

#endif
