/*
 * Fuzz target: the JSON scanner (src/merge/jscan.c) and the merge engine
 * (src/merge/jmerge.c) under every policy.  The input is up to three documents
 * separated by "\n=====\n" (base, ours, theirs).  Checked:
 *   - text the scanner calls canonical is what jansson loads and json.c
 *     writes back byte for byte, and so is what it lays out again;
 *   - a merge never crashes, and when it succeeds its output is canonical
 *     JSON and the same bytes with ours and theirs swapped.
 */
#include "buf.h"
#include "jpolicy.h"
#include "jscan.h"
#include "json.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_scanner(const char *p, size_t len)
{
	struct sov_buf again = SOV_BUF_INIT;
	json_t *v;
	int c;

	/* What the scanner lays out again is what json.c writes. */
	if (sov_jscan_relayout(p, len, 1, &again) == 0) {
		struct sov_buf want = SOV_BUF_INIT;

		if (sov_json_load(&v, p, len, "fuzz") < 0)
			abort();
		sov_json_dump_at(v, 1, &want);
		if (want.len != again.len || memcmp(want.ptr, again.ptr, want.len))
			abort();
		json_decref(v);
		sov_buf_release(&want);
	}
	sov_buf_reset(&again);
	if (sov_jscan_value(p, len, 0, &c, NULL, 0) != len || !c) {
		sov_buf_release(&again);
		return;
	}
	if (sov_json_load(&v, p, len, "fuzz") < 0)
		abort();
	sov_json_dump_at(v, 0, &again);
	if (again.len != len || memcmp(again.ptr, p, len))
		abort();
	json_decref(v);
	sov_buf_release(&again);
}

static int merge(const struct sov_jpolicy *p, const char *const doc[3], const size_t len[3],
		 struct sov_buf *out)
{
	struct sov_jmerge m;
	int ret;

	sov_jmerge_init(&m, "fuzz");
	if (p->side_times)
		p->side_times(&m, doc, len);
	ret = sov_jmerge_run(&m, p->root, doc, len, out);
	sov_jmerge_release(&m);
	return ret;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char sep[] = "\n=====\n";
	const struct sov_jpolicy *policies[] = {
		&sov_jpolicy_memories, &sov_jpolicy_state, &sov_jpolicy_index,
	};
	const char *doc[3] = { NULL, NULL, NULL }, *p = (const char *)data;
	size_t len[3] = { 0, 0, 0 }, rest = size;
	int n;

	for (n = 0; n < 3; n++) {
		const char *end = memmem(p, rest, sep, sizeof(sep) - 1);
		size_t k = end ? (size_t)(end - p) : rest;

		doc[n] = p;
		len[n] = k;
		check_scanner(p, k);
		if (!end)
			break;
		p = end + sizeof(sep) - 1;
		rest -= k + sizeof(sep) - 1;
	}
	if (n < 2)
		return 0;
	for (size_t i = 0; i < sizeof(policies) / sizeof(policies[0]); i++) {
		struct sov_buf r1 = SOV_BUF_INIT, r2 = SOV_BUF_INIT;
		const char *swapped[3] = { doc[0], doc[2], doc[1] };
		size_t slen[3] = { len[0], len[2], len[1] };

		if (merge(policies[i], doc, len, &r1) == 0) {
			json_t *v;
			struct sov_buf again = SOV_BUF_INIT;

			if (merge(policies[i], swapped, slen, &r2) < 0 ||
			    r1.len != r2.len || memcmp(r1.ptr, r2.ptr, r1.len))
				abort();
			if (sov_json_load(&v, r1.ptr, r1.len, "merged") < 0)
				abort();
			sov_json_dump(v, &again);
			if (again.len != r1.len || memcmp(again.ptr, r1.ptr, r1.len))
				abort();
			json_decref(v);
			sov_buf_release(&again);
		}
		sov_buf_release(&r1);
		sov_buf_release(&r2);
	}
	return 0;
}
