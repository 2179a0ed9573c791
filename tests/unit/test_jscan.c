/*
 * Unit tests for src/merge/jscan.c: the scanner against jansson and json.c on
 * seeded random documents, canonical and mutated.
 */
#include "tap.h"
#include "jscan.h"
#include "buf.h"
#include "error.h"
#include "json.h"

#include <stdint.h>
#include <stdlib.h>

static uint64_t rng_state;

static unsigned rnd(unsigned n)
{
	rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (unsigned)((rng_state >> 33) % n);
}

static json_t *random_string(void)
{
	static const char *const pieces[] = {
		"a", "memory", " ", "\"", "\\", "/", "\n", "\t", "\x01", "\x1f", "\x7f",
		"\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "id", "0", "",
	};
	char buf[128];
	size_t len = 0, n = rnd(6);

	while (n--) {
		const char *p = pieces[rnd(sizeof(pieces) / sizeof(pieces[0]))];
		size_t k = strlen(p);
		if (len + k < sizeof(buf)) {
			memcpy(buf + len, p, k);
			len += k;
		}
	}
	return json_stringn(buf, len);
}

static json_t *random_value(int level, int reals)
{
	unsigned kind = rnd(level > 3 ? 5 : 8);

	switch (kind) {
	case 0: return json_null();
	case 1: return rnd(2) ? json_true() : json_false();
	case 2: {
		static const json_int_t ints[] = { 0, 1, -1, 42, 1234567890123LL, -987654321 };
		return json_integer(ints[rnd(6)]);
	}
	case 3: return reals ? json_real(rnd(2) ? 0.5 : -1e300) : json_integer(rnd(100));
	case 4: return random_string();
	case 5: case 6: {
		json_t *o = json_object();
		unsigned n = rnd(5);
		while (n--) {
			json_t *k = random_string();
			json_object_setn_new(o, json_string_value(k), json_string_length(k),
					     random_value(level + 1, reals));
			json_decref(k);
		}
		return o;
	}
	default: {
		json_t *a = json_array();
		unsigned n = rnd(5);
		while (n--)
			json_array_append_new(a, random_value(level + 1, reals));
		return a;
	}
	}
}

static void mutate(struct sov_buf *b)
{
	static const char chars[] = " \n\t,:{}[]\"\\0123456789-.eEtrufalsn/\x01\x80";
	size_t pos = b->len ? rnd((unsigned)b->len) : 0;

	switch (rnd(3)) {
	case 0: {	/* insert */
		char c = chars[rnd(sizeof(chars) - 1)];
		sov_buf_grow(b, 1);
		memmove(b->ptr + pos + 1, b->ptr + pos, b->len - pos);
		b->ptr[pos] = c;
		sov_buf_setlen(b, b->len + 1);
		break;
	}
	case 1:		/* delete */
		if (b->len)
			sov_buf_remove(b, pos, 1);
		break;
	default:	/* replace */
		if (b->len)
			b->ptr[pos] = chars[rnd(sizeof(chars) - 1)];
	}
}

static int has_real(const json_t *v)
{
	const char *k;
	json_t *x;
	size_t i;

	if (json_is_real(v))
		return 1;
	if (json_is_object(v))
		json_object_foreach((json_t *)v, k, x)
			if (has_real(x))
				return 1;
	if (json_is_array(v))
		json_array_foreach(v, i, x)
			if (has_real(x))
				return 1;
	return 0;
}

/*
 * Whether the scanner takes the whole text as one value (surrounding white
 * space allowed, as jansson does; then it is not canonical).
 */
static int scan_full(const struct sov_buf *b, int depth, int *canonical)
{
	const char *end = b->ptr + b->len;
	const char *p = sov_jscan_skip_ws(b->ptr, end);
	size_t n = sov_jscan_value(p, (size_t)(end - p), depth, canonical, NULL, 0);

	if (p != b->ptr || p + n != end)
		*canonical = 0;
	return n && sov_jscan_skip_ws(p + n, end) == end;
}

