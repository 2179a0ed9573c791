/*
 * Unit tests for src/merge/jmerge.c and the policies in src/merge/jpolicy.c: fixed
 * cases, then seeded property tests over random 3-way scenarios for
 * memories.json and state.json (no lost addition, no resurrected deletion,
 * one-sided changes kept, commutativity, idempotence, canonical output).
 * SOVSYNC_TEST_SEED picks another seed, SOVSYNC_TEST_LONG=1 runs 20x more.
 */
#include "tap.h"
#include "error.h"
#include "hash.h"
#include "jpolicy.h"
#include "json.h"
#include "timestamp.h"

#include <stdint.h>
#include <stdlib.h>

static uint64_t rng_state;

static unsigned rnd(unsigned n)
{
	rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (unsigned)((rng_state >> 33) % n);
}

/* Merge texts (NULL: absent) under a policy; NULL on failure. */
static char *merge3(const struct sov_jpolicy *p, const char *o, const char *a, const char *b)
{
	const char *doc[3] = { o, a, b };
	size_t len[3] = { o ? strlen(o) : 0, a ? strlen(a) : 0, b ? strlen(b) : 0 };
	struct sov_buf out = SOV_BUF_INIT;
	struct sov_jmerge m;
	int ret;

	sov_jmerge_init(&m, "t.json");
	if (p->side_times)
		p->side_times(&m, doc, len);
	ret = sov_jmerge_run(&m, p->root, doc, len, &out);
	sov_jmerge_release(&m);
	if (ret < 0) {
		sov_buf_release(&out);
		return NULL;
	}
	return sov_buf_detach(&out, NULL);
}

static char *dump(const json_t *v, int canonical)
{
	struct sov_buf b = SOV_BUF_INIT;

	if (!canonical)
		return json_dumps(v, JSON_COMPACT);
	sov_json_dump(v, &b);
	return sov_buf_detach(&b, NULL);
}

static json_t *parse(const char *text)
{
	json_t *v = NULL;

	if (text && sov_json_load(&v, text, strlen(text), "t") < 0)
		return NULL;
	return v;
}

static int is_canonical(const char *text)
{
	json_t *v = parse(text);
	char *again;
	int ret;

	if (!v)
		return 0;
	again = dump(v, 1);
	ret = !strcmp(again, text);
	free(again);
	json_decref(v);
	return ret;
}

/* ---- fixed cases ------------------------------------------------------ */

static const char *mem(const char *id, const char *text, const char *created,
		       const char *updated)
{
	static char buf[8][512];
	static int n;
	char hex[33];
	char *b = buf[n++ % 8];

	sov_md5_hex(text, strlen(text), hex);
	snprintf(b, 512, "{\"id\":\"%s\",\"memory\":\"%s\",\"hash\":\"%s\",\"created_at\":\"%s\","
		 "\"updated_at\":%s%s%s,\"user_id\":\"alex\"}", id, text, hex, created,
		 updated ? "\"" : "", updated ? updated : "null", updated ? "\"" : "");
	return b;
}

static char *wrap(const char *a, const char *b, const char *c)
{
	struct sov_buf buf = SOV_BUF_INIT;

	sov_buf_addf(&buf, "{\"results\":[%s%s%s%s%s]}", a ? a : "", a && b ? "," : "",
		     b ? b : "", (a || b) && c ? "," : "", c ? c : "");
	return sov_buf_detach(&buf, NULL);
}

/* The memory texts of a merged memories.json, in order, joined by '|'. */
static char *texts(const char *merged)
{
	struct sov_buf b = SOV_BUF_INIT;
	json_t *v = parse(merged), *arr, *m;
	size_t i;

	if (!v)
		return sov_strdup("(invalid)");
	arr = json_is_array(v) ? v : json_object_get(v, "results");
	json_array_foreach(arr, i, m) {
		if (i)
			sov_buf_addch(&b, '|');
		sov_buf_addstr(&b, json_string_value(json_object_get(m, "memory")));
	}
	json_decref(v);
	return sov_buf_detach(&b, NULL);
}

static void check_memories(const char *o, const char *a, const char *b, const char *want,
			   const char *what)
{
	char *r = merge3(&sov_jpolicy_memories, o, a, b);
	char *r2 = merge3(&sov_jpolicy_memories, o, b, a);
	char *t = texts(r);

	is_str(t, want, "%s", what);
	ok(r && r2 && !strcmp(r, r2), "%s: the same bytes either way round", what);
	free(r);
	free(r2);
	free(t);
}

