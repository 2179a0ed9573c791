/*
 * Fuzz target: ISO-8601 timestamp parsing (src/util/timestamp.c).
 * Crash target, plus a round trip: any accepted input formats to a
 * timestamp that parses back to the same instant.
 */
#include "buf.h"
#include "timestamp.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sov_buf text = SOV_BUF_INIT;
	int64_t t, back;

	if (sov_time_parse((const char *)data, size, &t) == 0) {
		sov_time_format(t, &text);
		if (sov_time_parse(text.ptr, text.len, &back) < 0 || back != t)
			abort();
	}
	sov_buf_release(&text);
	return 0;
}
