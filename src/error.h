/*
 * error.h - the last error of the calling thread.
 *
 * Library functions return 0 on success and -1 on failure; on failure they
 * leave a message here (like libgit2's git_error_last()).  The message names
 * the thing that failed and the cause, e.g. "shared/state.json: invalid JSON
 * at line 3, column 7: ...".  Callers higher up may add context in front with
 * sov_error_prefix().  Only programs (the thin mains in filters/, hooks/,
 * merge-drivers/, src/cli*) print it, once, as "sovsync: <message>".
 *
 * The message lives in thread-local storage owned by this module; the
 * pointer from sov_error_last() stays valid until the next sov_error_* call
 * on the same thread.
 */
#ifndef SOV_ERROR_H
#define SOV_ERROR_H

#include <stdarg.h>

/* Set the message; always returns -1 so that `return sov_error(...)` works. */
int sov_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Same, followed by ": " and strerror(errno) (errno is read first). */
int sov_error_errno(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Same, followed by ": " and libgit2's last error message. */
int sov_error_git(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Put "<prefix>: " in front of the current message; returns -1. */
int sov_error_prefix(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The current message (borrowed), or "unknown error" when none was set. */
const char *sov_error_last(void);

/* Whether a message is set. */
int sov_error_isset(void);

void sov_error_clear(void);

/*
 * For programs: print "sovsync: <last error>" on stderr (one line).  Clears
 * the message.
 */
void sov_error_report(void);

/* For programs: print "sovsync: <formatted>" on stderr. */
void sov_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