static void test_memories_cases(void)
{
	const char *T0 = "2026-02-08T17:30:00.123456-08:00";
	char *o, *a, *b, *r;

	o = wrap(mem("m1", "Name is Alex", T0, NULL), mem("m2", "Likes tea", T0, NULL), NULL);
	a = wrap(mem("m1", "Name is Alex", T0, NULL), mem("m2", "Likes tea", T0, NULL),
		 mem("a1", "Has a cat", "2026-02-09T00:00:00Z", NULL));
	b = wrap(mem("m1", "Name is Alex", T0, NULL), mem("m2", "Likes tea", T0, NULL),
		 mem("b1", "Runs", "2026-02-08T00:00:00Z", NULL));
	check_memories(o, a, b, "Name is Alex|Likes tea|Runs|Has a cat",
		       "concurrent additions: both kept, new ones by created_at");
	free(a);
	free(b);

	/* 18:00-08:00 is 02:00Z next day: later than 01:30Z, though "1" < "2". */
	a = wrap(mem("m1", "Name is Alex", T0, NULL),
		 mem("m2", "Likes green tea", T0, "2026-02-09T18:00:00-08:00"), NULL);
	b = wrap(mem("m1", "Name is Alex", T0, NULL),
		 mem("m2", "Likes black tea", T0, "2026-02-10T01:30:00Z"), NULL);
	check_memories(o, a, b, "Name is Alex|Likes green tea",
		       "both edited: the later updated_at as an instant wins");
	free(a);
	free(b);

	a = wrap(mem("m1", "Name is Alex", T0, NULL), NULL, NULL);
	b = wrap(mem("m1", "Name is Alex", T0, NULL), mem("m2", "Likes tea", T0, NULL),
		 mem("b1", "Runs", T0, NULL));
	check_memories(o, a, b, "Name is Alex|Runs", "deleted on one side, unchanged: stays deleted");
	free(a);
	free(b);

	a = wrap(mem("m1", "Name is Alex", T0, NULL), NULL, NULL);
	b = wrap(mem("m1", "Name is Alex", T0, NULL),
		 mem("m2", "Likes coffee", T0, "2026-02-09T00:00:00Z"), NULL);
	check_memories(o, a, b, "Name is Alex|Likes coffee", "deleted vs edited: the edit is kept");
	free(a);
	free(b);

	a = wrap(mem("m1", "Name is Alex", T0, NULL), mem("m2", "Likes tea", T0, NULL),
		 mem("zz", "Has a cat", "2026-02-09T00:00:00Z", NULL));
	b = wrap(mem("m1", "Name is Alex", T0, NULL), mem("m2", "Likes tea", T0, NULL),
		 mem("yy", "Has a cat", "2026-02-09T00:00:00Z", NULL));
	check_memories(o, a, b, "Name is Alex|Likes tea|Has a cat",
		       "the same memory added under two ids is kept once");
	r = merge3(&sov_jpolicy_memories, o, a, b);
	ok(r && strstr(r, "\"yy\"") && !strstr(r, "\"zz\""), "the smallest id survives");
	free(r);
	free(a);
	free(b);

	/*
	 * A duplicate in the base, deduplicated differently by each side:
	 * each deletion alone is one-sided, but the text both kept stays,
	 * once: the earliest created_at (m2 here), then the smallest id.
	 */
	free(o);
	o = wrap(mem("m0", "Name is Alex", T0, NULL),
		 mem("m1", "Likes tea", "2026-02-08T12:00:00Z", NULL),
		 mem("m2", "Likes tea", "2026-02-08T11:00:00Z", NULL));
	a = wrap(mem("m0", "Name is Alex", T0, NULL),
		 mem("m2", "Likes tea", "2026-02-08T11:00:00Z", NULL), NULL);
	b = wrap(mem("m0", "Name is Alex", T0, NULL),
		 mem("m1", "Likes tea", "2026-02-08T12:00:00Z", NULL), NULL);
	check_memories(o, a, b, "Name is Alex|Likes tea",
		       "a base duplicate deduplicated differently on each side: kept once");
	r = merge3(&sov_jpolicy_memories, o, a, b);
	ok(r && strstr(r, "\"m2\"") && !strstr(r, "\"m1\""), "the earliest created_at stays");
	free(r);
	free(b);
	/* One side deleted the text itself: an ordinary deletion. */
	b = wrap(mem("m0", "Name is Alex", T0, NULL), NULL, NULL);
	check_memories(o, a, b, "Name is Alex", "a side that deleted every copy deletes the text");
	free(a);
	free(b);
	free(o);
	/* Three copies, each side deletes a different two; same created_at: smallest id. */
	o = wrap(mem("m1", "Likes tea", T0, NULL), mem("m2", "Likes tea", T0, NULL),
		 mem("m3", "Likes tea", T0, NULL));
	a = wrap(mem("m3", "Likes tea", T0, NULL), NULL, NULL);
	b = wrap(mem("m2", "Likes tea", T0, NULL), NULL, NULL);
	check_memories(o, a, b, "Likes tea", "three copies, each side keeps another one: kept once");
	r = merge3(&sov_jpolicy_memories, o, a, b);
	ok(r && strstr(r, "\"m2\"") && !strstr(r, "\"m3\""),
	   "of the copies a side kept, the smallest id stays");
	free(r);
	free(a);
	free(b);
	free(o);
	o = wrap(mem("m1", "Name is Alex", T0, NULL), mem("m2", "Likes tea", T0, NULL), NULL);

	a = wrap(mem("m1", "Name is Alex", T0, NULL), mem("m2", "Likes tea", T0, NULL),
		 mem("a1", "Has a cat", "2026-02-09T00:00:00Z", NULL));
	/* T0 is 01:30Z on the 9th, after "Has a cat". */
	check_memories(NULL, a, o, "Has a cat|Name is Alex|Likes tea",
		       "no base: a two-way union, by created_at");
	check_memories("", a, o, "Has a cat|Name is Alex|Likes tea", "an empty base too");
	r = merge3(&sov_jpolicy_memories, "<<<<<<< x\n", a, o);
	ok(!r, "a base that is not JSON is an error for the engine (the driver retries 2-way)");
	free(a);

	a = sov_strdup("[{\"id\":\"m1\",\"memory\":\"x\"},{\"id\":\"n\",\"memory\":\"y\"}]");
	b = sov_strdup("[{\"id\":\"m1\",\"memory\":\"x\"},{\"id\":\"p\",\"memory\":\"z\"}]");
	r = merge3(&sov_jpolicy_memories, "[{\"id\":\"m1\",\"memory\":\"x\"}]", a, b);
	ok(r && r[0] == '[' && strstr(r, "\"n\"") && strstr(r, "\"p\""),
	   "bare arrays stay a bare array");
	free(r);
	r = merge3(&sov_jpolicy_memories, "[{\"id\":\"m1\",\"memory\":\"x\"}]", a, o);
	ok(r && is_canonical(r) && strstr(r, "\"results\": [") && strstr(r, "\"n\""),
	   "mixed shapes give the results wrapper");
	free(r);
	free(b);

	b = sov_strdup("{\"results\":[{\"id\":\"m1\",\"memory\":\"x\"}], \"other\": [1]}");
	r = merge3(&sov_jpolicy_memories, "{\"results\":[{\"id\":\"m1\",\"memory\":\"x\"}]}",
		   "{\"results\":[{\"id\":\"m1\",\"memory\":\"x\"},{\"id\":\"q\",\"memory\":\"w\",\"odd\":[1.5]}]}",
		   b);
	ok(r && strstr(r, "\"other\": [\n    1\n  ]") && strstr(r, "\"odd\": [\n        1.5"),
	   "other wrapper keys and unknown fields are kept");
	free(r);
	free(b);

	r = merge3(&sov_jpolicy_memories, o, a, "{\"results\": [\n  {\"id\": 1,}\n]}");
	ok(!r && strstr(sov_error_last(), "t.json: theirs: invalid JSON at line 2"),
	   "invalid JSON names the side and the line: %s", sov_error_last());
	r = merge3(&sov_jpolicy_memories, o, "{\"results\": [{\"memory\": \"no id\"}]}", a);
	ok(!r && strstr(sov_error_last(), "t.json: ours: memory 0 has no string \"id\""),
	   "a memory without id is a shape error: %s", sov_error_last());
	free(a);
	free(o);
}

