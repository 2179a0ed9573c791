/*
 * jscan.c - validating JSON scanner with a canonical-form check; see jscan.h.
 *
 * The canonical form is the one json.c writes: "{\n" + 2*(d+1) spaces before
 * each member, "\"key\": value", ",\n" between items, "\n" + 2*d spaces
 * before the closing bracket, "{}" and "[]" for empty containers, strings
 * with only '"', '\\', control characters escaped (\b \f \n \r \t or \u00xx
 * in lower case), integers in plain decimal.  Reals are never reported
 * canonical: checking the shortest round-trip form costs more than letting
 * jansson handle the rare value that has one.
 */
#include "jscan.h"
#include "buf.h"
#include "hash.h"

#include <stdint.h>
#include <string.h>

/* Beyond this nesting the scanner gives up and lets jansson decide. */
#define MAX_LEVEL 512
/* Objects with more members than this are left to jansson's duplicate check. */
#define MAX_DUP_CHECK 64

struct scan {
	const char *p, *end;
	int canon;
	int level;
	int escaped;		/* the last string had an escape sequence */
	size_t field_len[16];	/* lengths of the names to capture */
	int ws_bad;		/* white space is not canonical (canon: the rest) */
	int esc_bad;		/* a string value has an escape json.c would not write */
};

/* White space at the scanner's position is not canonical. */
static inline void ws_off(struct scan *s)
{
	s->ws_bad = 1;
}

/* Equality of two short byte strings, without a call per comparison. */
static inline int short_eq(const char *a, const char *b, size_t n)
{
	uint64_t x, y, u, v;

	if (n >= 8) {
		if (n > 16)
			return !memcmp(a, b, n);
		memcpy(&x, a, 8);
		memcpy(&y, b, 8);
		memcpy(&u, a + n - 8, 8);
		memcpy(&v, b + n - 8, 8);
		return x == y && u == v;
	}
	while (n--)
		if (*a++ != *b++)
			return 0;
	return 1;
}

static const char spaces[] = "\n                                                                ";

const char *sov_jscan_skip_ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r'))
		p++;
	return p;
}

/* Skip white space; canonical only if it is exactly "\n" + 2*depth spaces. */
static void ws_newline(struct scan *s, int depth)
{
	const char *start = s->p;
	size_t want = 1 + 2 * (size_t)depth;

	/* The common case, canonical text, in one comparison. */
	if (want < sizeof(spaces) && (size_t)(s->end - s->p) > want &&
	    !memcmp(s->p, spaces, want) && s->p[want] != ' ' && s->p[want] != '\n' &&
	    s->p[want] != '\t' && s->p[want] != '\r') {
		s->p += want;
		return;
	}
	s->p = sov_jscan_skip_ws(s->p, s->end);
	if ((size_t)(s->p - start) != want || *start != '\n') {
		ws_off(s);
		return;
	}
	for (const char *q = start + 1; q < s->p; q++)
		if (*q != ' ') {
			ws_off(s);
			return;
		}
}

/* Skip white space; canonical only if there is none. */
static void ws_none(struct scan *s)
{
	const char *start = s->p;

	s->p = sov_jscan_skip_ws(s->p, s->end);
	if (s->p != start)
		ws_off(s);
}

/*
 * Length of the valid UTF-8 sequence at p (lead byte >= 0x80), or 0.
 * Rejects overlong forms, surrogates and code points above U+10FFFF, as
 * jansson does.
 */
