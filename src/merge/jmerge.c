/*
 * jmerge.c - the 3-way JSON merge engine; see jmerge.h.
 *
 * Every value is carried as a span of text plus whether that text is
 * already canonical at its depth.  Rules that only move values around
 * (keyed collections of unchanged memories, say) never parse them: the
 * scanner finds the spans and the fields a rule needs, and canonical spans
 * are compared and copied as bytes.
 */
#include "jmerge.h"
#include "error.h"
#include "hash.h"
#include "jscan.h"
#include "json.h"
#include "timestamp.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* Enough for every policy's key, time, order and dedup fields together. */
#define MAX_FIELDS 10

/* What a side did to an entry, relative to the base. */
#define TOUCH_OURS 1
#define TOUCH_THEIRS 2

/* A value of one side, as written there.  ptr == NULL: absent. */
struct val {
	const char *ptr;
	size_t len;
	int canonical;		/* known canonical at the depth it is merged at */
	int side;
};

/* One entry of a keyed collection (or one member of an object). */
struct entry {
	struct val text;		/* canonical for KEYED, as written for OBJECT */
	struct sov_span key;		/* decoded identity */
	struct sov_span name;		/* members: canonical quoted name */
	/*
	 * The values of the rule's fields (struct fieldset), as offsets into
	 * text; len 0 is absent.  Compact: there is one entry per memory.
	 */
	struct { uint32_t off, len; } field[MAX_FIELDS];
	size_t pos;
	int64_t order_time;
	int used;
};

struct coll {
	struct entry *e;
	size_t n, alloc;
	uint32_t *slot;			/* open addressing: entry index + 1 */
	size_t mask;
};

/* Names of the fields a KEYED rule reads from its entries. */
struct fieldset {
	const char *name[MAX_FIELDS];
	size_t n;
};

static const char *const mem0_fields[] = {
	"hash", "memory", "user_id", "agent_id", "run_id", "created_at", NULL
};

static int merge_any(struct sov_jmerge *m, const struct sov_jmerge_rule *rule,
		     const struct val v[3], int depth, struct sov_buf *out, int *present);

const char *sov_jmerge_side_name(int side)
{
	static const char *const names[] = { "base", "ours", "theirs" };
	return side >= 0 && side < 3 ? names[side] : "?";
}

void sov_jmerge_init(struct sov_jmerge *m, const char *label)
{
	memset(m, 0, sizeof(*m));
	m->label = label;
	m->bad_side = -1;
	for (int i = 0; i < 3; i++)
		m->side_time[i] = SOV_JMERGE_NO_TIME;
}

void sov_jmerge_release(struct sov_jmerge *m)
{
	for (size_t i = 0; i < m->nowned; i++)
		free(m->owned[i]);
	free(m->owned);
	m->owned = NULL;
	m->nowned = m->owned_alloc = 0;
}

/* Keep the buffer's text alive until sov_jmerge_release(). */
static struct sov_span own(struct sov_jmerge *m, struct sov_buf *b)
{
	struct sov_span s;
	size_t len;

	SOV_ALLOC_GROW(m->owned, m->nowned + 1, m->owned_alloc);
	s.ptr = m->owned[m->nowned++] = sov_buf_detach(b, &len);
	s.len = len;
	return s;
}

/*
 * A side's text is at fault.  Let jansson, which reports line and column
 * within the whole document, say what is wrong with it.
 */
static int side_error(struct sov_jmerge *m, int side)
{
	struct sov_buf what = SOV_BUF_INIT;
	json_t *j;

	m->bad_side = side;
	sov_buf_addf(&what, "%s: %s", m->label, sov_jmerge_side_name(side));
	if (sov_json_load(&j, m->doc[side], m->doc_len[side], what.ptr) == 0) {
		json_decref(j);
		sov_error("%s: cannot be merged (nesting deeper than the scanner allows)",
			  what.ptr);
	}
	sov_buf_release(&what);
	return -1;
}

static int shape_error(struct sov_jmerge *m, int side, const char *fmt, ...)
	SOV_PRINTF(3, 4);

static int shape_error(struct sov_jmerge *m, int side, const char *fmt, ...)
{
	struct sov_buf msg = SOV_BUF_INIT;
	va_list ap;

	/* A syntax error further on is the better message. */
	if (side_error(m, side) < 0 && sov_error_code() == SOV_EINVALID) {
		sov_buf_release(&msg);
		return -1;
	}
	va_start(ap, fmt);
	sov_buf_vaddf(&msg, fmt, ap);
	va_end(ap);
	m->bad_side = side;
	sov_error("%s: %s: %s", m->label, sov_jmerge_side_name(side), msg.ptr);
	sov_buf_release(&msg);
	return -1;
}

/* What a value is, for messages: the JSON type of its text. */
static const char *kind_name(const char *text)
{
	switch (text[0]) {
	case '{': return "an object";
	case '[': return "an array";
	case '"': return "a string";
	case 't': case 'f': return "a boolean";
	case 'n': return "null";
	default: return "a number";
	}
}

/* The member being merged, for messages: "results" or "the document". */
static void where_desc(const struct sov_jmerge *m, struct sov_buf *b)
{
	if (m->where.ptr)
		sov_buf_addf(b, "\"%.*s\"", (int)(m->where.len > 80 ? 80 : m->where.len),
			     m->where.ptr);
	else
		sov_buf_addstr(b, "the document");
}

/* A collection of the wrong type on one side. */
static int container_error(struct sov_jmerge *m, int side, const char *text, char want)
{
	struct sov_buf where = SOV_BUF_INIT;

	where_desc(m, &where);
	shape_error(m, side, "%s is %s, not %s", where.ptr, kind_name(text),
		    want == '[' ? "an array" : "an object");
	sov_buf_release(&where);
	return -1;
}

/*
 * The canonical text of v at `depth`, capturing fields.  Text that is not
 * canonical only by its white space is laid out again by the scanner; any
 * other is parsed with jansson and written again; the scanner then finds
 * the fields in the new text.
 */
static int canon_again(struct sov_jmerge *m, const struct val *v, int depth,
		       struct sov_span *out, struct sov_jscan_field *f, size_t nf,
		       int layout_only);

static int canon(struct sov_jmerge *m, const struct val *v, int depth,
		 struct sov_span *out, struct sov_jscan_field *f, size_t nf)
{
	int c;

	if (v->canonical && !nf) {
		out->ptr = v->ptr;
		out->len = v->len;
		return 0;
	}
	if (sov_jscan_value(v->ptr, v->len, depth, &c, f, nf) == v->len && c) {
		out->ptr = v->ptr;
		out->len = v->len;
		return 0;
	}
	return canon_again(m, v, depth, out, f, nf, 0);
}

/*
 * canon() for a value already scanned and found not canonical; layout_only
 * if that scan found only its white space off.
 */
static int canon_again(struct sov_jmerge *m, const struct val *v, int depth,
		       struct sov_span *out, struct sov_jscan_field *f, size_t nf,
		       int layout_only)
{
	struct sov_buf b = SOV_BUF_INIT;
	json_t *j;
	int c;

	/* Only the white space differs (other writers' layouts): no DOM. */
	if (layout_only) {
		sov_jscan_relayout_scanned(v->ptr, v->len, depth, &b);
	} else if (sov_jscan_relayout(v->ptr, v->len, depth, &b) < 0) {
		if (sov_json_load(&j, v->ptr, v->len, "value") < 0)
			return side_error(m, v->side);
		sov_json_dump_at(j, depth, &b);
		json_decref(j);
	}
	*out = own(m, &b);
	/* Reals are never "canonical" to the scanner; the dump is, by definition. */
	if (sov_jscan_value(out->ptr, out->len, depth, &c, f, nf) != out->len)
		return sov_error("%s: internal error: canonical text does not scan", m->label);
	return 0;
}

/* The decoded contents of a JSON string value (borrowed or owned by m). */
static int decode_string(struct sov_jmerge *m, struct sov_span s, struct sov_span *out)
{
	struct sov_buf b = SOV_BUF_INIT;
	json_t *j;

	if (!s.ptr || s.len < 2 || s.ptr[0] != '"')
		return -1;
	if (sov_jscan_is_plain_string(s)) {
		out->ptr = s.ptr + 1;
		out->len = s.len - 2;
		return 0;
	}
	if (sov_json_load(&j, s.ptr, s.len, "string") < 0) {
		sov_error_clear();
		return -1;
	}
	sov_buf_add(&b, json_string_value(j), json_string_length(j));
	json_decref(j);
	*out = own(m, &b);
	return 0;
}

int64_t sov_jmerge_instant(const char *text, size_t len)
{
	struct sov_span s = { text, len };
	json_t *j = NULL;
	int64_t t;
	int ret;

	if (!text || len < 2 || text[0] != '"')
		return SOV_JMERGE_NO_TIME;
	if (sov_jscan_is_plain_string(s)) {
		ret = sov_time_parse(text + 1, len - 2, &t);
	} else if (sov_json_load(&j, text, len, "string") == 0 && json_is_string(j)) {
		ret = sov_time_parse(json_string_value(j), json_string_length(j), &t);
	} else {
		ret = -1;
	}
	json_decref(j);
	if (ret < 0) {
		sov_error_clear();
		return SOV_JMERGE_NO_TIME;
	}
	return t;
}