static void test_state_cases(void)
{
	const char *o =
		"{\"version\":1,\"last_sync\":{\"local_to_remote\":\"2026-02-08T10:00:00Z\","
		"\"remote_to_local\":null},\"files\":{\"a\":{\"hash\":\"sha256:1\","
		"\"last_modified\":\"2026-02-08T10:00:00Z\"},\"b\":{\"hash\":\"sha256:2\","
		"\"last_modified\":\"2026-02-08T10:00:00Z\"}},\"pending_conflicts\":[{\"path\":\"d1\"}],"
		"\"sync_health\":{\"status\":\"healthy\",\"consecutive_failures\":0},\"note\":\"o\"}";
	const char *a =
		"{\"version\":2,\"last_sync\":{\"local_to_remote\":\"2026-02-08T12:00:00+01:00\","
		"\"remote_to_local\":null},\"files\":{\"a\":{\"hash\":\"sha256:1a\","
		"\"last_modified\":\"2026-02-08T12:30:00+01:00\"},\"b\":{\"hash\":\"sha256:2\","
		"\"last_modified\":\"2026-02-08T10:00:00Z\"},\"c\":{\"hash\":\"sha256:3\"}},"
		"\"pending_conflicts\":[],"
		"\"sync_health\":{\"status\":\"failing\",\"consecutive_failures\":3},\"note\":\"a\"}";
	const char *b =
		"{\"version\":1,\"last_sync\":{\"local_to_remote\":\"2026-02-08T10:00:00Z\","
		"\"remote_to_local\":\"2026-02-08T11:45:00Z\"},\"files\":{\"a\":{\"hash\":\"sha256:1b\","
		"\"last_modified\":\"2026-02-08T11:40:00Z\"}},"
		"\"pending_conflicts\":[{\"path\":\"d1\"},{\"path\":\"d2\"}],"
		"\"sync_health\":{\"status\":\"healthy\",\"consecutive_failures\":0},\"note\":\"b\"}";
	char *r = merge3(&sov_jpolicy_state, o, a, b), *r2 = merge3(&sov_jpolicy_state, o, b, a);
	json_t *v = parse(r);

	ok(r && r2 && !strcmp(r, r2), "state: the same bytes either way round");
	ok(v && json_integer_value(json_object_get(v, "version")) == 2, "the higher version");
	is_str(json_string_value(json_object_get(json_object_get(v, "last_sync"), "local_to_remote")),
	       "2026-02-08T12:00:00+01:00", "the later local_to_remote (as it was written)");
	is_str(json_string_value(json_object_get(json_object_get(v, "last_sync"), "remote_to_local")),
	       "2026-02-08T11:45:00Z", "the later remote_to_local (null is never)");
	/* a: ours 11:30Z vs theirs 11:40Z. */
	is_str(json_string_value(json_object_get(json_object_get(json_object_get(v, "files"), "a"), "hash")),
	       "sha256:1b", "a file changed on both sides: the later last_modified");
	ok(!json_object_get(json_object_get(v, "files"), "b"),
	   "a file deleted on one side and unchanged on the other stays deleted");
	ok(json_object_get(json_object_get(v, "files"), "c") != NULL, "an added file is kept");
	is_int(json_array_size(json_object_get(v, "pending_conflicts")), 1,
	       "a resolved conflict stays resolved, a new one is added");
	is_str(json_string_value(json_object_get(json_object_get(json_object_get(v, "pending_conflicts"), "0") ? NULL :
		json_array_get(json_object_get(v, "pending_conflicts"), 0), "path")), "d2", "the new conflict");
	/* Ours synced last: 12:00+01:00 = 11:00Z < theirs 11:45Z. */
	is_str(json_string_value(json_object_get(json_object_get(v, "sync_health"), "status")),
	       "healthy", "sync_health from the side that synced last");
	is_str(json_string_value(json_object_get(v, "note")), "b",
	       "another key changed on both: the side that synced last");
	json_decref(v);
	free(r);
	free(r2);
}

