/*
 * Fuzz target: JSON loading and the canonical writer (src/util/json.c).
 * Whatever loads must dump to text that loads again to an equal value and
 * dumps to the same bytes (the canonical form is a fixed point).
 */
#include "buf.h"
#include "json.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sov_buf a = SOV_BUF_INIT, b = SOV_BUF_INIT;
	json_t *v = NULL, *w = NULL;

	if (sov_json_load(&v, data, size, "fuzz") < 0)
		return 0;
	sov_json_dump(v, &a);
	if (sov_json_load(&w, a.ptr, a.len, "dumped") < 0)
		abort();
	if (!json_equal(v, w))
		abort();
	sov_json_dump(w, &b);
	if (a.len != b.len || memcmp(a.ptr, b.ptr, a.len))
		abort();
	json_decref(v);
	json_decref(w);
	sov_buf_release(&a);
	sov_buf_release(&b);
	return 0;
}