/* The instant of the first of `names` present with a valid timestamp. */
static struct sov_span entry_field(const struct entry *e, const struct fieldset *fs,
				   const char *name);

static int64_t entry_instant(const struct entry *e, const struct fieldset *fs,
			     const char *const *names)
{
	for (; names && *names; names++) {
		struct sov_span f = entry_field(e, fs, *names);
		int64_t t = sov_jmerge_instant(f.ptr, f.len);

		if (t != SOV_JMERGE_NO_TIME)
			return t;
	}
	return SOV_JMERGE_NO_TIME;
}

static struct sov_span entry_field(const struct entry *e, const struct fieldset *fs,
				   const char *name)
{
	struct sov_span s = { NULL, 0 };

	for (size_t i = 0; i < fs->n; i++)
		if (!strcmp(fs->name[i], name) && e->field[i].len) {
			s.ptr = e->text.ptr + e->field[i].off;
			s.len = e->field[i].len;
		}
	return s;
}

static void fieldset_add(struct fieldset *fs, const char *const *names)
{
	for (; names && *names; names++) {
		size_t i;

		for (i = 0; i < fs->n; i++)
			if (!strcmp(fs->name[i], *names))
				break;
		if (i == fs->n && fs->n < MAX_FIELDS)
			fs->name[fs->n++] = *names;
	}
}

/* ---- hash table over entry keys ------------------------------------- */

static uint64_t hash_bytes(const char *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	while (n--) {
		h ^= (unsigned char)*p++;
		h *= 0x100000001b3ULL;
	}
	return h ^ (h >> 29);
}

static int span_eq(struct sov_span a, struct sov_span b)
{
	return a.len == b.len && !memcmp(a.ptr, b.ptr, a.len);
}

static int span_cmp(struct sov_span a, struct sov_span b)
{
	int c = memcmp(a.ptr, b.ptr, a.len < b.len ? a.len : b.len);

	if (c)
		return c;
	return a.len < b.len ? -1 : a.len > b.len;
}

/* Index the entries by key; the index of a duplicate key in *dup. */
static int coll_index(struct coll *c, size_t *dup)
{
	size_t size = 16;

	while (size < c->n * 2)
		size *= 2;
	c->mask = size - 1;
	c->slot = sov_calloc(size, sizeof(*c->slot));
	for (size_t i = 0; i < c->n; i++) {
		size_t h = hash_bytes(c->e[i].key.ptr, c->e[i].key.len) & c->mask;

		while (c->slot[h]) {
			if (span_eq(c->e[c->slot[h] - 1].key, c->e[i].key)) {
				*dup = i;
				return -1;
			}
			h = (h + 1) & c->mask;
		}
		c->slot[h] = (uint32_t)(i + 1);
	}
	return 0;
}

static struct entry *coll_find(const struct coll *c, struct sov_span key)
{
	size_t h;

	if (!c->slot)
		return NULL;
	h = hash_bytes(key.ptr, key.len) & c->mask;
	while (c->slot[h]) {
		struct entry *e = &c->e[c->slot[h] - 1];
		if (span_eq(e->key, key))
			return e;
		h = (h + 1) & c->mask;
	}
	return NULL;
}

/*
 * Same, trying first the entry after the last one found: the sides of a
 * merge mostly list the same entries in the same order, and a sequential
 * walk is much kinder to the cache than hashing into a large table.
 */
static struct entry *find_near(const struct coll *c, struct sov_span key, size_t *cursor)
{
	struct entry *e;

	if (*cursor < c->n && span_eq(c->e[*cursor].key, key))
		e = &c->e[*cursor];
	else if (!(e = coll_find(c, key)))
		return NULL;
	*cursor = e->pos + 1;
	return e;
}

static void coll_release(struct coll *c)
{
	free(c->e);
	free(c->slot);
	memset(c, 0, sizeof(*c));
}

static struct entry *coll_push(struct coll *c)
{
	struct entry *e;

	SOV_ALLOC_GROW(c->e, c->n + 1, c->alloc);
	e = &c->e[c->n];
	memset(e, 0, sizeof(*e));
	e->pos = c->n++;
	return e;
}

/* The entry with this key, added (with *is_new set) if there is none. */
static struct entry *coll_intern(struct coll *c, struct sov_span key, int *is_new)
{
	struct entry *e = coll_find(c, key);
	size_t h, dup;

	*is_new = !e;
	if (e)
		return e;
	e = coll_push(c);
	e->key = key;
	if (!c->slot || c->n * 2 > c->mask + 1) {
		free(c->slot);
		coll_index(c, &dup);	/* keys are unique: cannot fail */
		return e;
	}
	h = hash_bytes(key.ptr, key.len) & c->mask;
	while (c->slot[h])
		h = (h + 1) & c->mask;
	c->slot[h] = (uint32_t)c->n;
	return e;
}

/* ---- output ----------------------------------------------------------- */

static void add_indent(struct sov_buf *out, int depth)
{
	static const char spaces[] = "                                "; /* 32 */
	size_t n = 2 * (size_t)depth;

	sov_buf_addch(out, '\n');
	while (n) {
		size_t k = n < 32 ? n : 32;
		sov_buf_add(out, spaces, k);
		n -= k;
	}
}

/* The canonical quoted form of a member name (owned by m when rewritten). */
static int canon_name(struct sov_jmerge *m, const struct sov_jscan_item *it, int side,
		      struct sov_span *name, struct sov_span *key)
{
	struct sov_buf b = SOV_BUF_INIT;
	json_t *s;

	/* jansson refuses a NUL in a key: so must we, or the output would not load. */
	if (decode_string(m, it->name, key) < 0 || memchr(key->ptr, 0, key->len))
		return side_error(m, side);
	if (it->name_canonical) {
		*name = it->name;
		return 0;
	}
	s = json_stringn(key->ptr, key->len);
	if (!s)
		return side_error(m, side);
	sov_json_dump_at(s, 0, &b);
	json_decref(s);
	*name = own(m, &b);
	return 0;
}

/* ---- choosing between versions -------------------------------------- */

static int val_eq(const struct sov_span *x, const struct sov_span *y)
{
	if (!x->ptr || !y->ptr)
		return !x->ptr && !y->ptr;
	return span_eq(*x, *y);
}

enum choice { TAKE_NONE, TAKE_OURS, TAKE_THEIRS, TAKE_CONFLICT };

/*
 * The 3-way decision for one value: t[0..2] are the base, ours and theirs
 * (ptr == NULL: absent).  *touched says which sides changed it.  Only a
 * change on both sides to different values is left to the caller.
 */
static enum choice choose(const struct sov_span t[3], int *touched)
{
	int a_is_o = val_eq(&t[1], &t[0]), b_is_o = val_eq(&t[2], &t[0]);

	*touched = (a_is_o ? 0 : TOUCH_OURS) | (b_is_o ? 0 : TOUCH_THEIRS);
	if (b_is_o || val_eq(&t[1], &t[2]))
		return t[1].ptr ? TAKE_OURS : TAKE_NONE;
	if (a_is_o)
		return t[2].ptr ? TAKE_THEIRS : TAKE_NONE;
	/* Changed on both sides: a deletion loses to a change. */
	if (!t[1].ptr)
		return TAKE_THEIRS;
	if (!t[2].ptr)
		return TAKE_OURS;
	return TAKE_CONFLICT;
}

/* Later instant wins; equal instants: the greater text (never "ours"). */
static enum choice resolve(int64_t ta, int64_t tb, struct sov_span a, struct sov_span b)
{
	if (ta != tb)
		return ta > tb ? TAKE_OURS : TAKE_THEIRS;
	return span_cmp(a, b) >= 0 ? TAKE_OURS : TAKE_THEIRS;
}

/* ---- VALUE ------------------------------------------------------------ */

static int canon_all(struct sov_jmerge *m, const struct val v[3], int depth,
		     struct sov_span t[3])
{
	for (int i = 0; i < 3; i++) {
		t[i].ptr = NULL;
		t[i].len = 0;
		if (v[i].ptr && canon(m, &v[i], depth, &t[i], NULL, 0) < 0)
			return -1;
	}
	return 0;
}

static void emit(struct sov_buf *out, const struct sov_span *t, int *present)
{
	*present = t->ptr != NULL;
	if (t->ptr)
		sov_buf_add(out, t->ptr, t->len);
}

static int merge_value(struct sov_jmerge *m, const struct val v[3], int depth,
		       struct sov_buf *out, int *present)
{
	struct sov_span t[3];
	enum choice c;
	int touched;

	if (canon_all(m, v, depth, t) < 0)
		return -1;
	c = choose(t, &touched);
	if (c == TAKE_CONFLICT) {
		m->stats.conflicts++;
		c = resolve(m->side_time[1], m->side_time[2], t[1], t[2]);
	}
	if (c == TAKE_NONE) {
		*present = 0;
		return 0;
	}
	emit(out, &t[c], present);
	return 0;
}

/* ---- LATEST ----------------------------------------------------------- */

static const struct sov_jmerge_rule latest_rule = { .kind = SOV_JMERGE_LATEST };

static const struct sov_jmerge_rule *latest_member(const char *name, size_t len)
{
	return &latest_rule;
}