static void test_index_cases(void)
{
	const char *o = "{\"id\":\"c1\",\"title\":\"T\",\"updated_at\":\"2026-02-08T10:00:00Z\","
			"\"messages\":[{\"id\":\"1\",\"role\":\"user\",\"content\":\"hi\","
			"\"timestamp\":\"2026-02-08T10:00:00Z\"}]}";
	const char *a = "{\"id\":\"c1\",\"title\":\"Ta\",\"updated_at\":\"2026-02-08T10:05:00Z\","
			"\"messages\":[{\"id\":\"1\",\"role\":\"user\",\"content\":\"hi\","
			"\"timestamp\":\"2026-02-08T10:00:00Z\"},{\"id\":\"2\",\"role\":\"assistant\","
			"\"content\":\"hello\",\"timestamp\":\"2026-02-08T10:04:00Z\"}]}";
	const char *b = "{\"id\":\"c1\",\"title\":\"Tb\",\"updated_at\":\"2026-02-08T11:05:00+02:00\","
			"\"messages\":[{\"id\":\"1\",\"role\":\"user\",\"content\":\"hi\","
			"\"timestamp\":\"2026-02-08T10:00:00Z\"},{\"role\":\"user\",\"content\":\"web\","
			"\"timestamp\":\"2026-02-08T10:02:00Z\"}]}";
	char *r = merge3(&sov_jpolicy_index, o, a, b), *r2 = merge3(&sov_jpolicy_index, o, b, a);
	json_t *v = parse(r), *msgs = json_object_get(v, "messages");

	ok(r && r2 && !strcmp(r, r2), "conversation: the same bytes either way round");
	is_int(json_array_size(msgs), 3, "messages of both sides kept");
	is_str(json_string_value(json_object_get(json_array_get(msgs, 1), "content")), "web",
	       "ordered by timestamp");
	is_str(json_string_value(json_object_get(v, "title")), "Ta",
	       "other keys: the side with the later updated_at (10:05Z > 09:05Z)");
	json_decref(v);
	free(r);
	free(r2);

	r = merge3(&sov_jpolicy_index,
		   "{\"documents\":[{\"id\":\"d1\",\"title\":\"x\"},{\"path\":\"p\",\"title\":\"y\"}]}",
		   "{\"documents\":[{\"id\":\"d1\",\"title\":\"x2\",\"updated_at\":\"2026-01-01T00:00:00Z\"},"
		   "{\"path\":\"p\",\"title\":\"y\"},{\"id\":\"d3\"}]}",
		   "{\"documents\":[{\"id\":\"d1\",\"title\":\"x3\",\"updated_at\":\"2026-01-02T00:00:00Z\"},"
		   "{\"id\":\"d4\"}]}");
	v = parse(r);
	msgs = json_object_get(v, "documents");
	is_int(json_array_size(msgs), 3, "registry: path entry deleted, two added");
	is_str(json_string_value(json_object_get(json_array_get(msgs, 0), "title")), "x3",
	       "registry: newest edit wins");
	json_decref(v);
	free(r);
	r = merge3(&sov_jpolicy_index,
		   "{\"version\":1,\"users\":{\"alex\":{\"count\":1}}}",
		   "{\"version\":1,\"users\":{\"alex\":{\"count\":2}}}",
		   "{\"version\":1,\"users\":{\"alex\":{\"count\":1},\"sam\":{\"count\":5}}}");
	ok(r && strstr(r, "\"count\": 2") && strstr(r, "\"sam\""),
	   "manifest: users merged by name");
	free(r);

	r = merge3(&sov_jpolicy_index, "[{\"id\":\"d1\"}]", "[{\"id\":\"d1\"},{\"id\":\"d2\"}]",
		   "[{\"id\":\"d1\"},{\"id\":\"d3\"}]");
	ok(r && r[0] == '[' && strstr(r, "d2") && strstr(r, "d3"),
	   "a registry as a bare array merges by entry");
	free(r);

	r = merge3(&sov_jpolicy_index, NULL,
		   "{\"messages\":[{\"role\":\"user\",\"content\":\"ok\"},"
		   "{\"role\":\"user\",\"content\":\"ok\"},{\"role\":\"user\",\"content\":\"ok\","
		   "\"extra\":1}]}",
		   "{\"messages\":[{\"role\":\"user\",\"content\":\"ok\"}]}");
	v = parse(r);
	is_int(json_array_size(json_object_get(v, "messages")), 3,
	       "messages without id, no base: ours' sequence, repeats kept, theirs' common one once");
	json_decref(v);
	free(r);

	r = merge3(&sov_jpolicy_memories, NULL,
		   "[{\"id\":\"m1\",\"memory\":\"x\"},{\"id\":\"m1\",\"memory\":\"y\"}]",
		   "[{\"id\":\"m1\",\"memory\":\"x\"}]");
	ok(!r && strstr(sov_error_last(), "t.json: ours: the document: memory 0 and memory 1 have the same key \"m1\""),
	   "two different memories with one id: an error (%s)", sov_error_last());
	r = merge3(&sov_jpolicy_memories, NULL,
		   "[{\"id\":\"m1\",\"memory\":\"x\"},{\"id\":\"m1\",\"memory\":\"x\"}]",
		   "[{\"id\":\"m2\",\"memory\":\"x2\"}]");
	ok(!r && strstr(sov_error_last(), "have the same key \"m1\" (the same text)"),
	   "the same memory twice in one side: refused, not silently dropped (%s)",
	   sov_error_last());
	{
		/* One side edits the only message and appends past the limit. */
		struct sov_buf ours = SOV_BUF_INIT;

		sov_buf_addstr(&ours, "{\"messages\":[{\"content\":\"y\"}");
		for (int i = 0; i < 4003; i++)
			sov_buf_addf(&ours, ",{\"content\":\"n%d\"}", i);
		sov_buf_addstr(&ours, "]}");
		r = merge3(&sov_jpolicy_index, "{\"messages\":[{\"content\":\"x\"}]}", ours.ptr,
			   "{\"messages\":[{\"content\":\"x\"},{\"content\":\"z\"}]}");
		ok(!r && strstr(sov_error_last(), "more than 4000 changes"),
		   "a sequence changed past the limit far off the diagonal: refused (%s)",
		   sov_error_last());
		sov_buf_release(&ours);
	}
	r = merge3(&sov_jpolicy_index, "{\"tags\":[\"a\"],\"n\":1}", "{\"tags\":null,\"n\":2}",
		   "{\"tags\":null,\"n\":1}");
	ok(r && strstr(r, "\"tags\": null") && strstr(r, "\"n\": 2"),
	   "a list both sides set to the same scalar: merged (%s)", r ? r : sov_error_last());
	free(r);
	r = merge3(&sov_jpolicy_memories, NULL,
		   "{\"results\":[],\"relations\":[\n  {\"source\": \"alex\",\n"
		   "   \"relationship\": \"likes\", \"target\": \"tea\"},\n"
		   "  {\"source\": \"alex\",\n   \"relationship\": \"likes\", \"target\": \"tea\"}]}",
		   "{\"results\":[],\"relations\":[]}");
	ok(!r && sov_error_last() && !strchr(sov_error_last(), '\n') &&
	   strstr(sov_error_last(), "the same key \"{ \"source\": \"alex\", \"relationship\""),
	   "a relation twice: refused, its key shown on one line (%s)", sov_error_last());
}

/* ---- property tests --------------------------------------------------- */

/* Free one random scenario: its texts and its base, ours and theirs. */
static void release_case(char **texts, size_t n, json_t **docs)
{
	while (n--)
		free(texts[n]);
	for (int i = 0; i < 3; i++)
		json_decref(docs[i]);
}

static const char *const vocab[] = {
	"Name is Alex", "Likes tea", "Lives in Paris", "Has a cat", "Runs marathons",
	"Allergic to nuts", "Works at ACME", "Caf\xc3\xa9 au lait", "Says \"hi\"",
};

static void random_instant(char *buf, size_t n)
{
	static const char *const offs[] = { "Z", "+00:00", "-08:00", "-07:00", "+05:30" };

	snprintf(buf, n, "2026-02-%02uT%02u:%02u:00.%06u%s", 1 + rnd(9), rnd(24), rnd(3) * 20,
		 rnd(2) ? 0 : rnd(1000000), offs[rnd(5)]);
}