static void test_random(void)
{
	int i, bad_canon = 0, bad_len = 0, lies = 0, misses = 0, stricter = 0, mutated_canon = 0;

	rng_state = 20260208;
	for (i = 0; i < 3000; i++) {
		int reals = rnd(4) == 0, depth = (int)rnd(4), c, m;
		json_t *v = random_value(0, reals), *back;
		struct sov_buf b = SOV_BUF_INIT, again = SOV_BUF_INIT;

		sov_json_dump_at(v, depth, &b);
		if (sov_jscan_value(b.ptr, b.len, depth, &c, NULL, 0) != b.len)
			bad_len++;
		/* Canonical exactly when json.c wrote it and it holds no real. */
		if (c != !has_real(v)) {
			if (!bad_canon++)
				printf("# not canonical at depth %d: %s\n", depth, b.ptr);
		}
		json_decref(v);

		for (m = 0; m < 3; m++) {
			int full;

			mutate(&b);
			full = scan_full(&b, depth, &c);
			if (sov_json_load(&back, b.ptr, b.len, "m") == 0) {
				if (!full && !stricter++)
					printf("# scanner refuses: '%s'\n", b.ptr);
				if (full && c) {
					sov_buf_reset(&again);
					sov_json_dump_at(back, depth, &again);
					if (again.len != b.len || memcmp(again.ptr, b.ptr, b.len))
						if (!lies++)
							printf("# called canonical: '%s'\n", b.ptr);
					mutated_canon++;
				}
				json_decref(back);
			} else if (full && c) {
				misses++;
			}
		}
		sov_buf_release(&b);
		sov_buf_release(&again);
	}
	is_int(bad_len, 0, "the scanner reads json.c's output to its end");
	is_int(bad_canon, 0, "json.c's output without reals is canonical at its depth");
	is_int(lies, 0, "text the scanner calls canonical is what json.c writes (%d checked)",
	       mutated_canon);
	is_int(misses, 0, "text the scanner calls canonical is valid JSON to jansson");
	is_int(stricter, 0, "text jansson accepts is valid to the scanner");
}

/*
 * sov_jscan_relayout against jansson: other writers' layouts (compact, other
 * indents, mutated) give json.c's bytes or are refused, never other bytes.
 */
static void test_relayout(void)
{
	static const size_t flags[] = {
		JSON_COMPACT, 0, JSON_INDENT(1), JSON_INDENT(4) | JSON_COMPACT,
		JSON_COMPACT | JSON_ENSURE_ASCII, JSON_INDENT(2) | JSON_ESCAPE_SLASH,
	};
	int i, lies = 0, refused = 0, relaid = 0, mutated = 0, changed = 0, escapes = 0;

	rng_state = 20261203;
	for (i = 0; i < 3000; i++) {
		int reals = rnd(4) == 0, depth = (int)rnd(4), m;
		json_t *v = random_value(0, reals), *back;
		struct sov_buf want = SOV_BUF_INIT, got = SOV_BUF_INIT, again = SOV_BUF_INIT;
		char *text = json_dumps(v, flags[rnd(6)] | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);
		size_t len = strlen(text);

		sov_json_dump_at(v, depth, &want);
		if (sov_jscan_relayout(text, len, depth, &got) == 0) {
			relaid++;
			escapes += strstr(text, "\\u") || strstr(text, "\\/");
			if (got.len != want.len || memcmp(got.ptr, want.ptr, want.len))
				if (!lies++)
					printf("# relaid out as '%s', not '%s'\n", got.ptr, want.ptr);
		} else if (!has_real(v) && !strstr(text, "\\u") && !strstr(text, "\\/")) {
			if (!refused++)
				printf("# refused: '%s'\n", text);
		}
		json_decref(v);

		/* Mutated text: relaid out only if jansson reads it, to json.c's bytes. */
		sov_buf_reset(&got);
		sov_buf_add(&got, text, len);
		for (m = 0; m < 3; m++)
			mutate(&got);
		sov_buf_reset(&want);
		if (sov_jscan_relayout(got.ptr, got.len, depth, &want) == 0) {
			mutated++;
			if (sov_json_load(&back, got.ptr, got.len, "m") < 0) {
				sov_error_clear();
				if (!lies++)
					printf("# relaid out invalid text: '%s'\n", got.ptr);
			} else {
				sov_json_dump_at(back, depth, &again);
				if (again.len != want.len || memcmp(again.ptr, want.ptr, want.len))
					if (!lies++)
						printf("# relaid out as '%s', not '%s'\n", want.ptr,
						       again.ptr);
				json_decref(back);
			}
		} else if (want.len) {
			changed++;	/* refused yet wrote something */
		}
		free(text);
		sov_buf_release(&want);
		sov_buf_release(&got);
		sov_buf_release(&again);
	}
	ok(relaid > 1000 && mutated > 100, "layouts relaid out: %d, mutated %d", relaid, mutated);
	is_int(lies, 0, "what is relaid out is json.c's output of what jansson reads");
	is_int(refused, 0, "every value without reals or escapes is relaid out");
	ok(escapes > 150, "so are values with escapes json.c does not write (%d)", escapes);
	is_int(changed, 0, "a refused value leaves the buffer alone");
}