static const struct sov_jmerge_rule latest_object_rule = {
	.kind = SOV_JMERGE_OBJECT, .member = latest_member,
};

static int is_number(const struct sov_span *t)
{
	return t->ptr && (t->ptr[0] == '-' || (t->ptr[0] >= '0' && t->ptr[0] <= '9'));
}

static int merge_latest(struct sov_jmerge *m, const struct val v[3], int depth,
			struct sov_buf *out, int *present)
{
	struct sov_span t[3];
	enum choice c;

	if (canon_all(m, v, depth, t) < 0)
		return -1;
	if (!t[1].ptr || !t[2].ptr || val_eq(&t[1], &t[2])) {
		emit(out, t[1].ptr ? &t[1] : &t[2], present);
		return 0;
	}
	if (t[1].ptr[0] == '{' && t[2].ptr[0] == '{') {
		/* Member by member; the base does not matter to "latest". */
		struct val w[3] = { { NULL, 0, 0, 0 }, v[1], v[2] };
		return merge_any(m, &latest_object_rule, w, depth, out, present);
	}
	if (is_number(&t[1]) && is_number(&t[2])) {
		double a = strtod(t[1].ptr, NULL), b = strtod(t[2].ptr, NULL);
		c = a != b ? (a > b ? TAKE_OURS : TAKE_THEIRS) : resolve(0, 0, t[1], t[2]);
	} else if ((t[1].ptr[0] == '"' || t[1].ptr[0] == 'n') &&
		   (t[2].ptr[0] == '"' || t[2].ptr[0] == 'n')) {
		/* Instants; null (never) is before any instant. */
		c = resolve(sov_jmerge_instant(t[1].ptr, t[1].len),
			    sov_jmerge_instant(t[2].ptr, t[2].len), t[1], t[2]);
	} else {
		return merge_value(m, v, depth, out, present);
	}
	emit(out, &t[c], present);
	return 0;
}

static int merge_latest_side(struct sov_jmerge *m, const struct val v[3], int depth,
			     struct sov_buf *out, int *present)
{
	int64_t ta = m->side_time[1], tb = m->side_time[2];
	int later = ta > tb ? 1 : 2;
	struct sov_span t[3];

	/* Both sides must be valid JSON, even the one not taken. */
	if (canon_all(m, v, depth, t) < 0)
		return -1;
	if (ta != tb && t[later].ptr) {
		emit(out, &t[later], present);
		return 0;
	}
	return merge_value(m, v, depth, out, present);
}

/* ---- OBJECT ----------------------------------------------------------- */

/* Which of names[] an object uses for its main array (its entry in *idx), or -2. */
static int find_array_member(const struct coll *c, const char *const *names, size_t *idx)
{
	int best = -2;

	for (size_t k = 0; k < c->n; k++) {
		const struct entry *e = &c->e[k];

		if (e->text.ptr[0] != '[')
			continue;
		for (int i = 0; names[i] && (best < 0 || i < best); i++)
			if (e->key.len == strlen(names[i]) && !memcmp(e->key.ptr, names[i], e->key.len)) {
				best = i;
				*idx = k;
			}
	}
	return best;
}

/* Whether the object has a member with one of names[] (of any type). */
static int has_member(const struct coll *c, const char *const *names)
{
	for (size_t k = 0; k < c->n; k++)
		for (int i = 0; names[i]; i++)
			if (c->e[k].key.len == strlen(names[i]) &&
			    !memcmp(c->e[k].key.ptr, names[i], c->e[k].key.len))
				return 1;
	return 0;
}

/* Give entry e the member name `name`. */
static void rename_entry(struct sov_jmerge *m, struct entry *e, const char *name)
{
	struct sov_buf b = SOV_BUF_INIT;

	sov_buf_addf(&b, "\"%s\"", name);
	e->name = own(m, &b);
	e->key.ptr = e->name.ptr + 1;
	e->key.len = e->name.len - 2;
}

/* Load an object's members as entries (values kept as written). */
static int load_members(struct sov_jmerge *m, const struct val *v, int depth,
			struct coll *c)
{
	struct sov_jscan_iter it;
	struct sov_jscan_item item;
	int ret;

	if (sov_jscan_iter_begin(&it, v->ptr, v->len, depth) < 0)
		return side_error(m, v->side);
	/* Each member's rule scans its value (a large array only once). */
	it.skip_values = 1;
	while ((ret = sov_jscan_iter_next(&it, &item, NULL, 0)) == 1) {
		struct entry *e = coll_push(c);

		e->text.ptr = item.value.ptr;
		e->text.len = item.value.len;
		e->text.canonical = item.canonical;
		e->text.side = v->side;
		if (canon_name(m, &item, v->side, &e->name, &e->key) < 0)
			return -1;
	}
	if (ret < 0 || sov_jscan_iter_end(&it) != v->ptr + v->len)
		return side_error(m, v->side);
	return 0;
}

struct member_out {
	struct sov_span name;
	size_t off, len;	/* of the value, in the output */
	int in_base;
	size_t base_pos, rank, seq;
};

/* Base members first, in base order; 0 when both are new. */
static int cmp_base_order(int a_in_base, size_t a_pos, int b_in_base, size_t b_pos)
{
	if (a_in_base != b_in_base)
		return a_in_base ? -1 : 1;
	if (a_in_base)
		return a_pos < b_pos ? -1 : a_pos > b_pos;
	return 0;
}

static int cmp_member(const void *x, const void *y)
{
	const struct member_out *a = x, *b = y;
	int c = cmp_base_order(a->in_base, a->base_pos, b->in_base, b->base_pos);

	if (c || a->in_base)
		return c;
	if (a->rank != b->rank)
		return a->rank < b->rank ? -1 : 1;
	return span_cmp(a->name, b->name);
}

/*
 * Object members: union of the names, each merged by its rule.  Kept
 * members stay in base order; new ones are ranked by their positions on the
 * two sides added together (so that both sides' order is kept when they
 * agree, symmetrically), then by name.
 */
static int merge_object(struct sov_jmerge *m, const struct sov_jmerge_rule *rule,
			const struct val v[3], int depth, struct sov_buf *out, int *present)
{
	struct coll c[3] = { { 0 } };
	size_t idx[3] = { 0, 0, 0 };
	int which[3] = { -2, -2, -2 };
	const char *array_name = NULL;
	struct sov_buf scratch = SOV_BUF_INIT;
	struct member_out *res = NULL;
	size_t nres = 0, res_alloc = 0, start = out->len;
	int ret = -1, i, all_bare = 1, common = -3;

	for (i = 0; i < 3; i++)
		if (v[i].ptr && v[i].ptr[0] != '{' &&
		    !(rule->array_names && v[i].ptr[0] == '['))
			return merge_value(m, v, depth, out, present);
	for (i = 0; i < 3; i++) {
		if (!v[i].ptr)
			continue;
		if (v[i].ptr[0] == '[')
			which[i] = -1;
		else if (load_members(m, &v[i], depth, &c[i]) < 0)
			goto out;
		else if (rule->array_names)
			which[i] = find_array_member(&c[i], rule->array_names, &idx[i]);
		if (which[i] == -2 && rule->array_required && !has_member(&c[i], rule->array_names)) {
			shape_error(m, i, "the document has no \"%s\" array", rule->array_names[0]);
			goto out;
		}
		if (which[i] != -1)
			all_bare = 0;
		if (which[i] >= -1)
			common = common == -3 || common == which[i] ? which[i] : -4;
	}
	if (rule->array_names && all_bare) {
		const struct sov_jmerge_rule *r = rule->member(rule->array_names[0],
							      strlen(rule->array_names[0]));
		return merge_any(m, r, v, depth, out, present);
	}
	if (rule->array_names)
		array_name = rule->array_names[common >= 0 ? common : 0];

	for (i = 0; i < 3; i++) {
		if (!v[i].ptr)
			continue;
		if (which[i] == -1) {
			/* A bare array: the one member of an implied wrapper. */
			struct entry *e = coll_push(&c[i]);

			/* Its elements sit one level deeper now: rescan them. */
			e->text = v[i];
			e->text.canonical = 0;
			rename_entry(m, e, array_name);
		} else if (which[i] >= 0) {
			rename_entry(m, &c[i].e[idx[i]], array_name);
		}
		{
			size_t dup;
			if (coll_index(&c[i], &dup) < 0) {
				/* jansson refuses duplicate keys and says where. */
				side_error(m, i);
				goto out;
			}
		}
	}

	for (i = 0; i < 3; i++) {
		for (size_t k = 0; k < c[i].n; k++) {
			struct entry *e = &c[i].e[k], *x[3];
			struct val sub[3];
			struct member_out *r;
			const struct sov_jmerge_rule *mr;
			size_t mark = out->len, off;
			int has, j;

			if (e->used)
				continue;
			for (j = 0; j < 3; j++) {
				x[j] = j == i ? e : (j < i ? NULL : coll_find(&c[j], e->key));
				if (x[j])
					x[j]->used = 1;
				sub[j] = x[j] ? x[j]->text : (struct val){ NULL, 0, 0, j };
			}
			mr = rule->member ? rule->member(e->key.ptr, e->key.len) : NULL;
			if (!mr) {
				static const struct sov_jmerge_rule value_rule;
				mr = &value_rule;
			}
			/*
			 * Write the member in place, as if the output order were
			 * the order of this loop (it mostly is); undone if the
			 * member is gone, reordered below if needed.
			 */
			sov_buf_addch(out, nres ? ',' : '{');
			add_indent(out, depth + 1);
			sov_buf_add(out, e->name.ptr, e->name.len);
			sov_buf_add(out, ": ", 2);
			off = out->len;
			{
				const char *wp = m->where.ptr;
				size_t wl = m->where.len;

				m->where.ptr = e->key.ptr;
				m->where.len = e->key.len;
				if (merge_any(m, mr, sub, depth + 1, out, &has) < 0)
					goto out;
				m->where.ptr = wp;
				m->where.len = wl;
			}
			if (!has) {
				sov_buf_setlen(out, mark);
				continue;
			}
			SOV_ALLOC_GROW(res, nres + 1, res_alloc);
			r = &res[nres];
			r->seq = nres++;
			r->name = e->name;
			r->off = off;
			r->len = out->len - off;
			r->in_base = x[0] != NULL;
			r->base_pos = x[0] ? x[0]->pos : 0;
			r->rank = 0;
			if (!x[0])
				r->rank = (x[1] ? x[1]->pos : x[2]->pos) +
					  (x[2] ? x[2]->pos : x[1]->pos);
		}
	}
	*present = 1;
	if (!nres) {
		sov_buf_setlen(out, start);
		sov_buf_addstr(out, "{}");
		ret = 0;
		goto out;
	}
	qsort(res, nres, sizeof(*res), cmp_member);
	for (i = 0; (size_t)i < nres && res[i].seq == (size_t)i; i++)
		;
	if ((size_t)i < nres) {
		/* New members go elsewhere: write the members again, in order. */
		sov_buf_add(&scratch, out->ptr + start, out->len - start);
		sov_buf_setlen(out, start);
		for (size_t k = 0; k < nres; k++) {
			sov_buf_addch(out, k ? ',' : '{');
			add_indent(out, depth + 1);
			sov_buf_add(out, res[k].name.ptr, res[k].name.len);
			sov_buf_add(out, ": ", 2);
			sov_buf_add(out, scratch.ptr + res[k].off - start, res[k].len);
		}
	}
	add_indent(out, depth);
	sov_buf_addch(out, '}');
	ret = 0;
out:
	for (i = 0; i < 3; i++)
		coll_release(&c[i]);
	free(res);
	sov_buf_release(&scratch);
	return ret;
}