static json_t *random_memory(const char *id)
{
	const char *text = vocab[rnd(sizeof(vocab) / sizeof(vocab[0]))];
	char hex[33], t[64];
	json_t *m = json_object();

	json_object_set_new(m, "id", json_string(id));
	json_object_set_new(m, "memory", json_string(text));
	if (rnd(4)) {
		sov_md5_hex(text, strlen(text), hex);
		json_object_set_new(m, "hash", json_string(hex));
	}
	json_object_set_new(m, "metadata", rnd(2) ? json_null() : json_pack("{si}", "n", (int)rnd(9)));
	random_instant(t, sizeof(t));
	json_object_set_new(m, "created_at", json_string(t));
	json_object_set_new(m, "updated_at", json_null());
	json_object_set_new(m, "user_id", json_string(rnd(3) ? "alex" : "sam"));
	return m;
}

static void edit_memory(json_t *m)
{
	const char *text = vocab[rnd(sizeof(vocab) / sizeof(vocab[0]))];
	char hex[33], t[64];

	json_object_set_new(m, "memory", json_string(text));
	sov_md5_hex(text, strlen(text), hex);
	json_object_set_new(m, "hash", json_string(hex));
	random_instant(t, sizeof(t));
	json_object_set_new(m, "updated_at", rnd(5) ? json_string(t) : json_null());
}

static json_t *find_id(json_t *arr, const char *id)
{
	size_t i;
	json_t *m;

	json_array_foreach(arr, i, m)
		if (!strcmp(json_string_value(json_object_get(m, "id")), id))
			return m;
	return NULL;
}

/* Same text in the same scope: the dedup rule's notion of one memory. */
static int same_memory(json_t *x, json_t *y)
{
	return json_equal(json_object_get(x, "memory"), json_object_get(y, "memory")) &&
	       json_equal(json_object_get(x, "user_id"), json_object_get(y, "user_id"));
}

static int has_same_memory(json_t *arr, json_t *m)
{
	size_t i;
	json_t *x;

	json_array_foreach(arr, i, x)
		if (same_memory(x, m))
			return 1;
	return 0;
}

static size_t count_same_memory(json_t *arr, json_t *m)
{
	size_t i, n = 0;
	json_t *x;

	json_array_foreach(arr, i, x)
		n += same_memory(x, m);
	return n;
}

/*
 * Whether a side holds m's text in a memory it left as in the base, and
 * edited no base memory with that text: then the side kept the text and
 * only deleted copies of it, if any.
 */
static int kept_text(json_t *side, json_t *base, json_t *m)
{
	size_t i;
	json_t *x, *y;
	int held = 0;

	json_array_foreach(base, i, x) {
		if (!same_memory(x, m))
			continue;
		y = find_id(side, json_string_value(json_object_get(x, "id")));
		if (y && !json_equal(x, y))
			return 0;
		held |= y != NULL;
	}
	return held;
}

static json_t *derive(json_t *base, const char *side, int *next)
{
	json_t *arr = json_object_get(base, "results"), *out = json_array(), *m;
	size_t i;
	unsigned n;

	json_array_foreach(arr, i, m) {
		unsigned r = rnd(10);
		if (r < 2)
			continue;			/* deleted */
		m = json_deep_copy(m);
		if (r < 4)
			edit_memory(m);
		json_array_append_new(out, m);
	}
	for (n = rnd(4); n; n--) {
		char id[32];
		/* Sometimes the id the other side also adds (add/add). */
		if (rnd(4) == 0)
			snprintf(id, sizeof(id), "both-%u", rnd(2));
		else
			snprintf(id, sizeof(id), "%s-%d", side, (*next)++);
		if (!find_id(out, id))
			json_array_append_new(out, random_memory(id));
	}
	return json_pack("{so}", "results", out);
}

static void test_memories_property(int rounds)
{
	int i, fails[9] = { 0 };
	static const char *const names[] = {
		"output is canonical JSON", "commutative (byte-equal)", "idempotent: merge(O,R,R) == R",
		"no lost addition", "no resurrected deletion (but the one copy of a text both kept)",
		"one-sided edits kept", "both-sided edits: the later instant", "merges without error",
		"a text both sides kept (deleting only copies) is not lost",
	};

	for (i = 0; i < rounds; i++) {
		json_t *o = json_object(), *arr = json_array(), *a, *b, *res, *ra, *rb, *ro, *m, *x;
		char *to, *ta, *tb, *r, *r2, *r3;
		int next = 0, n = (int)rnd(8);
		size_t k;

		for (int j = 0; j < n; j++) {
			char id[16];
			snprintf(id, sizeof(id), "m%d", j);
			json_array_append_new(arr, random_memory(id));
		}
		json_object_set_new(o, "results", arr);
		a = derive(o, "a", &next);
		b = derive(o, "b", &next);
		to = rnd(5) ? dump(o, 1) : sov_strdup("");
		ta = dump(a, rnd(3) != 0);
		tb = dump(b, rnd(3) != 0);

		r = merge3(&sov_jpolicy_memories, to, ta, tb);
		r2 = merge3(&sov_jpolicy_memories, to, tb, ta);
		if (!r || !r2) {
			if (!fails[7]++)
				printf("# error: %s\n", sov_error_last());
			goto next;
		}
		r3 = merge3(&sov_jpolicy_memories, to, r, r);
		if (!is_canonical(r))
			fails[0]++;
		if (strcmp(r, r2) && !fails[1]++)
			printf("# O=%s\n# A=%s\n# B=%s\n# R=%s\n# R2=%s\n", to, ta, tb, r, r2);
		if (!r3 || strcmp(r, r3))
			fails[2]++;
		free(r3);

		res = json_object_get(x = parse(r), "results");
		ro = json_object_get(o, "results");
		if (!*to)
			ro = json_array();
		else
			json_incref(ro);
		ra = json_object_get(a, "results");
		rb = json_object_get(b, "results");
		for (int side = 0; side < 2; side++) {
			json_t *mine = side ? rb : ra, *other = side ? ra : rb;

			json_array_foreach(mine, k, m) {
				const char *id = json_string_value(json_object_get(m, "id"));
				json_t *base = find_id(ro, id), *got = find_id(res, id);
				json_t *theirs = find_id(other, id);

				/*
				 * Kept: by id, or as the same memory under another id,
				 * or (added on both sides) as the other side's version.
				 */
				if (!base && !got && !has_same_memory(res, m) &&
				    !(theirs && has_same_memory(res, theirs)) && !fails[3]++)
					printf("# lost %s\n# O=%s\n# A=%s\n# B=%s\n# R=%s\n", id, to, ta, tb, r);
				if (base && !json_equal(m, base) && theirs && json_equal(theirs, base) &&
				    !(got ? json_equal(got, m) : has_same_memory(res, m)))
					fails[5]++;
				if (!json_equal(m, theirs ? theirs : m) && theirs &&
				    (!base || (!json_equal(m, base) && !json_equal(theirs, base))) && got) {
					/* Both changed: the later updated_at, else created_at. */
					int64_t tm = SOV_JMERGE_NO_TIME, tt = SOV_JMERGE_NO_TIME;
					const char *s;

					if ((s = json_string_value(json_object_get(m, "updated_at"))) ||
					    (s = json_string_value(json_object_get(m, "created_at"))))
						sov_time_parse_str(s, &tm);
					if ((s = json_string_value(json_object_get(theirs, "updated_at"))) ||
					    (s = json_string_value(json_object_get(theirs, "created_at"))))
						sov_time_parse_str(s, &tt);
					if (tm > tt && !json_equal(got, m))
						fails[6]++;
				}
			}
			json_array_foreach(ro, k, m) {
				const char *id = json_string_value(json_object_get(m, "id"));
				json_t *theirs = find_id(other, id);

				/*
				 * Deleted on one side, unchanged on the other: gone,
				 * unless it is the one copy of a text both sides kept.
				 */
				if (!find_id(mine, id) && theirs && json_equal(theirs, m) &&
				    find_id(res, id) &&
				    !(has_same_memory(mine, m) && count_same_memory(res, m) == 1) &&
				    !fails[4]++)
					printf("# resurrected %s\n# O=%s\n# A=%s\n# B=%s\n# R=%s\n", id,
					       to, ta, tb, r);
				if (kept_text(mine, ro, m) && kept_text(other, ro, m) &&
				    !has_same_memory(res, m) && !fails[8]++)
					printf("# text of %s lost\n# O=%s\n# A=%s\n# B=%s\n# R=%s\n", id,
					       to, ta, tb, r);
			}
		}
		json_decref(ro);
		json_decref(x);
next:
		release_case((char *[]){ r, r2, to, ta, tb }, 5, (json_t *[]){ o, a, b });
	}
	for (i = 0; i < 9; i++)
		is_int(fails[i], 0, "memories, %d random merges: %s", rounds, names[i]);
}

