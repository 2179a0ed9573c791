/*
 * timestamp.h - ISO-8601 / RFC 3339 timestamps as instants.
 *
 * An instant is an int64_t count of microseconds since 1970-01-01T00:00:00Z.
 * Timestamps in synced files carry offsets ("2026-02-08T17:30:00.123456-08:00")
 * and must be compared as instants, never as strings: parse both, compare the
 * integers.  Leap seconds (":60") are accepted and folded into the next
 * second, as POSIX time does.
 */
#ifndef SOV_TIMESTAMP_H
#define SOV_TIMESTAMP_H

#include <stdint.h>

#include "buf.h"

/*
 * Parse "YYYY-MM-DD[T ]hh:mm[:ss[.fraction]](Z|z|+hh:mm|-hh:mm|+hhmm|+hh)",
 * or a date alone "YYYY-MM-DD" (midnight UTC).  A timestamp without an offset
 * is taken as UTC.  Fractions beyond microseconds are truncated.  Returns 0,
 * or -1 with a message quoting the text (which need not be NUL-terminated
 * beyond `len`).
 */
int sov_time_parse(const char *text, size_t len, int64_t *out);

/* Same, for a NUL-terminated string. */
int sov_time_parse_str(const char *text, int64_t *out);

/*
 * Append the instant in UTC as "YYYY-MM-DDThh:mm:ssZ", with ".ffffff" when
 * the microseconds are not zero.
 */
void sov_time_format(int64_t instant, struct sov_buf *out);

/* The current instant (CLOCK_REALTIME). */
int64_t sov_time_now(void);

#endif