/* ---- KEYED ------------------------------------------------------------ */

struct keyed {
	const struct sov_jmerge_rule *rule;
	struct fieldset fs;
	int object_mode;
	int depth;
};

/* An entry of a collection that is not an object ("results": ["x"]). */
static int entry_type_error(struct sov_jmerge *m, const struct sov_jmerge_rule *r, int side,
			    size_t index, const struct sov_jscan_item *item)
{
	struct sov_buf where = SOV_BUF_INIT;

	where_desc(m, &where);
	if (item->name.ptr)	/* a member: name it as written */
		shape_error(m, side, "%s: %s %.*s is %s, not an object", where.ptr,
			    r->entry_name ? r->entry_name : "entry",
			    (int)(item->name.len > 80 ? 80 : item->name.len), item->name.ptr,
			    kind_name(item->value.ptr));
	else
		shape_error(m, side, "%s: %s %zu is %s, not an object", where.ptr,
			    r->entry_name ? r->entry_name : "entry", index,
			    kind_name(item->value.ptr));
	sov_buf_release(&where);
	return -1;
}

static int load_entries(struct sov_jmerge *m, const struct keyed *k, const struct val *v,
			struct coll *c)
{
	const struct sov_jmerge_rule *r = k->rule;
	struct sov_jscan_field f[MAX_FIELDS];
	struct sov_jscan_iter it;
	struct sov_jscan_item item;
	size_t i;
	int ret;

	for (i = 0; i < k->fs.n; i++)
		f[i].name = k->fs.name[i];
	if (sov_jscan_iter_begin(&it, v->ptr, v->len, k->depth) < 0)
		return side_error(m, v->side);
	while ((ret = sov_jscan_iter_next(&it, &item, f, k->fs.n)) == 1) {
		struct entry *e;
		struct sov_span text;

		if (r->entry_object && item.value.ptr[0] != '{')
			return entry_type_error(m, r, v->side, c->n, &item);
		e = coll_push(c);
		if (item.canonical) {
			text = item.value;
		} else {
			struct val raw = { item.value.ptr, item.value.len, 0, v->side };
			if (canon_again(m, &raw, k->depth + 1, &text, f, k->fs.n,
					item.layout_only) < 0)
				return -1;
		}
		e->text.ptr = text.ptr;
		e->text.len = text.len;
		e->text.canonical = 1;
		e->text.side = v->side;
		for (i = 0; i < k->fs.n; i++) {
			e->field[i].off = f[i].value.ptr ? (uint32_t)(f[i].value.ptr - text.ptr) : 0;
			e->field[i].len = f[i].value.ptr ? (uint32_t)f[i].value.len : 0;
		}

		if (k->object_mode) {
			if (canon_name(m, &item, v->side, &e->name, &e->key) < 0)
				return -1;
		} else {
			const char *const *kf;

			for (kf = r->key_fields; kf && *kf; kf++) {
				struct sov_span s = entry_field(e, &k->fs, *kf);
				if (s.ptr && s.ptr[0] == '"' && decode_string(m, s, &e->key) == 0)
					break;
			}
			if (!e->key.ptr && r->composite_fields) {
				struct sov_buf b = SOV_BUF_INIT;

				/* \x1e cannot start an id that came from JSON text unescaped. */
				sov_buf_addch(&b, 0x1e);
				for (kf = r->composite_fields; *kf; kf++) {
					struct sov_span s = entry_field(e, &k->fs, *kf);
					if (s.ptr)
						sov_buf_add(&b, s.ptr, s.len);
					sov_buf_addch(&b, 0x1f);
				}
				e->key = own(m, &b);
			}
			if (!e->key.ptr && r->key_whole)
				e->key = text;
			if (!e->key.ptr && r->sequence_unkeyed)
				continue;	/* merge_keyed() merges a sequence instead */
			if (!e->key.ptr)
				return shape_error(m, v->side, "%s %zu has no string \"%s\"",
						   r->entry_name ? r->entry_name : "entry",
						   c->n - 1, r->key_fields ? r->key_fields[0] : "key");
		}
	}
	if (ret < 0 || sov_jscan_iter_end(&it) != v->ptr + v->len)
		return side_error(m, v->side);
	return 0;
}

/*
 * Index a side's entries by key.  The same key twice on one side is
 * refused, even with the same text: dropping one would rewrite the file
 * behind its writer's back, and which of two texts wins would be a guess.
 */
static int index_entries(struct sov_jmerge *m, const struct keyed *k, struct coll *c,
			 int side)
{
	struct sov_buf where = SOV_BUF_INIT, key = SOV_BUF_INIT;
	const struct entry *first;
	size_t dup, i;

	if (coll_index(c, &dup) == 0)
		return 0;
	if (k->object_mode)
		return side_error(m, side);	/* jansson: duplicate key */
	first = coll_find(c, c->e[dup].key);
	where_desc(m, &where);
	/* On one line: a whole-entry key (a relation) may span several. */
	for (i = 0; i < first->key.len && key.len < 80; i++) {
		char ch = first->key.ptr[i];

		if (ch == '\n' || ch == '\t' || ch == '\r' || ch == ' ') {
			if (key.len && key.ptr[key.len - 1] != ' ')
				sov_buf_addch(&key, ' ');
		} else {
			sov_buf_addch(&key, ch);
		}
	}
	shape_error(m, side, "%s: %s %zu and %s %zu have the same key \"%s\"%s",
		    where.ptr, k->rule->entry_name ? k->rule->entry_name : "entry",
		    first->pos, k->rule->entry_name ? k->rule->entry_name : "entry", dup,
		    key.len ? key.ptr : "", first->text.len == c->e[dup].text.len &&
		    !memcmp(first->text.ptr, c->e[dup].text.ptr, first->text.len) ?
		    " (the same text)" : "");
	sov_buf_release(&where);
	sov_buf_release(&key);
	return -1;
}

struct result {
	const struct entry *e;
	int in_base;
	size_t base_pos;
	int touched;
	int64_t order_time;
	int dropped;
	struct sov_span dkey;
};

static int cmp_result_sorted(const void *x, const void *y)
{
	const struct result *a = x, *b = y;

	if (a->order_time != b->order_time)
		return a->order_time < b->order_time ? -1 : 1;
	return span_cmp(a->e->key, b->e->key);
}

static int cmp_result(const void *x, const void *y)
{
	const struct result *a = x, *b = y;
	int c = cmp_base_order(a->in_base, a->base_pos, b->in_base, b->base_pos);

	if (c || a->in_base)
		return c;
	return cmp_result_sorted(x, y);
}


/*
 * mem0 duplicates: the "same memory" is the same text (its `hash`, or the
 * MD5 of `memory`) in the same scope (user_id, agent_id, run_id).  The key
 * replaces the contents of *b.
 */
