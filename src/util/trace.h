/*
 * trace.h - opt-in trace logging, in the manner of GIT_TRACE.
 *
 * SOVSYNC_TRACE selects the destination, read once on first use:
 *   unset, "", "0", "false"   off
 *   "1", "2", "true"          standard error
 *   "3" .. "9"                that file descriptor
 *   "/absolute/path"          appended to that file (created 0600)
 * Each record is one line written with a single write(2) so that the filter,
 * the drivers and the hooks of one Git command interleave whole lines:
 *   "12:34:56.789012 sovsync[1234] filters/process.c:88: clean shared/x.bin"
 * Secrets must never be passed to sov_trace().
 */
#ifndef SOV_TRACE_H
#define SOV_TRACE_H

#include "oscompat.h"

/* Whether tracing is on (the destination was opened). */
int sov_trace_enabled(void);

void sov_trace_at(const char *file, int line, const char *fmt, ...)
	SOV_PRINTF(3, 4);

#define sov_trace(...) sov_trace_at(__FILE__, __LINE__, __VA_ARGS__)

#endif