static json_t *random_state(void)
{
	char t[64];
	json_t *s = json_object(), *files = json_object(), *pc = json_array();

	json_object_set_new(s, "version", json_integer(1 + rnd(2)));
	random_instant(t, sizeof(t));
	json_object_set_new(s, "last_sync", json_pack("{ssso}", "local_to_remote", t,
						       "remote_to_local", json_null()));
	for (unsigned i = 0; i < 4; i++) {
		char path[16];
		if (!rnd(3))
			continue;
		snprintf(path, sizeof(path), "f%u", i);
		random_instant(t, sizeof(t));
		json_object_set_new(files, path, json_pack("{sssiss}", "hash", "sha256:0", "size",
							   (int)rnd(100), "last_modified", t));
	}
	json_object_set_new(s, "files", files);
	for (unsigned i = 0; i < 3; i++)
		if (rnd(2))
			json_array_append_new(pc, json_pack("{ss}", "path", i ? (i == 1 ? "d1" : "d2") : "d0"));
	json_object_set_new(s, "pending_conflicts", pc);
	json_object_set_new(s, "sync_health", json_pack("{ss}", "status", "healthy"));
	return s;
}

static json_t *derive_state(json_t *o)
{
	json_t *s = json_deep_copy(o), *files = json_object_get(s, "files"), *pc, *v;
	const char *k;
	void *tmp;
	char t[64];

	if (rnd(2)) {
		random_instant(t, sizeof(t));
		json_object_set_new(json_object_get(s, "last_sync"), rnd(2) ? "local_to_remote" :
				    "remote_to_local", json_string(t));
	}
	if (!rnd(3))
		json_object_set_new(s, "version", json_integer(1 + rnd(3)));
	json_object_foreach_safe(files, tmp, k, v) {
		unsigned r = rnd(6);
		if (r == 0) {
			json_object_del(files, k);
		} else if (r == 1) {
			random_instant(t, sizeof(t));
			json_object_set_new(v, "hash", json_string(rnd(2) ? "sha256:1" : "sha256:2"));
			json_object_set_new(v, "last_modified", json_string(t));
		}
	}
	if (!rnd(3)) {
		random_instant(t, sizeof(t));
		json_object_set_new(files, rnd(2) ? "new1" : "new2",
				    json_pack("{ss}", "last_modified", t));
	}
	pc = json_object_get(s, "pending_conflicts");
	if (json_array_size(pc) && rnd(2))
		json_array_remove(pc, rnd((unsigned)json_array_size(pc)));
	if (!rnd(3))
		json_array_append_new(pc, json_pack("{ss}", "path", rnd(2) ? "d5" : "d6"));
	if (!rnd(3))
		json_object_set_new(s, "sync_health", json_pack("{ss}", "status", "degraded"));
	return s;
}

static int64_t instant_of(json_t *s)
{
	int64_t t = SOV_JMERGE_NO_TIME;

	if (s && json_is_string(s))
		sov_time_parse_str(json_string_value(s), &t);
	return t;
}

static int has_path(json_t *pc, const char *path)
{
	size_t i;
	json_t *e;

	json_array_foreach(pc, i, e)
		if (!strcmp(json_string_value(json_object_get(e, "path")), path))
			return 1;
	return 0;
}