static int dedup_key_into(struct sov_jmerge *m, const struct keyed *k, const struct entry *e,
			  struct sov_buf *b)
{
	static const char *const scope[] = { "user_id", "agent_id", "run_id" };
	struct sov_span h = entry_field(e, &k->fs, "hash");

	sov_buf_reset(b);
	if (h.ptr && sov_jscan_is_plain_string(h)) {
		sov_buf_add(b, h.ptr + 1, h.len - 2);
	} else {
		struct sov_span text;
		char hex[33];

		if (decode_string(m, entry_field(e, &k->fs, "memory"), &text) < 0)
			return -1;
		sov_md5_hex(text.ptr, text.len, hex);
		sov_buf_add(b, hex, 32);
	}
	for (size_t i = 0; i < 3; i++) {
		struct sov_span s = entry_field(e, &k->fs, scope[i]);
		sov_buf_addch(b, 0x1f);
		if (s.ptr)
			sov_buf_add(b, s.ptr, s.len);
		else
			sov_buf_addstr(b, "null");
	}
	return 0;
}

/* Same, as a span the merge owns. */
static int dedup_key(struct sov_jmerge *m, const struct keyed *k, const struct entry *e,
		     struct sov_span *out)
{
	struct sov_buf b = SOV_BUF_INIT;

	if (dedup_key_into(m, k, e, &b) < 0) {
		sov_buf_release(&b);
		return -1;
	}
	*out = own(m, &b);
	return 0;
}

/*
 * Which of two memories with one dedup key is the one to keep: the
 * earliest created_at (none: after every instant), then the smallest id.
 * Depends on nothing but the two memories, never on the side.
 */
static int keep_first(const struct keyed *k, const struct entry *a, const struct entry *b)
{
	static const char *const created[] = { "created_at", NULL };
	int64_t ta = entry_instant(a, &k->fs, created), tb = entry_instant(b, &k->fs, created);

	if (ta == SOV_JMERGE_NO_TIME)
		ta = INT64_MAX;
	if (tb == SOV_JMERGE_NO_TIME)
		tb = INT64_MAX;
	return ta < tb || (ta == tb && span_cmp(a->key, b->key) < 0);
}

/*
 * Concurrent duplicates: the memories with the same dedup key that the
 * sides added are collapsed when one side alone added one of them and the
 * other side alone added another: the local PC and the web app both
 * remembered the same thing under different ids.  Only added memories
 * take part: a duplicate already in the base (edited or not) stays, since
 * dropping it would delete what nobody deleted.  Duplicates one side made
 * on its own are that side's business (and merge(O,A,A) must stay A).  The
 * survivor is the one keep_first() prefers.
 */
static void dedup_mem0(struct sov_jmerge *m, const struct keyed *k, struct result *res,
		       size_t n)
{
	struct coll groups = { 0 };
	size_t *keep = NULL, keep_alloc = 0, i;
	int any = 0, is_new;

	/* The keys each side brought on its own. */
	for (i = 0; i < n; i++) {
		struct entry *g;

		if (res[i].in_base ||
		    (res[i].touched != TOUCH_OURS && res[i].touched != TOUCH_THEIRS))
			continue;
		if (dedup_key(m, k, res[i].e, &res[i].dkey) < 0)
			continue;
		g = coll_intern(&groups, res[i].dkey, &is_new);
		g->used |= res[i].touched;
		any |= g->used == (TOUCH_OURS | TOUCH_THEIRS);
	}
	if (!any)
		goto out;
	SOV_ALLOC_GROW(keep, groups.n, keep_alloc);
	for (i = 0; i < groups.n; i++)
		keep[i] = SIZE_MAX;

	/* Every memory with such a key is in its group; one survives. */
	for (i = 0; i < n; i++) {
		struct entry *g;
		size_t *kp, j;

		/* Only what a side added: never what was there before. */
		if (!res[i].dkey.ptr)
			continue;
		g = coll_find(&groups, res[i].dkey);
		if (!g || g->used != (TOUCH_OURS | TOUCH_THEIRS))
			continue;
		kp = &keep[g - groups.e];
		if (*kp == SIZE_MAX) {
			*kp = i;
			continue;
		}
		j = *kp;
		if (keep_first(k, res[i].e, res[j].e)) {
			res[j].dropped = 1;
			*kp = i;
		} else {
			res[i].dropped = 1;
		}
		m->stats.deduplicated++;
	}
out:
	free(keep);
	coll_release(&groups);
}

/* A base memory the merge deleted; kept: a side still has it. */
struct gone {
	const struct entry *base;
	int kept;
};

#define GROUP_SURVIVES 4

/*
 * Duplicates already in the base, deduplicated differently by the two
 * sides: ours deleted m1 and kept m2, theirs deleted m2 and kept m1.  Each
 * deletion alone is honoured as a one-sided change, and the text both sides
 * kept would be gone.  So a base memory's deletion is honoured only while
 * the text lives on in the result, or where a side deleted the text itself
 * (that side holds no memory with its dedup key, the ordinary 3-way
 * deletion).  When both sides still hold the text and the result has none,
 * one deleted memory comes back as it was in the base: of those a side
 * kept, the one keep_first() prefers.  Nothing depends on which side is
 * ours.  gone[] are the deleted base memories; res[] grows by the restored.
 */
static void restore_base_dups(struct sov_jmerge *m, const struct keyed *k,
			     const struct coll c[3], const struct gone *gone, size_t ngone,
			     struct result **res, size_t *nres, size_t *res_alloc)
{
	struct coll groups = { 0 };
	struct sov_buf key = SOV_BUF_INIT;
	int *flags = NULL, is_new;
	size_t *best = NULL, flags_alloc = 0, best_alloc = 0, i;
	struct entry *g;

	/* The texts deleted memories had. */
	for (i = 0; i < ngone; i++) {
		if (!gone[i].kept || dedup_key_into(m, k, gone[i].base, &key) < 0)
			continue;
		g = coll_intern(&groups, own(m, &key), &is_new);
		if (is_new) {
			SOV_ALLOC_GROW(flags, groups.n, flags_alloc);
			SOV_ALLOC_GROW(best, groups.n, best_alloc);
			flags[g->pos] = 0;
			best[g->pos] = SIZE_MAX;
		}
		if (best[g->pos] == SIZE_MAX || keep_first(k, gone[i].base, gone[best[g->pos]].base))
			best[g->pos] = i;
	}
	if (!groups.n)
		goto out;
	/* Which sides still hold each text, and whether the result does. */
	for (int side = 1; side < 3; side++)
		for (i = 0; i < c[side].n; i++)
			if (dedup_key_into(m, k, &c[side].e[i], &key) == 0 &&
			    (g = coll_find(&groups, (struct sov_span){ key.ptr, key.len })))
				flags[g->pos] |= side == 1 ? TOUCH_OURS : TOUCH_THEIRS;
	for (i = 0; i < *nres; i++)
		if (!(*res)[i].dropped &&
		    dedup_key_into(m, k, (*res)[i].e, &key) == 0 &&
		    (g = coll_find(&groups, (struct sov_span){ key.ptr, key.len })))
			flags[g->pos] |= GROUP_SURVIVES;

	for (i = 0; i < groups.n; i++) {
		const struct entry *e;
		struct result *r;

		if (flags[i] != (TOUCH_OURS | TOUCH_THEIRS))
			continue;
		e = gone[best[i]].base;
		SOV_ALLOC_GROW(*res, *nres + 1, *res_alloc);
		r = &(*res)[(*nres)++];
		memset(r, 0, sizeof(*r));
		r->e = e;
		r->in_base = 1;
		r->base_pos = e->pos;
		m->stats.deleted--;
	}
out:
	free(flags);
	free(best);
	sov_buf_release(&key);
	coll_release(&groups);
}

/*
 * Whether v[] is a collection `rule` can merge.  Returns 0 with w[] the
 * sides to merge, 1 when the value was merged whole instead, -1 on a shape
 * error.  A rule with a container refuses a side of any other type: a
 * mem0 export whose "results" became null is damage, and taking it as a
 * changed value would wipe the other side's memories.  Without one (the
 * registries' other members), a value that is a container on no side is
 * a whole value; a side that changed the type while the other left the
 * value alone wins as any one-sided change; ours and theirs agreeing on a
 * container the base was not merge two-way; both changing it to different
 * types is refused.
 */
static int check_collection(struct sov_jmerge *m, const struct sov_jmerge_rule *rule,
			    const struct val v[3], struct val w[3], int depth,
			    struct sov_buf *out, int *present)
{
	char kind[3] = { 0, 0, 0 }, open = 0;
	int side, any = 0, same = 1, touched;
	struct sov_buf where = SOV_BUF_INIT;
	struct sov_span t[3];
	enum choice ch;

