/*
 * error.h - the last error of the calling thread.
 *
 * Library functions return 0 on success and -1 on failure; on failure they
 * leave a message here (like libgit2's git_error_last()).  The message names
 * the thing that failed and the cause, e.g. "shared/state.json: invalid JSON
 * at line 3, column 7: ...".  Callers higher up may add context in front with
 * sov_error_prefix().  Only programs (the thin mains in filters/, hooks/,
 * merge-drivers/, src/cli*) print it, once, as "sovsync: <message>"
 * (sov_error_report(), src/cli/cli_report.c).  Library code never prints: a
 * warning goes through sov_warn() to the routine the program installed
 * (`make lint` refuses a print in library code).
 *
 * Beside the message, a code says what kind of failure it was (like
 * libgit2's GIT_ENOTFOUND, GIT_EEXISTS): a caller that must tell one failure
 * from another branches on sov_error_code(), never on the message text nor on
 * an errno left over from somewhere inside the call.
 *
 * The message and the code live in thread-local storage owned by this
 * module; the pointer from sov_error_last() stays valid until the next
 * sov_error_* call on the same thread.
 */
#ifndef SOV_ERROR_H
#define SOV_ERROR_H

#include <stdarg.h>

#include "oscompat.h"

enum sov_error_code {
	SOV_OK = 0,		/* no error set */
	SOV_EGENERIC = -1,	/* nothing more specific (the default) */
	SOV_ENOTFOUND = -2,	/* a file, directory, object or entry does not exist */
	SOV_EEXISTS = -3,	/* it exists already */
	SOV_ELOCKED = -4,	/* another process holds the lock */
	SOV_EINVALID = -5,	/* bytes that do not parse (invalid JSON, a bad header) */
	SOV_ESHAPE = -6,	/* parses, but a value of the wrong type or form */
	SOV_ECONFLICT = -7,	/* a merge conflict, or a state that refuses the operation */
	SOV_EIO = -8,		/* a system call failed (read, write, open, ...) */
	SOV_EUNSAFE = -9,	/* refused: a link, an escape from the tree, a hostile path */
};

/* Set the message; always returns -1 so that `return sov_error(...)` works.
 * The code is SOV_EGENERIC. */
int sov_error(const char *fmt, ...) SOV_PRINTF(1, 2);

/* Same with the code given. */
int sov_error_set(enum sov_error_code code, const char *fmt, ...)
	SOV_PRINTF(2, 3);

/*
 * Same, followed by ": " and strerror(errno) (errno is read first, and kept).
 * The code follows errno: ENOENT and ENOTDIR are SOV_ENOTFOUND, EEXIST is
 * SOV_EEXISTS, ELOOP (a link where none may be) SOV_EUNSAFE, anything else
 * SOV_EIO.
 */
int sov_error_errno(const char *fmt, ...) SOV_PRINTF(1, 2);

/* Same, followed by ": " and libgit2's last error message (SOV_EGENERIC). */
int sov_error_git(const char *fmt, ...) SOV_PRINTF(1, 2);

/* Put "<prefix>: " in front of the current message (the code stays);
 * returns -1. */
int sov_error_prefix(const char *fmt, ...) SOV_PRINTF(1, 2);

/* The current message (borrowed), or "unknown error" when none was set. */
const char *sov_error_last(void);

/* The current code: SOV_OK when no message is set. */
enum sov_error_code sov_error_code(void);

/* The code's name ("ENOTFOUND"), for traces and tests. */
const char *sov_error_code_name(enum sov_error_code code);

/* Whether a message is set. */
int sov_error_isset(void);

void sov_error_clear(void);

/*
 * A warning: something the user should know that does not fail the
 * operation.  Hands the formatted message to the routine the program
 * installed (programs print "sovsync: <message>" on stderr); without one
 * (unit tests, fuzz harnesses) the warning is dropped.
 */
void sov_warn(const char *fmt, ...) SOV_PRINTF(1, 2);

typedef void (*sov_warn_fn)(const char *msg);

/*
 * Install the warning routine, once, at the start of main() before any
 * thread starts (the one process-wide setting of this module; read-only
 * afterwards, like Git's set_warn_routine()).
 */
void sov_warn_set_routine(sov_warn_fn fn);

#endif