static void test_state_property(int rounds)
{
	int i, fails[7] = { 0 };
	static const char *const names[] = {
		"output is canonical JSON", "commutative (byte-equal)", "idempotent",
		"last_sync is the later instant", "version is the higher",
		"files: one-sided changes and deletions kept, none resurrected",
		"pending_conflicts: additions kept, resolutions kept",
	};

	for (i = 0; i < rounds; i++) {
		json_t *o = random_state(), *a = derive_state(o), *b = derive_state(o), *x;
		char *to = dump(o, 1), *ta = dump(a, rnd(3) != 0), *tb = dump(b, rnd(3) != 0);
		char *r = merge3(&sov_jpolicy_state, to, ta, tb);
		char *r2 = merge3(&sov_jpolicy_state, to, tb, ta), *r3 = NULL;
		const char *k;
		json_t *v;
		size_t n;

		if (!r || !r2 || !(x = parse(r))) {
			fails[0]++;
			goto next;
		}
		r3 = merge3(&sov_jpolicy_state, to, r, r);
		fails[0] += !is_canonical(r);
		fails[1] += !!strcmp(r, r2);
		fails[2] += !r3 || strcmp(r, r3);
		for (int d = 0; d < 2; d++) {
			const char *dir = d ? "remote_to_local" : "local_to_remote";
			int64_t ta_ = instant_of(json_object_get(json_object_get(a, "last_sync"), dir));
			int64_t tb_ = instant_of(json_object_get(json_object_get(b, "last_sync"), dir));
			int64_t tr = instant_of(json_object_get(json_object_get(x, "last_sync"), dir));
			fails[3] += tr != (ta_ > tb_ ? ta_ : tb_);
		}
		{
			json_int_t va = json_integer_value(json_object_get(a, "version"));
			json_int_t vb = json_integer_value(json_object_get(b, "version"));
			fails[4] += json_integer_value(json_object_get(x, "version")) != (va > vb ? va : vb);
		}
		for (int side = 0; side < 2; side++) {
			json_t *mine = json_object_get(side ? b : a, "files");
			json_t *other = json_object_get(side ? a : b, "files");
			json_t *base = json_object_get(o, "files"), *got = json_object_get(x, "files");

			json_object_foreach(base, k, v) {
				json_t *m = json_object_get(mine, k), *t = json_object_get(other, k);
				if (!m && t && json_equal(t, v) && json_object_get(got, k))
					fails[5]++;
				if (m && !json_equal(m, v) && t && json_equal(t, v) &&
				    !json_equal(json_object_get(got, k), m))
					fails[5]++;
			}
			mine = json_object_get(side ? b : a, "pending_conflicts");
			other = json_object_get(side ? a : b, "pending_conflicts");
			base = json_object_get(o, "pending_conflicts");
			got = json_object_get(x, "pending_conflicts");
			json_array_foreach(mine, n, v) {
				const char *p = json_string_value(json_object_get(v, "path"));
				if (!has_path(base, p) && !has_path(got, p))
					fails[6]++;
			}
			json_array_foreach(base, n, v) {
				const char *p = json_string_value(json_object_get(v, "path"));
				if (!has_path(mine, p) && has_path(other, p) && has_path(got, p))
					fails[6]++;
			}
		}
		json_decref(x);
next:
		release_case((char *[]){ r, r2, r3, to, ta, tb }, 6, (json_t *[]){ o, a, b });
	}
	for (i = 0; i < 7; i++)
		is_int(fails[i], 0, "state, %d random merges: %s", rounds, names[i]);
}

/* ---- sequences (conversation messages) -------------------------------- */

static json_t *random_message(int timed)
{
	static const char *const words[] = { "yes", "no", "hi", "ok", "why" };
	json_t *msg = json_pack("{ss ss}", "role", rnd(2) ? "user" : "assistant",
				"content", words[rnd(5)]);
	char t[64];

	if (timed) {
		snprintf(t, sizeof(t), "2026-02-08T10:%02u:00Z", rnd(60));
		json_object_set_new(msg, "timestamp", json_string(t));
	}
	return msg;
}

/* A copy of `o` with up to three random inserts, deletes and replacements. */
static json_t *random_edit(json_t *o, int timed, int append_only)
{
	json_t *a = json_deep_copy(o);
	unsigned ops = rnd(4);

	while (ops--) {
		size_t n = json_array_size(a);
		unsigned what = append_only ? 0 : rnd(3);

		if (what == 0 || !n)
			json_array_insert_new(a, append_only ? n : rnd((unsigned)n + 1),
					      random_message(timed));
		else if (what == 1)
			json_array_remove(a, rnd((unsigned)n));
		else
			json_array_set_new(a, rnd((unsigned)n), random_message(timed));
	}
	return a;
}

static char *conversation(json_t *messages)
{
	json_t *c = json_pack("{sO}", "messages", messages);
	char *s = json_dumps(c, JSON_COMPACT);

	json_decref(c);
	return s;
}

/* The merged messages, or NULL. */
static json_t *merged_messages(const char *o, const char *a, const char *b, char **text)
{
	json_t *v, *msgs;

	*text = merge3(&sov_jpolicy_index, o, a, b);
	if (!*text || !(v = parse(*text)))
		return NULL;
	msgs = json_incref(json_object_get(v, "messages"));
	json_decref(v);
	return msgs;
}

/* Whether x is a subsequence of y from position `from`. */
static int is_subsequence(json_t *x, json_t *y, size_t from)
{
	size_t i = 0, j = from;

	for (; i < json_array_size(x) && j < json_array_size(y); j++)
		if (json_equal(json_array_get(x, i), json_array_get(y, j)))
			i++;
	return i == json_array_size(x);
}

static void test_sequence_property(int rounds)
{
	int bad_comm = 0, bad_one = 0, bad_same = 0, bad_append = 0, bad_fail = 0;

	for (int r = 0; r < rounds; r++) {
		int timed = rnd(3) == 0, append_only = rnd(3) == 0;
		json_t *o = json_array(), *a, *b, *res;
		char *to, *ta, *tb, *m1, *m2, *m3;
		unsigned n = rnd(7);

		while (n--)
			json_array_append_new(o, random_message(timed));
		a = random_edit(o, timed, append_only);
		b = random_edit(o, timed, append_only);
		to = conversation(o);
		ta = conversation(a);
		tb = conversation(b);

		res = merged_messages(to, ta, tb, &m1);
		m2 = merge3(&sov_jpolicy_index, to, tb, ta);
		if (!res || !m2) {
			bad_fail++;
		} else {
			if (strcmp(m1, m2))
				bad_comm++;
			if (append_only) {
				/* The base stays in front; each side's appends follow in order. */
				json_t *ao = json_array(), *bo = json_array();
				size_t k;

				for (k = json_array_size(o); k < json_array_size(a); k++)
					json_array_append(ao, json_array_get(a, k));
				for (k = json_array_size(o); k < json_array_size(b); k++)
					json_array_append(bo, json_array_get(b, k));
				for (k = 0; k < json_array_size(o); k++)
					if (!json_equal(json_array_get(o, k), json_array_get(res, k)))
						bad_append++;
				if (!is_subsequence(ao, res, json_array_size(o)) ||
				    !is_subsequence(bo, res, json_array_size(o)) ||
				    json_array_size(res) > json_array_size(o) + json_array_size(ao) +
				    json_array_size(bo))
					bad_append++;
				json_decref(ao);
				json_decref(bo);
			}
		}
		json_decref(res);
		free(m1);
		free(m2);

		/* One side changed: exactly that side; both the same: that. */
		res = merged_messages(to, ta, to, &m3);
		if (!res || !json_equal(res, a))
			bad_one++;
		json_decref(res);
		free(m3);
		res = merged_messages(to, ta, ta, &m3);
		if (!res || !json_equal(res, a))
			bad_same++;
		json_decref(res);
		free(m3);

		free(to);
		free(ta);
		free(tb);
		json_decref(o);
		json_decref(a);
		json_decref(b);
	}
	is_int(bad_fail, 0, "sequences: every merge succeeds");
	is_int(bad_comm, 0, "sequences: merge(O,A,B) and merge(O,B,A) are the same bytes");
	is_int(bad_one, 0, "sequences: a change on one side only is that side, repeats and all");
	is_int(bad_same, 0, "sequences: the same change on both sides is that change");
	is_int(bad_append, 0, "sequences: both sides appending keeps the base and each side's order");
}

