/* Unit tests for src/util/timestamp.c. */
#include "tap.h"
#include "error.h"
#include "timestamp.h"

#include <stdint.h>

static int64_t parse(const char *s)
{
	int64_t t = 0;
	if (sov_time_parse_str(s, &t) < 0)
		return INT64_MIN;
	return t;
}

static const char *fmt(int64_t t)
{
	static struct sov_buf b = SOV_BUF_INIT;
	sov_buf_reset(&b);
	sov_time_format(t, &b);
	return b.ptr;
}

int main(void)
{
	int64_t t;

	is_int(parse("1970-01-01T00:00:00Z"), 0, "the epoch");
	is_int(parse("2026-02-08T17:30:00Z"), INT64_C(1770571800) * 1000000, "a UTC instant");
	is_int(parse("2026-02-08T17:30:00.123456-08:00"),
	       parse("2026-02-09T01:30:00.123456Z"), "-08:00 is eight hours behind UTC");
	is_int(parse("2026-02-08T17:30:00+05:30"), parse("2026-02-08T12:00:00Z"), "+05:30");
	is_int(parse("2026-02-08T17:30:00+0530"), parse("2026-02-08T12:00:00Z"), "+0530");
	is_int(parse("2026-02-08T17:30:00+05"), parse("2026-02-08T12:30:00Z"), "+05");
	is_int(parse("2026-02-08 17:30:00"), parse("2026-02-08T17:30:00Z"),
	       "space separator and no offset mean UTC");
	is_int(parse("2026-02-08T17:30:00.5Z"), parse("2026-02-08T17:30:00Z") + 500000,
	       "a short fraction");
	is_int(parse("2026-02-08T17:30:00.123456789Z"), parse("2026-02-08T17:30:00Z") + 123456,
	       "nanoseconds are truncated to microseconds");
	is_int(parse("2026-02-08"), parse("2026-02-08T00:00:00Z"), "a date alone is midnight UTC");
	is_int(parse("2024-02-29T00:00:00Z") - parse("2024-02-28T00:00:00Z"),
	       INT64_C(86400000000), "leap day exists in 2024");
	ok(parse("2023-02-29T00:00:00Z") == INT64_MIN, "no leap day in 2023");
	ok(parse("1900-02-29") == INT64_MIN, "1900 is not a leap year");
	ok(parse("2000-02-29") != INT64_MIN, "2000 is a leap year");
	is_int(parse("1969-12-31T23:59:59.5Z"), -500000, "before the epoch");

	/* The comparison the issue asks for: not string order. */
	ok(parse("2026-02-08T17:30:00-08:00") > parse("2026-02-08T20:00:00Z"),
	   "17:30-08:00 is later than 20:00Z although it sorts first as a string");

	ok(parse("") == INT64_MIN, "empty is invalid");
	ok(parse("yesterday") == INT64_MIN, "words are invalid");
	ok(strstr(sov_error_last(), "yesterday") != NULL, "the error quotes the text");
	ok(parse("2026-13-01T00:00:00Z") == INT64_MIN, "month 13 is invalid");
	ok(parse("2026-01-01T24:00:00Z") == INT64_MIN, "hour 24 is invalid");
	ok(parse("2026-01-01T00:00:00Zjunk") == INT64_MIN, "trailing junk is invalid");
	ok(parse("2026-01-01T00:00:00.Z") == INT64_MIN, "a bare decimal point is invalid");
	ok(parse("2026-01-01T00:00:00+25:00") == INT64_MIN, "offset +25:00 is invalid");
	ok(sov_time_parse("2026-01-01T00:00:00Zjunk", 20, &t) == 0 &&
	   t == parse("2026-01-01T00:00:00Z"), "parse honours the length");

	is_str(fmt(0), "1970-01-01T00:00:00Z", "format the epoch");
	is_str(fmt(parse("2026-02-08T17:30:00.123456-08:00")), "2026-02-09T01:30:00.123456Z",
	       "format converts to UTC with microseconds");
	is_str(fmt(-500000), "1969-12-31T23:59:59.500000Z", "format before the epoch");
	for (int64_t x = -INT64_C(400) * 366 * 86400 * 1000000; x < INT64_C(400) * 366 * 86400 * 1000000;
	     x += INT64_C(7777777) * 1000003) {
		if (parse(fmt(x)) != x) {
			ok(0, "format/parse round trip at %lld", (long long)x);
			break;
		}
	}
	ok(1, "format then parse round-trips over 800 years");
	ok(sov_time_now() > parse("2025-01-01T00:00:00Z"), "now is after 2025");
	return done_testing();
}