	for (side = 0; side < 3; side++) {
		w[side] = v[side];
		if (!v[side].ptr)
			continue;
		kind[side] = v[side].ptr[0];
		if (rule->container && kind[side] != rule->container)
			return container_error(m, side, v[side].ptr, rule->container);
		if (kind[side] != '[' && kind[side] != '{')
			same = 0;
		else
			any = 1;
		if (open && kind[side] != open)
			same = 0;
		open = kind[side];
	}
	if (same)
		return 0;
	if (!any)
		return merge_value(m, v, depth, out, present) < 0 ? -1 : 1;
	if (v[1].ptr && v[2].ptr && kind[1] == kind[2] && (kind[1] == '[' || kind[1] == '{')) {
		w[0].ptr = NULL;
		w[0].len = 0;
		return 0;
	}
	if (canon_all(m, v, depth, t) < 0)
		return -1;
	ch = choose(t, &touched);
	if (ch != TAKE_CONFLICT) {
		*present = 0;
		if (ch != TAKE_NONE)
			emit(out, &t[ch], present);
		return 1;
	}
	where_desc(m, &where);
	shape_error(m, SOV_JMERGE_THEIRS, "%s is %s on ours and %s here, changed on both "
		    "sides: cannot be merged", where.ptr, kind_name(t[1].ptr),
		    kind_name(t[2].ptr));
	sov_buf_release(&where);
	return -1;
}

/* ---- SEQUENCE --------------------------------------------------------- */

/*
 * A 3-way merge of sequences (diff3 over elements compared by canonical
 * bytes).  Each side's changes are hunks against the base: a base range
 * replaced by some of the side's elements, found from a longest common
 * subsequence.  Hunks of the two sides that touch the same base elements,
 * or insert at the same place, form a group; any other hunk applies as it
 * is.  A group where both sides did the same applies once; otherwise the
 * group's base elements are gone (a side deleted or replaced each of
 * them) and both sides' new elements are kept: the elements both have in
 * common once, the others in timestamp order when every one of them has
 * one (order_fields), else one side's run after the other's, each in its
 * order, the run whose text sorts first going first.  Nothing depends on
 * which side is ours: merge(O,A,B) and merge(O,B,A) are the same bytes.
 */

/* More changes than this between two versions are refused (D^2 memory). */
#define SEQ_MAX_EDITS 4000

struct seq {
	uint32_t *id;		/* per element: its text, an index into the table */
	size_t n, alloc;
};

struct hunk {
	size_t s, e;		/* base range replaced */
	size_t ps, pe;		/* by these elements of the side */
	int side;
};

/*
 * match[i] = the element of b matched to a[i] in a longest common
 * subsequence, or -1.  The common prefix and suffix are matched first;
 * what is left goes through Myers' O((N+M)D) algorithm ("An O(ND)
 * Difference Algorithm and Its Variations", 1986), keeping each round's
 * furthest reaching paths for the way back: D^2 positions for D edits, so
 * that a long conversation with a few changes anywhere costs little.  More
 * than SEQ_MAX_EDITS edits is refused.
 */
static int seq_lcs(struct sov_jmerge *m, const uint32_t *a, size_t na, const uint32_t *b,
		   size_t nb, long *match)
{
	const uint32_t *a0 = a, *b0 = b;
	size_t pre = 0, suf = 0, n, k, i, off, dmax, d;
	uint32_t *trace = NULL, *v;
	size_t trace_alloc = 0;
	long x, y, kk, diag;

	for (i = 0; i < na; i++)
		match[i] = -1;
	while (pre < na && pre < nb && a[pre] == b[pre]) {
		match[pre] = (long)pre;
		pre++;
	}
	while (suf < na - pre && suf < nb - pre && a[na - 1 - suf] == b[nb - 1 - suf]) {
		match[na - 1 - suf] = (long)(nb - 1 - suf);
		suf++;
	}
	n = na - pre - suf;
	k = nb - pre - suf;
	if (!n || !k)
		return 0;
	a += pre;
	b += pre;
	dmax = n + k < SEQ_MAX_EDITS ? n + k : SEQ_MAX_EDITS;
	off = dmax + 1;
	/* v[off + kk]: the furthest x on diagonal kk = x - y. */
	v = sov_calloc(2 * dmax + 3, sizeof(*v));
	for (d = 0; d <= dmax; d++) {
		for (kk = -(long)d; kk <= (long)d; kk += 2) {
			if (kk == -(long)d || (kk != (long)d && v[off + kk - 1] < v[off + kk + 1]))
				x = v[off + kk + 1];		/* down: an element of b */
			else
				x = v[off + kk - 1] + 1;	/* right: an element of a */
			y = x - kk;
			while ((size_t)x < n && (size_t)y < k && a[x] == b[y])
				x++, y++;
			v[off + kk] = (uint32_t)x;
		}
		/* Round d's paths, for the way back: d*d positions before them. */
		SOV_ALLOC_GROW(trace, (d + 1) * (d + 1), trace_alloc);
		memcpy(trace + d * d, v + off - d, (2 * d + 1) * sizeof(*v));
		/* The end diagonal, read only once this round has reached it. */
		diag = (long)n - (long)k;
		if (diag >= -(long)d && diag <= (long)d && ((long)d - diag) % 2 == 0 &&
		    v[off + diag] == n)
			break;
	}
	free(v);
	if (d > dmax) {
		struct sov_buf where = SOV_BUF_INIT;

		free(trace);
		where_desc(m, &where);
		sov_error("%s: %s: more than %d changes between two versions: too many to "
			  "merge as a sequence", m->label, where.ptr, SEQ_MAX_EDITS);
		sov_buf_release(&where);
		return -1;
	}
	/* Back from (n, k): each round's snake is a run of matches. */
	x = (long)n;
	y = (long)k;
	for (; d > 0; d--) {
		const uint32_t *vp = trace + (d - 1) * (d - 1) + (d - 1);	/* vp[kk], |kk| < d */
		long pk, px, mx;

		kk = x - y;
		if (kk == -(long)d || (kk != (long)d && vp[kk - 1] < vp[kk + 1]))
			pk = kk + 1;
		else
			pk = kk - 1;
		px = vp[pk];
		mx = pk == kk + 1 ? px : px + 1;	/* where the snake starts */
		while (x > mx) {
			x--, y--;
			match[pre + x] = (long)pre + y;
		}
		x = px;
		y = px - pk;
	}
	while (x > 0 && y > 0) {
		x--, y--;
		match[pre + x] = (long)pre + y;
	}
	free(trace);
	/* A wrong match would silently rewrite the merge: check every one. */
	for (i = 0, y = -1; i < na; i++) {
		if (match[i] < 0)
			continue;
		if (match[i] <= y || a0[i] != b0[match[i]])
			return sov_error("%s: internal error: inconsistent sequence match",
					 m->label);
		y = match[i];
	}
	return 0;
}

/* A side's hunks against the base, from the base's matches into the side. */
static void seq_hunks(const long *match, size_t no, size_t nside, int side,
		      struct hunk **h, size_t *nh, size_t *alloc)
{
	size_t k, next_o = 0, next_s = 0;

	for (k = 0; k <= no; k++) {
		size_t ps;

		if (k < no && match[k] < 0)
			continue;
		ps = k < no ? (size_t)match[k] : nside;
		if (k > next_o || ps > next_s) {
			SOV_ALLOC_GROW(*h, *nh + 1, *alloc);
			(*h)[(*nh)++] = (struct hunk){ next_o, k, next_s, ps, side };
		}
		next_o = k + 1;
		next_s = ps + 1;
	}
}

/* Whether hunk x touches the group [gs, ge) (empty: an insertion at gs). */
static int hunk_joins(size_t gs, size_t ge, const struct hunk *x)
{
	if (x->s == x->e)
		return gs == ge ? x->s == gs : gs < x->s && x->s < ge;
	if (gs == ge)
		return x->s < gs && gs < x->e;
	return x->s < ge && gs < x->e;
}

struct seq_ctx {
	struct sov_jmerge *m;
	const struct sov_jmerge_rule *rule;
	struct coll texts;	/* distinct element texts; order_time set */
	struct seq side[3];
	struct seq out;
};

static void seq_push(struct seq *s, uint32_t id)
{
	SOV_ALLOC_GROW(s->id, s->n + 1, s->alloc);
	s->id[s->n++] = id;
}

static struct sov_span seq_text(const struct seq_ctx *x, uint32_t id)
{
	struct sov_span t = { x->texts.e[id].text.ptr, x->texts.e[id].text.len };
	return t;
}

/*
 * Two runs of new elements, a before b, unless timestamps order them
 * (equal instants: the smaller text first).  Each run keeps its order.
 */
static void seq_interleave(struct seq_ctx *x, const uint32_t *a, size_t na,
			   const uint32_t *b, size_t nb)
{
	size_t i = 0, j = 0;
	int timed = 1;

	for (i = 0; i < na && timed; i++)
		timed = x->texts.e[a[i]].order_time != SOV_JMERGE_NO_TIME;
	for (j = 0; j < nb && timed; j++)
		timed = x->texts.e[b[j]].order_time != SOV_JMERGE_NO_TIME;
	i = j = 0;
	while (timed && i < na && j < nb) {
		int64_t ta = x->texts.e[a[i]].order_time, tb = x->texts.e[b[j]].order_time;

		if (ta < tb || (ta == tb && span_cmp(seq_text(x, a[i]), seq_text(x, b[j])) <= 0))
			seq_push(&x->out, a[i++]);
		else
			seq_push(&x->out, b[j++]);
	}
	while (i < na)
		seq_push(&x->out, a[i++]);
	while (j < nb)
		seq_push(&x->out, b[j++]);
}