static void test_cases(void)
{
	struct sov_jscan_field f[3] = { { "id", { 0 } }, { "updated_at", { 0 } }, { "x", { 0 } } };
	const char *doc = "{\n  \"id\": \"m1\",\n  \"nested\": {\n    \"id\": \"inner\"\n  },\n"
			  "  \"updated_at\": null\n}";
	struct sov_jscan_iter it;
	struct sov_jscan_item item;
	int c, n = 0;

	ok(sov_jscan_value(doc, strlen(doc), 0, &c, f, 3) == strlen(doc) && c,
	   "a canonical object");
	ok(f[0].value.len == 4 && !memcmp(f[0].value.ptr, "\"m1\"", 4),
	   "captures a direct member, not a nested one");
	ok(f[1].value.len == 4 && !memcmp(f[1].value.ptr, "null", 4), "captures null");
	ok(!f[2].value.ptr, "an absent field stays absent");
	ok(sov_jscan_value(doc, strlen(doc), 1, &c, NULL, 0) && !c,
	   "the same text is not canonical one level deeper");
	ok(sov_jscan_value("{\n  \"a\": 1,\n  \"a\": 2\n}", 22, 0, &c, NULL, 0) && !c,
	   "duplicate keys are not canonical (jansson refuses them)");
	ok(sov_jscan_value("\"a\\/b\"", 6, 0, &c, NULL, 0) == 6 && !c, "\\/ is not canonical");
	{
		/* Escapes json.c would not write: only layout, decoded when laid out. */
		const char *esc = "[\"\\u00e9\\/\\ud83d\\ude00\\u001F\\u0041\\u0022\\u005c\\u000a\"]";
		struct sov_buf b = SOV_BUF_INIT;

		ok(sov_jscan_relayout(esc, strlen(esc), 0, &b) == 0 && b.ptr &&
		   !strcmp(b.ptr, "[\n  \"\xc3\xa9/\xf0\x9f\x98\x80\\u001fA\\\"\\\\\\n\"\n]"),
		   "escapes are decoded and written as json.c writes them");
		sov_buf_reset(&b);
		ok(sov_jscan_relayout("[\"\\ud83d\"]", 10, 0, &b) < 0,
		   "a lone high surrogate is left to jansson");
		ok(sov_jscan_relayout("[\"\\ude00\\ud83d\"]", 16, 0, &b) < 0,
		   "so is a low one first");
		ok(sov_jscan_relayout("{\"\\u0061\":1,\"a\":2}", 20, 0, &b) < 0,
		   "and a name with an escape (duplicates are found by bytes)");
		sov_buf_release(&b);
	}
	ok(sov_jscan_value("\"\\u00e9\"", 8, 0, &c, NULL, 0) == 8 && !c, "\\u00e9 is not canonical");
	ok(sov_jscan_value("\"\\u001f\"", 8, 0, &c, NULL, 0) == 8 && c, "\\u001f is");
	ok(sov_jscan_value("\"\xff\"", 3, 0, &c, NULL, 0) == 0, "invalid UTF-8 is invalid");
	ok(sov_jscan_value("\"\xed\xa0\x80\"", 5, 0, &c, NULL, 0) == 0, "a UTF-8 surrogate is invalid");
	ok(sov_jscan_value("-0", 2, 0, &c, NULL, 0) == 2 && !c, "-0 is not canonical");
	ok(sov_jscan_value("12345678901234567890", 20, 0, &c, NULL, 0) == 20 && !c,
	   "a 20-digit integer is left to jansson");
	ok(sov_jscan_value("[1,]", 4, 0, &c, NULL, 0) == 0, "a trailing comma is invalid");
	ok(sov_jscan_value("tru", 3, 0, &c, NULL, 0) == 0, "a cut literal is invalid");
	{
		struct sov_buf b = SOV_BUF_INIT;
		const char *compact = "{\"a\":[1,{}, [ ] ,\"x y\"],\"b\" :null}";
		const char *want = "{\n    \"a\": [\n      1,\n      {},\n      [],\n      \"x y\"\n"
				   "    ],\n    \"b\": null\n  }";

		ok(sov_jscan_relayout(compact, strlen(compact), 1, &b) == 0 && b.ptr &&
		   !strcmp(b.ptr, want), "a compact object is laid out at depth 1");
		sov_buf_reset(&b);
		ok(sov_jscan_relayout("[1.5]", 5, 0, &b) < 0 && !b.len,
		   "a real is left to jansson");
		ok(sov_jscan_relayout("{\"a\":1,\"a\":2}", 13, 0, &b) < 0,
		   "so are duplicate keys");
		ok(sov_jscan_relayout("[1] ", 4, 0, &b) < 0, "and text after the value");
		sov_buf_release(&b);
	}
	{
		const char *arr = "[{\"a\":1}, {\n    \"b\": 2\n  }, {\"c\": 1.5}]";
		struct sov_buf b = SOV_BUF_INIT;
		int lo[3] = { -1, -1, -1 }, cn[3] = { -1, -1, -1 }, k = 0;

		sov_jscan_iter_begin(&it, arr, strlen(arr), 0);
		while (k < 3 && sov_jscan_iter_next(&it, &item, NULL, 0) == 1) {
			lo[k] = item.layout_only;
			cn[k] = item.canonical;
			if (!k)
				sov_jscan_relayout_scanned(item.value.ptr, item.value.len, 1, &b);
			k++;
		}
		ok(lo[0] == 1 && cn[0] == 0 && lo[1] == 0 && cn[1] == 1 && lo[2] == 0 && cn[2] == 0,
		   "the iterator tells which items only need laying out");
		ok(b.ptr && !strcmp(b.ptr, "{\n    \"a\": 1\n  }"), "and lays one out");
		sov_buf_release(&b);
	}

	ok(sov_jscan_iter_begin(&it, "[ 1 , {\"a\":2} ]", 15, 0) == 0, "iterate an array");
	while (sov_jscan_iter_next(&it, &item, NULL, 0) == 1)
		n++;
	is_int(n, 2, "two elements");
	ok(*(sov_jscan_iter_end(&it) - 1) == ']', "ends after the bracket");
	ok(sov_jscan_iter_begin(&it, "{\"k\": [1, 2] x}", 15, 0) == 0 &&
	   sov_jscan_iter_next(&it, &item, NULL, 0) == 1 &&
	   sov_jscan_iter_next(&it, &item, NULL, 0) == -1, "garbage between members");
}

int main(void)
{
	test_cases();
	test_random();
	test_relayout();
	return done_testing();
}