static size_t utf8_len(const unsigned char *p, const unsigned char *end)
{
	unsigned c = p[0];
	size_t n, i;
	unsigned cp;

	if (c >= 0xC2 && c <= 0xDF) {
		n = 2;
		cp = c & 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		n = 3;
		cp = c & 0x0F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	if ((size_t)(end - p) < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3F);
	}
	if ((n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
	    (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
		return 0;
	return n;
}

/* Whether any byte of the word is < 0x20, '"', '\\' or >= 0x80. */
static inline int word_special(uint64_t w)
{
	const uint64_t ones = 0x0101010101010101ULL, high = 0x8080808080808080ULL;
	uint64_t q = w ^ (ones * '"'), b = w ^ (ones * '\\');

	return !!(((w - ones * 0x20) | (q - ones) | (b - ones) | w) & high);
}

/* The code unit of the \\uXXXX escape at p (6 bytes), or -1. */
static long unicode_escape(const unsigned char *p)
{
	long v = 0;

	for (int i = 2; i < 6; i++) {
		int h = sov_hex_digit((char)p[i]);
		if (h < 0)
			return -1;
		v = v << 4 | h;
	}
	return v;
}

/*
 * s->p at the opening quote.  0, or -1 on invalid text.  Escapes that
 * json.c would write otherwise set esc_bad (the caller decides whether
 * that is only layout); surrogates jansson would refuse clear canon.
 */
static int scan_string(struct scan *s)
{
	const unsigned char *p = (const unsigned char *)s->p + 1;
	const unsigned char *end = (const unsigned char *)s->end;

	s->escaped = 0;
	for (;;) {
		/* The common case: plain printable ASCII, eight bytes at a time. */
		while (end - p >= 8) {
			uint64_t w;

			memcpy(&w, p, 8);
			if (word_special(w))
				break;
			p += 8;
		}
		while (p < end && *p >= 0x20 && *p < 0x80 && *p != '"' && *p != '\\')
			p++;
		if (p >= end)
			return -1;
		if (*p == '"') {
			s->p = (const char *)p + 1;
			return 0;
		}
		if (*p < 0x20)
			return -1;
		if (*p >= 0x80) {
			size_t n = utf8_len(p, end);
			if (!n)
				return -1;
			p += n;
			continue;
		}
		/* A backslash escape. */
		s->escaped = 1;
		if (end - p < 2)
			return -1;
		switch (p[1]) {
		case '"': case '\\': case 'b': case 'f': case 'n': case 'r': case 't':
			p += 2;
			break;
		case '/':
			s->esc_bad = 1;
			p += 2;
			break;
		case 'u': {
			int h[4], i;
			unsigned v;

			if (end - p < 6)
				return -1;
			for (i = 0; i < 4; i++)
				if ((h[i] = sov_hex_digit((char)p[2 + i])) < 0)
					return -1;
			v = (unsigned)(h[0] << 12 | h[1] << 8 | h[2] << 4 | h[3]);
			/*
			 * json.c writes \u only for control characters without
			 * a short form, in lower case; any other escape is
			 * decoded when the string is laid out again (esc_bad).
			 * A surrogate must be a high one followed by a low one;
			 * anything else is left to jansson, which refuses it.
			 */
			if (v >= 0xD800 && v <= 0xDFFF) {
				if (v >= 0xDC00 || end - p < 12 || p[6] != '\\' || p[7] != 'u' ||
				    unicode_escape(p + 6) < 0xDC00 || unicode_escape(p + 6) > 0xDFFF) {
					s->canon = 0;
					p += 6;
					break;
				}
				s->esc_bad = 1;
				p += 12;
				break;
			}
			if (v >= 0x20 || v == '\b' || v == '\f' || v == '\n' ||
			    v == '\r' || v == '\t' ||
			    memchr("ABCDEF", p[4], 6) || memchr("ABCDEF", p[5], 6))
				s->esc_bad = 1;
			p += 6;
			break;
		}
		default:
			return -1;
		}
	}
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Past one or more digits at p, or NULL if there is none. */
static const char *digit_run(const char *p, const char *end)
{
	if (p >= end || !is_digit(*p))
		return NULL;
	while (p < end && is_digit(*p))
		p++;
	return p;
}

static int scan_number(struct scan *s)
{
	const char *p = s->p, *digits;
	int is_real = 0;

	if (*p == '-')
		p++;
	digits = p;
	if (p >= s->end || !is_digit(*p))
		return -1;
	if (*p == '0')
		p++;
	else
		while (p < s->end && is_digit(*p))
			p++;
	/* 19 digits may overflow json_int_t; "-0" is written back as "0". */
	if (p - digits > 18 || (s->p[0] == '-' && *digits == '0'))
		s->canon = 0;
	if (p < s->end && *p == '.') {
		if (!(p = digit_run(p + 1, s->end)))
			return -1;
		is_real = 1;
	}
	if (p < s->end && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < s->end && (*p == '+' || *p == '-'))
			p++;
		if (!(p = digit_run(p, s->end)))
			return -1;
		is_real = 1;
	}
	if (is_real)
		s->canon = 0;
	s->p = p;
	return 0;
}

static int scan_literal(struct scan *s, const char *word, size_t n)
{
	if ((size_t)(s->end - s->p) < n || memcmp(s->p, word, n))
		return -1;
	s->p += n;
	return 0;
}

static int scan_value(struct scan *s, int depth, struct sov_jscan_field *fields,
		      size_t nfields);

/* At an opening bracket: step in; 1 (and past the close) if it is empty. */
static int container_empty(struct scan *s, char close)
{
	const char *q = sov_jscan_skip_ws(++s->p, s->end);

	if (q >= s->end || *q != close)
		return 0;
	if (q != s->p)
		ws_off(s);	/* "{}" and "[]" are written without space */
	s->p = q + 1;
	return 1;
}

/* After an item: 1 if another follows, 0 past the close, -1 invalid. */
static int container_next(struct scan *s, int depth, char close)
{
	if (s->p < s->end && *s->p == ',') {
		s->p++;
		return 1;
	}
	ws_newline(s, depth);
	if (s->p < s->end && *s->p == ',') {
		ws_off(s);	/* white space before the comma */
		s->p++;
		return 1;
	}
	if (s->p >= s->end || *s->p != close)
		return -1;
	s->p++;
	return 0;
}

static int scan_object(struct scan *s, int depth, struct sov_jscan_field *fields,
		       size_t nfields)
{
	struct sov_span keys[MAX_DUP_CHECK];
	size_t nkeys = 0, i;
	int ret;

	if (container_empty(s, '}'))
		return 0;
	for (;;) {
		const char *key, *value;
		size_t klen;
		int key_escaped;

		ws_newline(s, depth + 1);
		if (s->p >= s->end || *s->p != '"')
			return -1;
		key = s->p;
		{
			int esc_bad = s->esc_bad;

			s->esc_bad = 0;
			if (scan_string(s) < 0)
				return -1;
			/* Names are compared as bytes for duplicates: only canonical ones. */
			if (s->esc_bad)
				s->canon = 0;
			s->esc_bad = esc_bad;
		}
		klen = (size_t)(s->p - key);
		key_escaped = s->escaped;
		ws_none(s);
		if (s->p >= s->end || *s->p != ':')
			return -1;
		s->p++;
		if (s->p < s->end && *s->p == ' ')
			s->p++;
		else
			ws_off(s);
		ws_none(s);
		value = s->p;
		if (scan_value(s, depth + 1, NULL, 0) < 0)
			return -1;

		/*
		 * jansson refuses duplicate keys (JSON_REJECT_DUPLICATES) and
		 * NULs in keys; canonical names are equal exactly when their
		 * bytes are.
		 */
		if (s->canon) {
			if (nkeys == MAX_DUP_CHECK) {
				s->canon = 0;
			} else {
				for (i = 0; i < nkeys; i++)
					if (keys[i].len == klen && short_eq(keys[i].ptr, key, klen))
						s->canon = 0;
				keys[nkeys].ptr = key;
				keys[nkeys].len = klen;
				nkeys++;
			}
			if (key_escaped && memmem(key, klen, "\\u0000", 6))
				s->canon = 0;
		}
		for (i = 0; i < nfields; i++) {
			size_t n = s->field_len[i];
			if (!fields[i].value.ptr && klen == n + 2 &&
			    short_eq(key + 1, fields[i].name, n)) {
				fields[i].value.ptr = value;
				fields[i].value.len = (size_t)(s->p - value);
			}
		}

		if ((ret = container_next(s, depth, '}')) <= 0)
			return ret;
	}
}

static int scan_array(struct scan *s, int depth)
{
	int ret;

	if (container_empty(s, ']'))
		return 0;
	for (;;) {
		ws_newline(s, depth + 1);
		if (scan_value(s, depth + 1, NULL, 0) < 0)
			return -1;
		if ((ret = container_next(s, depth, ']')) <= 0)
			return ret;
	}
}

static int scan_value(struct scan *s, int depth, struct sov_jscan_field *fields,
		      size_t nfields)
{
	int ret;

	if (s->p >= s->end)
		return -1;
	switch (*s->p) {
	case '{':
	case '[':
		if (++s->level > MAX_LEVEL)
			return -1;
		ret = *s->p == '{' ? scan_object(s, depth, fields, nfields)
				   : scan_array(s, depth);
		s->level--;
		return ret;
	case '"':
		return scan_string(s);
	case 't':
		return scan_literal(s, "true", 4);
	case 'f':
		return scan_literal(s, "false", 5);
	case 'n':
		return scan_literal(s, "null", 4);
	default:
		return scan_number(s);
	}
}

/* sov_jscan_value(), also telling whether only the white space is off. */
static size_t scan_top(const char *text, size_t len, int depth, int *canonical,
		       int *layout_only, struct sov_jscan_field *fields, size_t nfields)
{
	struct scan s = { text, text + len, 1, 0, 0, { 0 }, 0, 0 };
	size_t i;

	if (layout_only)
		*layout_only = 0;
	if (nfields > sizeof(s.field_len) / sizeof(s.field_len[0])) {
		*canonical = 0;
		return 0;
	}
	for (i = 0; i < nfields; i++) {
		fields[i].value.ptr = NULL;
		fields[i].value.len = 0;
		s.field_len[i] = strlen(fields[i].name);
	}
	if (scan_value(&s, depth, fields, nfields) < 0) {
		*canonical = 0;
		return 0;
	}
	*canonical = s.canon && !s.ws_bad && !s.esc_bad;
	if (layout_only)
		*layout_only = s.canon && (s.ws_bad || s.esc_bad);
	return (size_t)(s.p - text);
}

size_t sov_jscan_value(const char *text, size_t len, int depth, int *canonical,
		       struct sov_jscan_field *fields, size_t nfields)
{
	return scan_top(text, len, depth, canonical, NULL, fields, nfields);
}

/*
 * The length of the value at p, found by matching brackets outside strings
 * only (no other check), or 0.  memchr does the work inside strings.
 */
static size_t skip_value(const char *p, const char *end)
{
	/* 1: a byte that matters inside a container; 2: also at the top. */
	static const unsigned char stop[256] = {
		['"'] = 1, ['{'] = 1, ['}'] = 1, ['['] = 1, [']'] = 1,
		[','] = 2, [' '] = 2, ['\n'] = 2, ['\t'] = 2, ['\r'] = 2,
	};
	const char *q = p;
	size_t level = 0;

	while (q < end) {
		/* Inside a container only quotes and brackets matter. */
		if (level)
			while (q < end && stop[(unsigned char)*q] != 1)
				q++;
		if (q >= end)
			break;
		switch (*q) {
		case '"':
			for (q++;;) {
				const char *quote = memchr(q, '"', (size_t)(end - q)), *b;

				if (!quote)
					return 0;
				/* Escaped if an odd number of backslashes precede it. */
				for (b = quote; b > q && b[-1] == '\\'; b--)
					;
				q = quote + 1;
				if (!((quote - b) & 1))
					break;
			}
			if (!level)
				return (size_t)(q - p);
			continue;
		case '{':
		case '[':
			level++;
			break;
		case '}':
		case ']':
			if (!level)
				return (size_t)(q - p);	/* a scalar ended by the close */
			if (!--level)
				return (size_t)(q + 1 - p);
			break;
		default:
			if (!level && stop[(unsigned char)*q])
				return (size_t)(q - p);	/* a scalar ended by , or space */
		}
		q++;
	}
	return level ? 0 : (size_t)(q - p);
}

int sov_jscan_iter_begin(struct sov_jscan_iter *it, const char *text, size_t len,
			 int depth)
{
	if (!len || (*text != '{' && *text != '['))
		return -1;
	it->close = *text == '{' ? '}' : ']';
	it->p = text + 1;
	it->end = text + len;
	it->depth = depth;
	it->count = 0;
	it->skip_values = 0;
	return 0;
}

int sov_jscan_iter_next(struct sov_jscan_iter *it, struct sov_jscan_item *item,
			struct sov_jscan_field *fields, size_t nfields)
{
	return sov_jscan_iter_next_as(it, item, fields, nfields, NULL, 0);
}

int sov_jscan_iter_next_as(struct sov_jscan_iter *it, struct sov_jscan_item *item,
			   struct sov_jscan_field *fields, size_t nfields,
			   const char *same, size_t same_len)
{
	const char *p = sov_jscan_skip_ws(it->p, it->end);
	size_t n;
	int canon;

	if (p >= it->end)
		return -1;
	if (it->count) {
		if (*p == it->close) {
			it->p = p + 1;
			return 0;
		}
		if (*p != ',')
			return -1;
		p = sov_jscan_skip_ws(p + 1, it->end);
	} else if (*p == it->close) {
		it->p = p + 1;
		return 0;
	}
	item->name.ptr = NULL;
	item->name.len = 0;
	item->name_canonical = 1;
	item->layout_only = 0;
	if (it->close == '}') {
		struct scan s = { p, it->end, 1, 0, 0, { 0 }, 0, 0 };

		if (p >= it->end || *p != '"' || scan_string(&s) < 0)
			return -1;
		item->name.ptr = p;
		item->name.len = (size_t)(s.p - p);
		item->name_canonical = s.canon && !s.ws_bad && !s.esc_bad;
		p = sov_jscan_skip_ws(s.p, it->end);
		if (p >= it->end || *p != ':')
			return -1;
		p = sov_jscan_skip_ws(p + 1, it->end);
	}
	if (same && same_len && (size_t)(it->end - p) >= same_len &&
	    (*same == '{' || *same == '[' || *same == '"') && !memcmp(p, same, same_len)) {
		item->value.ptr = p;
		item->value.len = same_len;
		item->canonical = 0;
		it->p = p + same_len;
		it->count++;
		return 2;
	}
	if (it->skip_values) {
		n = skip_value(p, it->end);
		canon = 0;
	} else {
		n = scan_top(p, (size_t)(it->end - p), it->depth + 1, &canon,
			     &item->layout_only, fields, nfields);
	}
	if (!n)
		return -1;
	item->value.ptr = p;
	item->value.len = n;
	item->canonical = canon;
	it->p = p + n;
	it->count++;
	return 1;
}

const char *sov_jscan_iter_end(const struct sov_jscan_iter *it)
{
	return it->p;
}

int sov_jscan_is_plain_string(struct sov_span s)
{
	return s.ptr && s.len >= 2 && s.ptr[0] == '"' && !memchr(s.ptr, '\\', s.len);
}

/* "\n" and two spaces per level. */
static void add_newline(struct sov_buf *out, int level)
{
	size_t n = 1 + 2 * (size_t)level;

	if (n <= sizeof(spaces) - 1) {
		sov_buf_add(out, spaces, n);
		return;
	}
	sov_buf_addch(out, '\n');
	while (--n)
		sov_buf_addch(out, ' ');
}

/* The first '"' or '\\' at or after p, or end; eight bytes a step. */
static const char *quote_or_backslash(const char *p, const char *end)
{
	const uint64_t ones = 0x0101010101010101ULL, high = 0x8080808080808080ULL;

	while (end - p >= 8) {
		uint64_t w, q, b;

		memcpy(&w, p, 8);
		q = w ^ (ones * '"');
		b = w ^ (ones * '\\');
		/* A zero byte in q or b (exact: no false positives before the first). */
		if (((q - ones) & ~q & high) | ((b - ones) & ~b & high))
			break;
		p += 8;
	}
	while (p < end && *p != '"' && *p != '\\')
		p++;
	return p;
}

/* Append code point cp (valid, not a surrogate) as json.c writes it in a string. */
static void add_code_point(struct sov_buf *out, unsigned long cp)
{
	static const char hex[] = "0123456789abcdef";
	char b[6];

	switch (cp) {
	case '"': sov_buf_add(out, "\\\"", 2); return;
	case '\\': sov_buf_add(out, "\\\\", 2); return;
	case '\n': sov_buf_add(out, "\\n", 2); return;
	case '\r': sov_buf_add(out, "\\r", 2); return;
	case '\t': sov_buf_add(out, "\\t", 2); return;
	case '\b': sov_buf_add(out, "\\b", 2); return;
	case '\f': sov_buf_add(out, "\\f", 2); return;
	}
	if (cp < 0x20) {
		b[0] = '\\';
		b[1] = 'u';
		b[2] = '0';
		b[3] = '0';
		b[4] = hex[cp >> 4];
		b[5] = hex[cp & 15];
		sov_buf_add(out, b, 6);
	} else if (cp < 0x80) {
		sov_buf_addch(out, (int)cp);
	} else if (cp < 0x800) {
		b[0] = (char)(0xC0 | cp >> 6);
		b[1] = (char)(0x80 | (cp & 0x3F));
		sov_buf_add(out, b, 2);
	} else if (cp < 0x10000) {
		b[0] = (char)(0xE0 | cp >> 12);
		b[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		b[2] = (char)(0x80 | (cp & 0x3F));
		sov_buf_add(out, b, 3);
	} else {
		b[0] = (char)(0xF0 | cp >> 18);
		b[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		b[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		b[3] = (char)(0x80 | (cp & 0x3F));
		sov_buf_add(out, b, 4);
	}
}

/*
 * A scanned string with escapes (text[0..len), quotes included) as json.c
 * writes its decoded contents: every escape decoded, then only '"', '\\'
 * and control characters escaped.  The scan has checked every escape
 * (surrogates come in pairs) and the UTF-8 between them.
 */
static void relayout_string(const char *text, size_t len, struct sov_buf *out)
{
	const unsigned char *p = (const unsigned char *)text + 1;
	const unsigned char *end = (const unsigned char *)text + len - 1;

	sov_buf_addch(out, '"');
	while (p < end) {
		const unsigned char *q = memchr(p, '\\', (size_t)(end - p));
		unsigned long cp;

		if (!q)
			q = end;
		sov_buf_add(out, p, (size_t)(q - p));
		if (q >= end)
			break;
		switch (q[1]) {
		case 'b': cp = '\b'; break;
		case 'f': cp = '\f'; break;
		case 'n': cp = '\n'; break;
		case 'r': cp = '\r'; break;
		case 't': cp = '\t'; break;
		case 'u':
			cp = (unsigned long)unicode_escape(q);
			if (cp >= 0xD800 && cp <= 0xDBFF) {
				cp = 0x10000 + ((cp - 0xD800) << 10) +
				     ((unsigned long)unicode_escape(q + 6) - 0xDC00);
				q += 6;
			}
			q += 4;
			break;
		default: cp = q[1]; break;	/* '"', '\\', '/' */
		}
		add_code_point(out, cp);
		p = q + 2;
	}
	sov_buf_addch(out, '"');
}

int sov_jscan_relayout(const char *text, size_t len, int depth, struct sov_buf *out)
{
	int c, layout_only;

	/* Everything but the white space must already be canonical. */
	if (scan_top(text, len, depth, &c, &layout_only, NULL, 0) != len ||
	    (!c && !layout_only))
		return -1;
	sov_jscan_relayout_scanned(text, len, depth, out);
	return 0;
}

void sov_jscan_relayout_scanned(const char *text, size_t len, int depth,
				struct sov_buf *out)
{
	const char *p = text, *end = text + len, *q;
	int level = depth;

	sov_buf_grow(out, len + len / 4);
	while (p < end) {
		switch (*p) {
		case ' ': case '\n': case '\t': case '\r':
			p++;
			break;
		case '{':
		case '[':
			q = sov_jscan_skip_ws(p + 1, end);
			if (q < end && *q == (*p == '{' ? '}' : ']')) {
				sov_buf_addch(out, *p);
				sov_buf_addch(out, *q);
				p = q + 1;
				break;
			}
			sov_buf_addch(out, *p++);
			add_newline(out, ++level);
			break;
		case '}':
		case ']':
			add_newline(out, --level);
			sov_buf_addch(out, *p++);
			break;
		case ',':
			sov_buf_addch(out, ',');
			add_newline(out, level);
			p++;
			break;
		case ':':
			sov_buf_add(out, ": ", 2);
			p++;
			break;
		case '"': {
			/* Scanned before: only find the closing quote. */
			int escaped = 0;

			for (q = p + 1;;) {
				q = quote_or_backslash(q, end);
				if (q >= end - 1 || *q == '"')
					break;
				escaped = 1;
				q += 2;		/* the escaped character */
			}
			if (escaped)
				relayout_string(p, (size_t)(q + 1 - p), out);
			else
				sov_buf_add(out, p, (size_t)(q + 1 - p));
			p = q + 1;
			break;
		}
		default:
			/* A number or a literal: up to the next separator. */
			for (q = p; q < end && !strchr(" \n\t\r,:]}", *q); q++)
				;
			sov_buf_add(out, p, (size_t)(q - p));
			p = q;
		}
	}
}