/* Runs compared by their elements' text: an order that does not depend on sides. */
static int seq_cmp_runs(const struct seq_ctx *x, const struct seq *a, const struct seq *b)
{
	for (size_t i = 0; i < a->n && i < b->n; i++)
		if (a->id[i] != b->id[i])
			return span_cmp(seq_text(x, a->id[i]), seq_text(x, b->id[i]));
	return a->n < b->n ? -1 : a->n > b->n;
}

/*
 * Both sides' new elements of a group: common ones once, the others
 * interleaved.  The two runs are taken in the order of their text, not as
 * ours and theirs, so that swapping the sides (git pull --rebase, or the
 * other clone merging) gives the same bytes.
 */
static int seq_merge_runs(struct seq_ctx *x, const struct seq *a, const struct seq *b)
{
	long *match;
	size_t i = 0, j = 0, k;

	if (seq_cmp_runs(x, a, b) > 0) {
		const struct seq *t = a;
		a = b;
		b = t;
	}
	match = sov_calloc(a->n + 1, sizeof(*match));

	if (seq_lcs(x->m, a->id, a->n, b->id, b->n, match) < 0) {
		free(match);
		return -1;
	}
	for (k = 0; k <= a->n; k++) {
		size_t bj;

		if (k < a->n && match[k] < 0)
			continue;
		bj = k < a->n ? (size_t)match[k] : b->n;
		/* (no arithmetic on the NULL of an empty run) */
		seq_interleave(x, a->n ? a->id + i : NULL, k - i, b->n ? b->id + j : NULL,
			       bj - j);
		if (k < a->n)
			seq_push(&x->out, a->id[k]);
		i = k + 1;
		j = bj + 1;
	}
	free(match);
	return 0;
}

/* A group's content on one side: its base range with that side's hunks applied. */
static void seq_group_side(const struct seq_ctx *x, const struct hunk *h, size_t nh,
			   int side, size_t gs, size_t ge, struct seq *content, struct seq *added)
{
	const struct seq *o = &x->side[0], *s = &x->side[side];
	size_t k = gs, i, p;

	for (i = 0; i < nh; i++) {
		if (h[i].side != side)
			continue;
		for (; k < h[i].s; k++)
			seq_push(content, o->id[k]);
		for (p = h[i].ps; p < h[i].pe; p++) {
			seq_push(content, s->id[p]);
			seq_push(added, s->id[p]);
		}
		k = h[i].e;
	}
	for (; k < ge; k++)
		seq_push(content, o->id[k]);
}

static int cmp_hunk(const void *x, const void *y)
{
	const struct hunk *a = x, *b = y;

	if (a->s != b->s)
		return a->s < b->s ? -1 : 1;
	if (a->e != b->e)
		return a->e < b->e ? -1 : 1;
	return a->side - b->side;
}

static int seq_load(struct seq_ctx *x, const struct val *v, int depth, struct seq *s)
{
	const struct sov_jmerge_rule *r = x->rule;
	struct sov_jscan_field f[MAX_FIELDS];
	struct sov_jscan_iter it;
	struct sov_jscan_item item;
	size_t nf = 0;
	int ret;

	for (; r->order_fields && r->order_fields[nf] && nf < MAX_FIELDS; nf++)
		f[nf].name = r->order_fields[nf];
	if (sov_jscan_iter_begin(&it, v->ptr, v->len, depth) < 0)
		return side_error(x->m, v->side);
	while ((ret = sov_jscan_iter_next(&it, &item, f, nf)) == 1) {
		struct sov_span text;
		struct entry *e;
		int is_new;

		if (r->entry_object && item.value.ptr[0] != '{')
			return entry_type_error(x->m, r, v->side, s->n, &item);
		if (item.canonical) {
			text = item.value;
		} else {
			struct val raw = { item.value.ptr, item.value.len, 0, v->side };
			if (canon(x->m, &raw, depth + 1, &text, f, nf) < 0)
				return -1;
		}
		e = coll_intern(&x->texts, text, &is_new);
		if (is_new) {
			size_t i;

			e->text.ptr = text.ptr;
			e->text.len = text.len;
			e->order_time = SOV_JMERGE_NO_TIME;
			for (i = 0; i < nf && e->order_time == SOV_JMERGE_NO_TIME; i++)
				e->order_time = sov_jmerge_instant(f[i].value.ptr, f[i].value.len);
		}
		seq_push(s, (uint32_t)e->pos);
	}
	if (ret < 0 || sov_jscan_iter_end(&it) != v->ptr + v->len)
		return side_error(x->m, v->side);
	return 0;
}

static int merge_sequence(struct sov_jmerge *m, const struct sov_jmerge_rule *rule,
			  const struct val v[3], int depth, struct sov_buf *out, int *present)
{
	struct seq_ctx x = { m, rule, { 0 }, { { 0 } }, { 0 } };
	struct hunk *h = NULL;
	size_t nh = 0, h_alloc = 0, i, k, pos = 0;
	long *match = NULL;
	int ret = -1, side;

	for (side = 0; side < 3; side++) {
		if (!v[side].ptr)
			continue;
		if (v[side].ptr[0] != '[') {
			container_error(m, side, v[side].ptr, '[');
			goto out;
		}
		if (seq_load(&x, &v[side], depth, &x.side[side]) < 0)
			goto out;
	}
	/* A missing base (two-way) is an empty one; a missing side deleted all. */
	match = sov_calloc(x.side[0].n + 1, sizeof(*match));
	for (side = 1; side < 3; side++) {
		if (seq_lcs(m, x.side[0].id, x.side[0].n, x.side[side].id, x.side[side].n,
			    match) < 0)
			goto out;
		seq_hunks(match, x.side[0].n, x.side[side].n, side, &h, &nh, &h_alloc);
	}
	if (nh)
		qsort(h, nh, sizeof(*h), cmp_hunk);

	for (i = 0; i < nh;) {
		size_t gs = h[i].s, ge = h[i].e, first = i, n;
		int sides = 1 << h[i].side;

		/* Hunks sort by start, so the ones that join the group come next. */
		for (i++; i < nh && hunk_joins(gs, ge, &h[i]); i++) {
			sides |= 1 << h[i].side;
			if (h[i].e > ge)
				ge = h[i].e;
		}
		n = i - first;
		for (k = pos; k < gs; k++)
			seq_push(&x.out, x.side[0].id[k]);
		pos = ge;
		if (sides != 6) {
			for (k = h[first].ps; k < h[first].pe; k++)
				seq_push(&x.out, x.side[h[first].side].id[k]);
			continue;
		}
		{
			struct seq ca = { 0 }, cb = { 0 }, na = { 0 }, nb = { 0 };
			int r = 0;

			seq_group_side(&x, h + first, n, 1, gs, ge, &ca, &na);
			seq_group_side(&x, h + first, n, 2, gs, ge, &cb, &nb);
			if (ca.n == cb.n && (!ca.n || !memcmp(ca.id, cb.id, ca.n * sizeof(*ca.id)))) {
				for (k = 0; k < ca.n; k++)
					seq_push(&x.out, ca.id[k]);
			} else {
				m->stats.conflicts++;
				r = seq_merge_runs(&x, &na, &nb);
			}
			free(ca.id);
			free(cb.id);
			free(na.id);
			free(nb.id);
			if (r < 0)
				goto out;
		}
	}
	for (k = pos; k < x.side[0].n; k++)
		seq_push(&x.out, x.side[0].id[k]);

	*present = 1;
	if (!x.out.n) {
		sov_buf_addstr(out, "[]");
	} else {
		sov_buf_addch(out, '[');
		for (k = 0; k < x.out.n; k++) {
			const struct entry *e = &x.texts.e[x.out.id[k]];

			if (k)
				sov_buf_addch(out, ',');
			add_indent(out, depth + 1);
			sov_buf_add(out, e->text.ptr, e->text.len);
		}
		add_indent(out, depth);
		sov_buf_addch(out, ']');
	}
	ret = 0;
out:
	free(match);
	free(h);
	for (side = 0; side < 3; side++)
		free(x.side[side].id);
	free(x.out.id);
	coll_release(&x.texts);
	return ret;
}