static void test_sequence_cases(void)
{
	char *r;

	/* Repeats in the base stay when nobody touched them. */
	r = merge3(&sov_jpolicy_index, "{\"tags\":[\"x\",\"y\",\"x\"],\"n\":1}",
		   "{\"tags\":[\"x\",\"y\",\"x\"],\"n\":2}",
		   "{\"tags\":[\"x\",\"y\",\"x\"],\"n\":1,\"m\":3}");
	ok(r && strstr(r, "\"tags\": [\n    \"x\",\n    \"y\",\n    \"x\"\n  ]"),
	   "a list of scalars keeps its repeats");
	free(r);
	/* Deletion against an edit of the same element: the edit. */
	r = merge3(&sov_jpolicy_index, "{\"messages\":[{\"c\":1},{\"c\":2},{\"c\":3}]}",
		   "{\"messages\":[{\"c\":1},{\"c\":3}]}",
		   "{\"messages\":[{\"c\":1},{\"c\":22},{\"c\":3}]}");
	ok(r && strstr(r, "22") && !strstr(r, "\"c\": 2\n"), "a deletion loses to an edit");
	free(r);
	/* A deletion next to an insertion of the other side: both. */
	r = merge3(&sov_jpolicy_index, "{\"messages\":[{\"c\":1},{\"c\":2}]}",
		   "{\"messages\":[{\"c\":1}]}",
		   "{\"messages\":[{\"c\":1},{\"c\":2},{\"c\":3}]}");
	ok(r && !strstr(r, "\"c\": 2\n") && strstr(r, "\"c\": 3"),
	   "a deletion beside an append: both apply");
	free(r);
	/* Timestamps order what both sides appended at the same place. */
	r = merge3(&sov_jpolicy_index, "{\"messages\":[]}",
		   "{\"messages\":[{\"c\":\"A\",\"timestamp\":\"2026-01-01T10:00:00Z\"},"
		   "{\"c\":\"C\",\"timestamp\":\"2026-01-01T12:00:00Z\"}]}",
		   "{\"messages\":[{\"c\":\"B\",\"timestamp\":\"2026-01-01T12:00:00+01:00\"}]}");
	ok(r && strstr(r, "\"A\"") < strstr(r, "\"B\"") && strstr(r, "\"B\"") < strstr(r, "\"C\""),
	   "concurrent appends in timestamp order, compared as instants");
	free(r);
	/* Wrong types one level down. */
	r = merge3(&sov_jpolicy_index, "{\"messages\":[]}", "{\"messages\":[{\"c\":1}]}",
		   "{\"messages\":[{\"c\":1},[2]]}");
	ok(!r && strstr(sov_error_last(), "t.json: theirs: \"messages\": message 1 is an array, not an object"),
	   "a message that is an array: refused (%s)", sov_error_last());
	r = merge3(&sov_jpolicy_memories, "{\"results\":[],\"relations\":[]}",
		   "{\"results\":[{\"id\":\"1\"}],\"relations\":[]}",
		   "{\"results\":[],\"relations\":{\"a\":\"b\"}}");
	ok(!r && strstr(sov_error_last(), "theirs: \"relations\" is an object, not an array"),
	   "relations of the wrong type: refused (%s)", sov_error_last());
	r = merge3(&sov_jpolicy_state, "{\"files\":{}}", "{\"files\":{\"a\":{}}}",
		   "{\"files\":{\"b\":[]}}");
	ok(!r && strstr(sov_error_last(), "\"files\": file \"b\" is an array, not an object"),
	   "a file entry that is an array: refused (%s)", sov_error_last());
	/* Ours and theirs agree on a list the base did not have as one. */
	r = merge3(&sov_jpolicy_index, "{\"tags\":null}", "{\"tags\":[\"a\"]}",
		   "{\"tags\":[\"b\"]}");
	ok(r && strstr(r, "\"a\"") && strstr(r, "\"b\""), "a list made on both sides: both");
	free(r);
	/* Both sides changed a member to different types: refused. */
	r = merge3(&sov_jpolicy_index, "{\"tags\":[\"a\"]}", "{\"tags\":[\"a\",\"b\"]}",
		   "{\"tags\":\"a\"}");
	ok(!r && strstr(sov_error_last(), "\"tags\" is an array on ours and a string here"),
	   "changed to different types on both sides: refused (%s)", sov_error_last());
	/* One side changed the type, the other left it: that change. */
	r = merge3(&sov_jpolicy_index, "{\"tags\":[\"a\"],\"n\":1}", "{\"tags\":[\"a\"],\"n\":2}",
		   "{\"tags\":\"a\",\"n\":1}");
	ok(r && strstr(r, "\"tags\": \"a\"") && strstr(r, "\"n\": 2"), "a one-sided type change");
	free(r);
}

int main(void)
{
	const char *seed = getenv("SOVSYNC_TEST_SEED");
	int rounds = getenv("SOVSYNC_TEST_LONG") ? 40000 : 2000;

	rng_state = seed ? strtoull(seed, NULL, 10) : 4242;
	printf("# seed %llu\n", (unsigned long long)rng_state);
	test_memories_cases();
	test_state_cases();
	test_index_cases();
	test_sequence_cases();
	test_memories_property(rounds);
	test_state_property(rounds);
	test_sequence_property(rounds);
	return done_testing();
}
