/*
 * json.c - JSON loading with good errors, canonical writing; see json.h.
 */
#include "json.h"
#include "error.h"
#include "fs.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int sov_json_load(json_t **out, const void *data, size_t len, const char *what)
{
	const char *p = data;
	json_error_t err;

	if (len >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3)) {
		p += 3;
		len -= 3;
	}
	*out = json_loadb(p, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY |
			  JSON_ALLOW_NUL, &err);
	if (!*out)
		return sov_error_set(SOV_EINVALID, "%s: invalid JSON at line %d, column %d: %s",
				     what, err.line, err.column, err.text);
	return 0;
}

int sov_json_load_file(json_t **out, const char *path)
{
	struct sov_buf data = SOV_BUF_INIT;
	int ret;

	*out = NULL;
	if (sov_buf_read_file(&data, path) < 0)
		return -1;
	ret = sov_json_load(out, data.ptr, data.len, path);
	sov_buf_release(&data);
	return ret;
}

static void dump_string(const char *s, size_t len, struct sov_buf *out)
{
	size_t i, run = 0;

	sov_buf_addch(out, '"');
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		const char *esc = NULL;

		switch (c) {
		case '"': esc = "\\\""; break;
		case '\\': esc = "\\\\"; break;
		case '\n': esc = "\\n"; break;
		case '\r': esc = "\\r"; break;
		case '\t': esc = "\\t"; break;
		case '\b': esc = "\\b"; break;
		case '\f': esc = "\\f"; break;
		default:
			if (c >= 0x20)
				continue;
		}
		sov_buf_add(out, s + run, i - run);
		run = i + 1;
		if (esc)
			sov_buf_addstr(out, esc);
		else
			sov_buf_addf(out, "\\u%04x", c);
	}
	sov_buf_add(out, s + run, len - run);
	sov_buf_addch(out, '"');
}

/* The shortest %.Ng that reads back as the same double (N <= 17). */
static void dump_real(double v, struct sov_buf *out)
{
	char tmp[40];
	int prec;

	if (!isfinite(v)) {
		/* jansson never produces these; write null rather than invalid JSON. */
		sov_buf_addstr(out, "null");
		return;
	}
	for (prec = 1; prec <= 17; prec++) {
		snprintf(tmp, sizeof(tmp), "%.*g", prec, v);
		if (strtod(tmp, NULL) == v)
			break;
	}
	sov_buf_addstr(out, tmp);
	/* Keep a real a real: "1" would read back as an integer. */
	if (!strpbrk(tmp, ".eEn"))
		sov_buf_addstr(out, ".0");
}

static void indent(struct sov_buf *out, int depth)
{
	sov_buf_addch(out, '\n');
	for (int i = 0; i < depth; i++)
		sov_buf_add(out, "  ", 2);
}

static void dump_value(const json_t *v, int depth, struct sov_buf *out)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: {
		const char *key;
		json_t *item;
		int first = 1;

		if (!json_object_size(v)) {
			sov_buf_addstr(out, "{}");
			break;
		}
		sov_buf_addch(out, '{');
		json_object_foreach((json_t *)v, key, item) {
			if (!first)
				sov_buf_addch(out, ',');
			first = 0;
			indent(out, depth + 1);
			dump_string(key, strlen(key), out);
			sov_buf_addstr(out, ": ");
			dump_value(item, depth + 1, out);
		}
		indent(out, depth);
		sov_buf_addch(out, '}');
		break;
	}
	case JSON_ARRAY: {
		size_t i, n = json_array_size(v);

		if (!n) {
			sov_buf_addstr(out, "[]");
			break;
		}
		sov_buf_addch(out, '[');
		for (i = 0; i < n; i++) {
			if (i)
				sov_buf_addch(out, ',');
			indent(out, depth + 1);
			dump_value(json_array_get(v, i), depth + 1, out);
		}
		indent(out, depth);
		sov_buf_addch(out, ']');
		break;
	}
	case JSON_STRING:
		dump_string(json_string_value(v), json_string_length(v), out);
		break;
	case JSON_INTEGER:
		sov_buf_addf(out, "%" SOV_JSON_INT_FMT, json_integer_value(v));
		break;
	case JSON_REAL:
		dump_real(json_real_value(v), out);
		break;
	case JSON_TRUE:
		sov_buf_addstr(out, "true");
		break;
	case JSON_FALSE:
		sov_buf_addstr(out, "false");
		break;
	case JSON_NULL:
		sov_buf_addstr(out, "null");
		break;
	}
}

void sov_json_dump_at(const json_t *value, int depth, struct sov_buf *out)
{
	dump_value(value, depth, out);
}

void sov_json_dump(const json_t *value, struct sov_buf *out)
{
	dump_value(value, 0, out);
	sov_buf_addch(out, '\n');
}

int sov_json_write_file(const char *path, const json_t *value)
{
	struct sov_buf text = SOV_BUF_INIT;
	int ret;

	sov_json_dump(value, &text);
	ret = sov_fs_write_atomic(path, text.ptr, text.len, -1);
	sov_buf_release(&text);
	return ret;
}