static int merge_keyed(struct sov_jmerge *m, const struct sov_jmerge_rule *rule,
		       const struct val v[3], int depth, struct sov_buf *out, int *present)
{
	struct keyed k = { rule, { { 0 }, 0 }, 0, depth };
	struct coll c[3] = { { 0 } };
	struct result *res = NULL;
	struct gone *gone = NULL;
	size_t nres = 0, res_alloc = 0, ngone = 0, gone_alloc = 0, i;
	struct val w[3];
	char open = 0;
	int ret = -1, side;

	switch (check_collection(m, rule, v, w, depth, out, present)) {
	case -1:
		return -1;
	case 1:
		return 0;
	}
	v = w;
	for (side = 0; side < 3; side++)
		if (v[side].ptr)
			open = v[side].ptr[0];
	k.object_mode = open == '{';
	fieldset_add(&k.fs, rule->key_fields);
	fieldset_add(&k.fs, rule->composite_fields);
	fieldset_add(&k.fs, rule->time_fields);
	fieldset_add(&k.fs, rule->order_fields);
	if (rule->mem0_dedup)
		fieldset_add(&k.fs, mem0_fields);

	for (side = 0; side < 3; side++)
		if (v[side].ptr && load_entries(m, &k, &v[side], &c[side]) < 0)
			goto out;
	/* A list with an entry that has no key: its order and repeats are data. */
	for (side = 0; rule->sequence_unkeyed && !k.object_mode && side < 3; side++)
		for (i = 0; i < c[side].n; i++)
			if (!c[side].e[i].key.ptr) {
				for (side = 0; side < 3; side++)
					coll_release(&c[side]);
				return merge_sequence(m, rule, v, depth, out, present);
			}
	for (side = 0; side < 3; side++)
		if (v[side].ptr && index_entries(m, &k, &c[side], side) < 0)
			goto out;

	for (side = 0; side < 3; side++) {
		size_t cursor[3] = { 0, 0, 0 };

		for (i = 0; i < c[side].n; i++) {
			struct entry *e = &c[side].e[i], *x[3];
			struct sov_span t[3];
			struct result *r;
			enum choice ch;
			int j, touched;

			if (e->used)
				continue;
			for (j = 0; j < 3; j++) {
				x[j] = j == side ? e : (j < side ? NULL : find_near(&c[j], e->key,
										 &cursor[j]));
				if (x[j])
					x[j]->used = 1;
				t[j].ptr = x[j] ? x[j]->text.ptr : NULL;
				t[j].len = x[j] ? x[j]->text.len : 0;
			}
			ch = choose(t, &touched);
			if (ch == TAKE_CONFLICT) {
				m->stats.conflicts++;
				ch = resolve(entry_instant(x[1], &k.fs, rule->time_fields),
					     entry_instant(x[2], &k.fs, rule->time_fields),
					     t[1], t[2]);
			}
			if (ch == TAKE_NONE) {
				if (x[0])
					m->stats.deleted++;
				if (x[0] && rule->mem0_dedup) {
					SOV_ALLOC_GROW(gone, ngone + 1, gone_alloc);
					gone[ngone].base = x[0];
					gone[ngone++].kept = x[1] || x[2];
				}
				continue;
			}
			if (!x[0])
				m->stats.added++;
			else if (!val_eq(&t[ch], &t[0]))
				m->stats.updated++;
			SOV_ALLOC_GROW(res, nres + 1, res_alloc);
			r = &res[nres++];
			memset(r, 0, sizeof(*r));
			r->e = x[ch];
			r->in_base = x[0] != NULL;
			r->base_pos = x[0] ? x[0]->pos : 0;
			r->touched = touched;
			if (!x[0])
				r->order_time = entry_instant(x[ch], &k.fs, rule->order_fields);
		}
	}
	if (rule->mem0_dedup) {
		dedup_mem0(m, &k, res, nres);
		if (ngone)
			restore_base_dups(m, &k, c, gone, ngone, &res, &nres, &res_alloc);
	}
	if (nres)
		qsort(res, nres, sizeof(*res), cmp_result);

	*present = 1;
	{
		size_t total = 0, n = 0;

		for (i = 0; i < nres; i++)
			if (!res[i].dropped)
				total += res[i].e->text.len + res[i].e->name.len, n++;
		if (!n) {
			sov_buf_addstr(out, k.object_mode ? "{}" : "[]");
		} else {
			sov_buf_grow(out, total + n * (2 * (size_t)depth + 8));
			sov_buf_addch(out, open);
			for (i = 0, n = 0; i < nres; i++) {
				const struct entry *e = res[i].e;

				if (res[i].dropped)
					continue;
				if (n++)
					sov_buf_addch(out, ',');
				add_indent(out, depth + 1);
				if (k.object_mode) {
					sov_buf_add(out, e->name.ptr, e->name.len);
					sov_buf_add(out, ": ", 2);
				}
				sov_buf_add(out, e->text.ptr, e->text.len);
			}
			add_indent(out, depth);
			sov_buf_addch(out, open == '{' ? '}' : ']');
		}
	}
	ret = 0;
out:
	for (side = 0; side < 3; side++)
		coll_release(&c[side]);
	free(res);
	free(gone);
	return ret;
}

/* ---- driver ----------------------------------------------------------- */

static int merge_any(struct sov_jmerge *m, const struct sov_jmerge_rule *rule,
		     const struct val v[3], int depth, struct sov_buf *out, int *present)
{
	if (!v[1].ptr && !v[2].ptr) {
		*present = 0;
		return 0;
	}
	if ((!v[1].ptr || !v[2].ptr) && v[0].ptr && rule->kind != SOV_JMERGE_VALUE) {
		/* Deleted on one side: gone if the other side left it alone. */
		const struct val *kept = v[1].ptr ? &v[1] : &v[2];
		struct sov_span t, o;

		if (canon(m, kept, depth, &t, NULL, 0) < 0 ||
		    canon(m, &v[0], depth, &o, NULL, 0) < 0)
			return -1;
		if (span_eq(t, o)) {
			*present = 0;
			return 0;
		}
	}
	switch (rule->kind) {
	case SOV_JMERGE_OBJECT:
		return merge_object(m, rule, v, depth, out, present);
	case SOV_JMERGE_KEYED:
		return merge_keyed(m, rule, v, depth, out, present);
	case SOV_JMERGE_LATEST:
		return merge_latest(m, v, depth, out, present);
	case SOV_JMERGE_LATEST_SIDE:
		return merge_latest_side(m, v, depth, out, present);
	case SOV_JMERGE_SEQUENCE:
		return merge_sequence(m, rule, v, depth, out, present);
	case SOV_JMERGE_VALUE:
		break;
	}
	return merge_value(m, v, depth, out, present);
}

/* The document's value: BOM and surrounding white space stripped. */
static void doc_value(const char *doc, size_t len, struct val *v)
{
	const char *p = doc, *end = doc + len;

	if (len >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3))
		p += 3;
	p = sov_jscan_skip_ws(p, end);
	while (end > p && (end[-1] == ' ' || end[-1] == '\n' || end[-1] == '\t' ||
			   end[-1] == '\r'))
		end--;
	v->ptr = p;
	v->len = (size_t)(end - p);
}

/* What a document's value is, for messages: the JSON type of its text. */
static const char *value_kind(const struct val *v)
{
	return kind_name(v->ptr);
}

/*
 * The document itself must have the container the root rule merges: a
 * memories file replaced by "null" or 5 is damage, not an edit, and the
 * whole-value rule would silently throw the other side's changes away.
 * A base of the wrong shape is reported like an unparseable one, so that
 * the driver merges two-way.
 */
static int check_root_shape(struct sov_jmerge *m, const struct sov_jmerge_rule *root,
			    const struct val v[3])
{
	int keyed = root->kind == SOV_JMERGE_KEYED;
	int arrays = keyed || root->array_names;

	if (!keyed && root->kind != SOV_JMERGE_OBJECT)
		return 0;
	for (int i = 0; i < 3; i++) {
		if (!v[i].ptr || v[i].ptr[0] == '{' || (arrays && v[i].ptr[0] == '['))
			continue;
		return shape_error(m, i, "the document is %s, not %s", value_kind(&v[i]),
				   arrays ? "an object or array" : "an object");
	}
	return 0;
}

int sov_jmerge_run(struct sov_jmerge *m, const struct sov_jmerge_rule *root,
		   const char *const doc[3], const size_t len[3], struct sov_buf *out)
{
	struct val v[3];
	size_t start = out->len;
	int present, i;

	m->bad_side = -1;
	for (i = 0; i < 3; i++) {
		m->doc[i] = doc[i];
		m->doc_len[i] = doc[i] ? len[i] : 0;
		v[i].ptr = NULL;
		v[i].len = 0;
		v[i].canonical = 0;
		v[i].side = i;
		if (!doc[i])
			continue;
		doc_value(doc[i], len[i], &v[i]);
		if (!v[i].len) {
			if (i == SOV_JMERGE_BASE) {
				/* Add/add: Git gives an empty base. */
				v[i].ptr = NULL;
				continue;
			}
			return side_error(m, i);
		}
	}
	if (!v[1].ptr && !v[2].ptr)
		return sov_error("%s: nothing to merge", m->label);
	if (check_root_shape(m, root, v) < 0)
		return -1;
	if (merge_any(m, root, v, 0, out, &present) < 0) {
		sov_buf_setlen(out, start);
		return -1;
	}
	sov_buf_addch(out, '\n');
	return 0;
}

int sov_jmerge_find(const char *doc, size_t len, const char *name, const char *sub,
		    struct sov_span *out)
{
	struct sov_jscan_iter it;
	struct sov_jscan_item item;
	struct val v;
	size_t n = strlen(name);

	out->ptr = NULL;
	out->len = 0;
	doc_value(doc, len, &v);
	if (sov_jscan_iter_begin(&it, v.ptr, v.len, 0) < 0 || it.close != '}')
		return -1;
	while (sov_jscan_iter_next(&it, &item, NULL, 0) == 1) {
		if (!sov_jscan_is_plain_string(item.name) || item.name.len != n + 2 ||
		    memcmp(item.name.ptr + 1, name, n))
			continue;
		if (sub)
			return sov_jmerge_find(item.value.ptr, item.value.len, sub, NULL, out);
		*out = item.value;
		return 0;
	}
	return -1;
}
