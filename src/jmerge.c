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
	__attribute__((format(printf, 3, 4)));

static int shape_error(struct sov_jmerge *m, int side, const char *fmt, ...)
{
	struct sov_buf msg = SOV_BUF_INIT;
	va_list ap;

	/* A syntax error further on is the better message. */
	if (side_error(m, side) < 0 && strstr(sov_error_last(), "invalid JSON")) {
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

/*
 * The canonical text of v at `depth`, capturing fields.  Text that is not
 * canonical yet is parsed with jansson and written again; the scanner then
 * finds the fields in the new text.
 */
static int canon(struct sov_jmerge *m, const struct val *v, int depth,
		 struct sov_span *out, struct sov_jscan_field *f, size_t nf)
{
	struct sov_buf b = SOV_BUF_INIT;
	json_t *j;
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
	if (sov_json_load(&j, v->ptr, v->len, "value") < 0)
		return side_error(m, v->side);
	sov_json_dump_at(j, depth, &b);
	json_decref(j);
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
			if (merge_any(m, mr, sub, depth + 1, out, &has) < 0)
				goto out;
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

static int load_entries(struct sov_jmerge *m, const struct keyed *k, const struct val *v,
			struct coll *c)
{
	const struct sov_jmerge_rule *r = k->rule;
	struct sov_jscan_field f[MAX_FIELDS];
	struct sov_jscan_iter it;
	struct sov_jscan_item item;
	int64_t prev_time = SOV_JMERGE_NO_TIME;
	size_t i;
	int ret;

	for (i = 0; i < k->fs.n; i++)
		f[i].name = k->fs.name[i];
	if (sov_jscan_iter_begin(&it, v->ptr, v->len, k->depth) < 0)
		return side_error(m, v->side);
	while ((ret = sov_jscan_iter_next(&it, &item, f, k->fs.n)) == 1) {
		struct entry *e = coll_push(c);
		struct sov_span text;

		if (item.canonical) {
			text = item.value;
		} else {
			struct val raw = { item.value.ptr, item.value.len, 0, v->side };
			if (canon(m, &raw, k->depth + 1, &text, f, k->fs.n) < 0)
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
			if (!e->key.ptr)
				return shape_error(m, v->side, "%s %zu has no string \"%s\"",
						   r->entry_name ? r->entry_name : "entry",
						   c->n - 1, r->key_fields ? r->key_fields[0] : "key");
		}
		/* New entries get theirs when merged; sort_all needs every one. */
		if (r->sort_all) {
			e->order_time = entry_instant(e, &k->fs, r->order_fields);
			if (e->order_time == SOV_JMERGE_NO_TIME)
				e->order_time = prev_time;
			prev_time = e->order_time;
		}
	}
	if (ret < 0 || sov_jscan_iter_end(&it) != v->ptr + v->len)
		return side_error(m, v->side);
	return 0;
}

/*
 * Index a side's entries by key.  A later entry with the key of an earlier
 * one is dropped when it is the same text (or the rule keeps the first,
 * as for messages); different texts under one key are an error.
 */
static int index_entries(struct sov_jmerge *m, const struct keyed *k, struct coll *c,
			 int side)
{
	struct coll seen = { 0 };
	size_t i, n = 0, dup;

	if (coll_index(c, &dup) == 0)
		return 0;
	free(c->slot);
	c->slot = NULL;
	for (i = 0; i < c->n; i++) {
		struct entry *s, *first;
		int is_new;

		s = coll_intern(&seen, c->e[i].key, &is_new);
		if (is_new) {
			s->pos = n;
			c->e[n] = c->e[i];
			c->e[n].pos = n;
			n++;
			continue;
		}
		first = &c->e[s->pos];
		if (!k->rule->keep_first_duplicate &&
		    (first->text.len != c->e[i].text.len ||
		     memcmp(first->text.ptr, c->e[i].text.ptr, first->text.len))) {
			coll_release(&seen);
			if (k->object_mode)
				return side_error(m, side);	/* jansson: duplicate key */
			return shape_error(m, side, "two different %s entries with the key \"%.*s\"",
					   k->rule->entry_name ? k->rule->entry_name : "collection",
					   (int)(first->key.len > 80 ? 80 : first->key.len),
					   first->key.ptr);
		}
	}
	c->n = n;
	coll_release(&seen);
	return coll_index(c, &dup);
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
 * MD5 of `memory`) in the same scope (user_id, agent_id, run_id).
 */
static int dedup_key(struct sov_jmerge *m, const struct keyed *k, const struct entry *e,
		     struct sov_span *out)
{
	static const char *const scope[] = { "user_id", "agent_id", "run_id" };
	struct sov_span h = entry_field(e, &k->fs, "hash");
	struct sov_buf b = SOV_BUF_INIT;

	if (h.ptr && sov_jscan_is_plain_string(h)) {
		sov_buf_add(&b, h.ptr + 1, h.len - 2);
	} else {
		struct sov_span text;
		char hex[33];

		if (decode_string(m, entry_field(e, &k->fs, "memory"), &text) < 0)
			return -1;
		sov_md5_hex(text.ptr, text.len, hex);
		sov_buf_add(&b, hex, 32);
	}
	for (size_t i = 0; i < 3; i++) {
		struct sov_span s = entry_field(e, &k->fs, scope[i]);
		sov_buf_addch(&b, 0x1f);
		if (s.ptr)
			sov_buf_add(&b, s.ptr, s.len);
		else
			sov_buf_addstr(&b, "null");
	}
	*out = own(m, &b);
	return 0;
}

/*
 * Concurrent duplicates: a group of memories with the same dedup key is
 * collapsed when one side alone brought one of them and the other side
 * alone brought another: the local PC and the web app both remembered the
 * same thing under different ids.  Duplicates one side made on its own are
 * that side's business (and merge(O,A,A) must stay A).  The survivor is the
 * earliest created_at, then the smallest id.
 */
static void dedup_mem0(struct sov_jmerge *m, const struct keyed *k, struct result *res,
		       size_t n)
{
	static const char *const created[] = { "created_at", NULL };
	struct coll groups = { 0 };
	size_t *keep = NULL, keep_alloc = 0, i;
	int any = 0, is_new;

	/* The keys each side brought on its own. */
	for (i = 0; i < n; i++) {
		struct entry *g;

		if (res[i].touched != TOUCH_OURS && res[i].touched != TOUCH_THEIRS)
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
		int64_t ti, tj;

		if (!res[i].dkey.ptr && dedup_key(m, k, res[i].e, &res[i].dkey) < 0)
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
		/* Earliest created_at (none: after every instant), then smallest id. */
		ti = entry_instant(res[i].e, &k->fs, created);
		tj = entry_instant(res[j].e, &k->fs, created);
		if (ti == SOV_JMERGE_NO_TIME)
			ti = INT64_MAX;
		if (tj == SOV_JMERGE_NO_TIME)
			tj = INT64_MAX;
		if (ti < tj || (ti == tj && span_cmp(res[i].e->key, res[j].e->key) < 0)) {
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

static int merge_keyed(struct sov_jmerge *m, const struct sov_jmerge_rule *rule,
		       const struct val v[3], int depth, struct sov_buf *out, int *present)
{
	struct keyed k = { rule, { { 0 }, 0 }, 0, depth };
	struct coll c[3] = { { 0 } };
	struct result *res = NULL;
	size_t nres = 0, res_alloc = 0, i;
	char open = 0;
	int ret = -1, side;

	/* A collection only if every side has the same kind of container. */
	for (side = 0; side < 3; side++) {
		char kind;

		if (!v[side].ptr)
			continue;
		kind = v[side].ptr[0];
		if ((kind != '[' && kind != '{') || (open && kind != open))
			return merge_value(m, v, depth, out, present);
		open = kind;
	}
	k.object_mode = open == '{';
	fieldset_add(&k.fs, rule->key_fields);
	fieldset_add(&k.fs, rule->composite_fields);
	fieldset_add(&k.fs, rule->time_fields);
	fieldset_add(&k.fs, rule->order_fields);
	if (rule->mem0_dedup)
		fieldset_add(&k.fs, mem0_fields);

	for (side = 0; side < 3; side++)
		if (v[side].ptr && (load_entries(m, &k, &v[side], &c[side]) < 0 ||
				    index_entries(m, &k, &c[side], side) < 0))
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
			if (!x[0] && !rule->sort_all)
				r->order_time = entry_instant(x[ch], &k.fs, rule->order_fields);
			if (rule->sort_all) {
				r->order_time = x[ch]->order_time;
				/* Inherited times differ by side: take both into account. */
				for (j = 1; j < 3; j++)
					if (x[j] && x[j]->order_time > r->order_time)
						r->order_time = x[j]->order_time;
			}
		}
	}
	if (rule->mem0_dedup)
		dedup_mem0(m, &k, res, nres);
	if (nres)
		qsort(res, nres, sizeof(*res), rule->sort_all ? cmp_result_sorted : cmp_result);

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
	switch (v->ptr[0]) {
	case '{': return "an object";
	case '[': return "an array";
	case '"': return "a string";
	case 't': case 'f': return "a boolean";
	case 'n': return "null";
	default: return "a number";
	}
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
