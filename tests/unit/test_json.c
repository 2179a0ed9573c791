/* Unit tests for src/util/json.c. */
#include "tap.h"
#include "error.h"
#include "json.h"

#include <stdio.h>

static const char *canon(const char *text)
{
	static struct sov_buf b = SOV_BUF_INIT;
	json_t *v;

	sov_buf_reset(&b);
	if (sov_json_load(&v, text, strlen(text), "t") < 0)
		return NULL;
	sov_json_dump(v, &b);
	json_decref(v);
	return b.ptr;
}

int main(void)
{
	json_t *v = NULL;
	const char *c;

	is_str(canon("{\"b\":1,\"a\":[true,false,null],\"c\":{}}"),
	       "{\n  \"b\": 1,\n  \"a\": [\n    true,\n    false,\n    null\n  ],\n  \"c\": {}\n}\n",
	       "two-space indent, key order kept, final newline");
	is_str(canon("[]"), "[]\n", "empty array");
	is_str(canon("{\"x\":0.1,\"y\":1e300,\"z\":2.5,\"w\":3.0}"),
	       "{\n  \"x\": 0.1,\n  \"y\": 1e+300,\n  \"z\": 2.5,\n  \"w\": 3.0\n}\n",
	       "reals in their shortest round-trip form, reals stay reals");
	is_str(canon("\"caf\\u00e9 \\\"q\\\" \\\\ \\n \\u0001\""),
	       "\"caf\xc3\xa9 \\\"q\\\" \\\\ \\n \\u0001\"\n",
	       "UTF-8 kept, quotes, backslashes and controls escaped");
	c = canon("{\"a\":[{\"k\":\"v\"}]}");
	{
		char first[256];
		snprintf(first, sizeof(first), "%s", c ? c : "");
		c = canon(first);
		ok(c && !strcmp(c, first), "canonical output is a fixed point");
	}

	{
		struct sov_buf b = SOV_BUF_INIT;

		v = json_pack("{s:[i,{}]}", "a", 1);
		sov_json_dump_at(v, 2, &b);
		is_str(b.ptr, "{\n      \"a\": [\n        1,\n        {}\n      ]\n    }",
		       "dump_at indents inner lines for the depth, no final newline");
		json_decref(v);
		sov_buf_release(&b);
	}

	ok(sov_json_load(&v, "\xEF\xBB\xBF{}", 5, "bom.json") == 0, "a BOM is skipped");
	json_decref(v);
	ok(sov_json_load(&v, "{\"a\":1,\n\"a\":2}", 14, "dup.json") == -1,
	   "duplicate keys are refused");
	ok(strstr(sov_error_last(), "dup.json") != NULL, "the error names the input");
	ok(sov_json_load(&v, "{\n  \"a\": 1,\n  oops\n}", 20, "bad.json") == -1, "invalid JSON");
	is_int(sov_error_code(), SOV_EINVALID, "code EINVALID");
	ok(strstr(sov_error_last(), "bad.json: invalid JSON at line 3") != NULL,
	   "the error gives the line: %s", sov_error_last());
	ok(sov_json_load_file(&v, "/nonexistent.json") == -1, "missing file");
	ok(strstr(sov_error_last(), "/nonexistent.json") != NULL, "names the file");
	return done_testing();
}
