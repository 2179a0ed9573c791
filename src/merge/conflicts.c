/*
 * conflicts.c - the conflict queue in .git/sovsync/conflicts.json; see
 * conflicts.h.
 */
#include "conflicts.h"
#include "buf.h"
#include "error.h"
#include "json.h"
#include "repo.h"
#include "timestamp.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "osfs.h"

#define QUEUE_FILE "conflicts.json"
#define QUEUE_LOCK "conflicts"

void sov_conflict_info_release(struct sov_conflict_info *i)
{
	free(i->preview);
	free(i->author);
	memset(i, 0, sizeof(*i));
}

void sov_conflict_info_copy(struct sov_conflict_info *dst, const struct sov_conflict_info *src)
{
	*dst = *src;
	dst->preview = src->preview ? sov_strdup(src->preview) : NULL;
	dst->author = src->author ? sov_strdup(src->author) : NULL;
}

/* Length of the longest prefix of data[0..len) that is whole UTF-8 characters. */
static size_t utf8_prefix(const unsigned char *d, size_t len, int *valid)
{
	size_t i = 0;

	*valid = 1;
	while (i < len) {
		unsigned char b = d[i];
		size_t n = b < 0x80 ? 1 : (b & 0xe0) == 0xc0 ? 2 : (b & 0xf0) == 0xe0 ? 3 :
			   (b & 0xf8) == 0xf0 ? 4 : 0;
		size_t k;

		if (!n || (n == 2 && b < 0xc2) || (n == 4 && b > 0xf4) || !b) {
			*valid = 0;
			return i;
		}
		if (i + n > len)
			return i;	/* cut in the middle: the caller decides */
		for (k = 1; k < n; k++)
			if ((d[i + k] & 0xc0) != 0x80) {
				*valid = 0;
				return i;
			}
		i += n;
	}
	return i;
}

void sov_conflict_info_set_content(struct sov_conflict_info *i, const char *data,
				   size_t len)
{
	size_t cut = len < SOV_CONFLICT_PREVIEW_MAX ? len : SOV_CONFLICT_PREVIEW_MAX;
	size_t n;
	int valid;
	json_t *probe;

	free(i->preview);
	i->preview = NULL;
	i->known = 1;
	i->size = (int64_t)len;
	i->truncated = 0;
	/* NUL bytes, invalid UTF-8 (within the preview), or libgit2's rule. */
	n = utf8_prefix((const unsigned char *)data, cut, &valid);
	i->binary = !valid || (n < cut && cut == len) ||
		    git_blob_data_is_binary(data, cut);
	if (i->binary)
		return;
	i->preview = sov_malloc(n + 1);
	memcpy(i->preview, data, n);
	i->preview[n] = '\0';
	i->truncated = n < len;
	/* jansson is the judge of what a JSON string may hold. */
	probe = json_stringn(i->preview, n);
	if (!probe) {
		free(i->preview);
		i->preview = NULL;
		i->binary = 1;
		i->truncated = 0;
	}
	json_decref(probe);
}

void sov_conflict_release(struct sov_conflict *c)
{
	free(c->path);
	free(c->source);
	free(c->copy);
	sov_conflict_info_release(&c->info[0]);
	sov_conflict_info_release(&c->info[1]);
	c->path = NULL;
	c->source = NULL;
	c->copy = NULL;
}

void sov_conflicts_release(struct sov_conflicts *q)
{
	size_t i;

	for (i = 0; i < q->nr; i++)
		sov_conflict_release(&q->items[i]);
	free(q->items);
	*q = (struct sov_conflicts)SOV_CONFLICTS_INIT;
}

const char *sov_conflict_kind_name(enum sov_conflict_kind kind)
{
	switch (kind) {
	case SOV_CONFLICT_BINARY:
		return "binary";
	case SOV_CONFLICT_MODIFY_DELETE:
		return "modify/delete";
	case SOV_CONFLICT_COPY:
		return "copy";
	case SOV_CONFLICT_NEWEST:
		return "newest";
	case SOV_CONFLICT_TEXT:
		break;
	}
	return "text";
}

const char *sov_conflict_side_name(enum sov_conflict_side side)
{
	return side == SOV_CONFLICT_OURS ? "ours" : "theirs";
}

const char *sov_conflict_choice_name(enum sov_conflict_choice choice)
{
	switch (choice) {
	case SOV_CHOICE_OURS:
		return "ours";
	case SOV_CHOICE_THEIRS:
		return "theirs";
	case SOV_CHOICE_BOTH:
		return "both";
	case SOV_CHOICE_NONE:
		break;
	}
	return NULL;
}

enum sov_conflict_choice sov_conflict_default_choice(const struct sov_conflict *c)
{
	switch (c->kind) {
	case SOV_CONFLICT_BINARY:
		return SOV_CHOICE_OURS;
	case SOV_CONFLICT_MODIFY_DELETE:
		return c->deleted_by == SOV_CONFLICT_OURS ? SOV_CHOICE_THEIRS : SOV_CHOICE_OURS;
	case SOV_CONFLICT_COPY:
		return SOV_CHOICE_BOTH;
	case SOV_CONFLICT_NEWEST:
		return c->choice;
	case SOV_CONFLICT_TEXT:
		break;
	}
	return SOV_CHOICE_NONE;
}

const git_oid *sov_conflict_version(const struct sov_conflict *c,
				    enum sov_conflict_side side)
{
	if (c->kind == SOV_CONFLICT_MODIFY_DELETE && c->deleted_by == side)
		return NULL;
	return side == SOV_CONFLICT_OURS ? &c->ours : &c->theirs;
}

/*
 * Index of the entry for `path`, or of the place it would go (sorted by
 * path); *found tells which.
 */
static size_t lookup(const struct sov_conflicts *q, const char *path, int *found)
{
	size_t lo = 0, hi = q->nr;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int cmp = strcmp(q->items[mid].path, path);

		if (!cmp) {
			*found = 1;
			return mid;
		}
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = 0;
	return lo;
}

const struct sov_conflict *sov_conflicts_find(const struct sov_conflicts *q,
					      const char *path)
{
	int found;
	size_t i = lookup(q, path, &found);

	return found ? &q->items[i] : NULL;
}

/* Insert a deep copy of `c`, replacing the entry for the same path. */
static void put(struct sov_conflicts *q, const struct sov_conflict *c)
{
	int found;
	size_t i = lookup(q, c->path, &found);
	struct sov_conflict copy = *c;

	copy.path = sov_strdup(c->path);
	copy.source = sov_strdup(c->source ? c->source : "local");
	copy.copy = c->copy ? sov_strdup(c->copy) : NULL;
	/* Writers that predate the choice leave it zero: the kind says it. */
	if (copy.choice == SOV_CHOICE_NONE)
		copy.choice = sov_conflict_default_choice(c);
	sov_conflict_info_copy(&copy.info[0], &c->info[0]);
	sov_conflict_info_copy(&copy.info[1], &c->info[1]);
	if (found) {
		sov_conflict_release(&q->items[i]);
	} else {
		SOV_ALLOC_GROW(q->items, q->nr + 1, q->alloc);
		memmove(q->items + i + 1, q->items + i, (q->nr - i) * sizeof(*q->items));
		q->nr++;
	}
	q->items[i] = copy;
}

static json_t *oid_json(int has, const git_oid *oid)
{
	char hex[GIT_OID_HEXSZ + 1];

	if (!has)
		return json_null();
	git_oid_tostr(hex, sizeof(hex), oid);
	return json_string(hex);
}

/* One side's version: null when that side deleted the file or is unknown. */
static json_t *info_json(const struct sov_conflict_info *i, int exists)
{
	struct sov_buf when = SOV_BUF_INIT;
	json_t *obj;

	if (!exists || !i->known)
		return json_null();
	obj = json_pack("{s:I, s:b}", "size", (json_int_t)i->size, "binary", i->binary);
	json_object_set_new(obj, "content", i->preview ? json_string(i->preview) : json_null());
	json_object_set_new(obj, "truncated", json_boolean(i->truncated));
	json_object_set_new(obj, "author", i->author ? json_string(i->author) : json_null());
	if (i->has_written_at) {
		sov_time_format(i->written_at, &when);
		json_object_set_new(obj, "written_at", json_string(when.ptr));
	} else {
		json_object_set_new(obj, "written_at", json_null());
	}
	sov_buf_release(&when);
	return obj;
}

json_t *sov_conflict_to_json(const struct sov_conflict *c)
{
	struct sov_buf when = SOV_BUF_INIT;
	json_t *obj;

	const git_oid *ours = sov_conflict_version(c, SOV_CONFLICT_OURS);
	const git_oid *theirs = sov_conflict_version(c, SOV_CONFLICT_THEIRS);

	sov_time_format(c->detected_at, &when);
	/* Key order is the documented order; json.h keeps insertion order. */
	obj = json_pack("{s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:s, s:s}",
			"path", c->path,
			"kind", sov_conflict_kind_name(c->kind),
			"base", oid_json(c->has_base, &c->base),
			"ours", oid_json(ours != NULL, ours),
			"theirs", oid_json(theirs != NULL, theirs),
			"ours_commit", oid_json(c->has_ours_commit, &c->ours_commit),
			"theirs_commit", oid_json(c->has_theirs_commit, &c->theirs_commit),
			"detected_at", when.ptr,
			"source", c->source ? c->source : "local");
	/* Only the new kind has it: readers of the older kinds see no change. */
	if (c->kind == SOV_CONFLICT_MODIFY_DELETE)
		json_object_set_new(obj, "deleted_by",
				    json_string(sov_conflict_side_name(c->deleted_by)));
	if (c->kind == SOV_CONFLICT_COPY)
		json_object_set_new(obj, "copy", json_string(c->copy ? c->copy : ""));
	{
		const char *choice = sov_conflict_choice_name(c->choice);

		json_object_set_new(obj, "choice", choice ? json_string(choice) : json_null());
	}
	/* Only a side that has a version has a description. */
	if ((ours && c->info[0].known) || (theirs && c->info[1].known))
		json_object_set_new(obj, "versions",
				    json_pack("{s:o, s:o}",
					      "ours", info_json(&c->info[0], ours != NULL),
					      "theirs", info_json(&c->info[1], theirs != NULL)));
	sov_buf_release(&when);
	return obj;
}

json_t *sov_conflicts_to_json(const struct sov_conflicts *q)
{
	json_t *arr = json_array();
	size_t i;

	for (i = 0; i < q->nr; i++)
		json_array_append_new(arr, sov_conflict_to_json(&q->items[i]));
	return arr;
}

/* A blob or commit id field: a 40-hex string, or null when `nullable`. */
static int oid_from_json(const json_t *obj, const char *key, int nullable,
			 int *has, git_oid *oid, const char *what)
{
	const json_t *v = json_object_get(obj, key);
	const char *s;

	if (nullable && (!v || json_is_null(v))) {
		*has = 0;
		return 0;
	}
	s = json_string_value(v);
	if (!s || strlen(s) != GIT_OID_HEXSZ || git_oid_fromstr(oid, s) < 0)
		return sov_error("%s: \"%s\" is not an object id%s", what, key,
				 nullable ? " or null" : "");
	*has = 1;
	return 0;
}

/* "choice": absent means the kind's default; "newest" needs a side. */
static int choice_from_json(const json_t *obj, struct sov_conflict *c, const char *what)
{
	const json_t *v = json_object_get(obj, "choice");
	const char *s = json_string_value(v);

	if (!v) {
		c->choice = sov_conflict_default_choice(c);
	} else if (json_is_null(v)) {
		c->choice = SOV_CHOICE_NONE;
	} else if (s && !strcmp(s, "ours")) {
		c->choice = SOV_CHOICE_OURS;
	} else if (s && !strcmp(s, "theirs")) {
		c->choice = SOV_CHOICE_THEIRS;
	} else if (s && !strcmp(s, "both")) {
		c->choice = SOV_CHOICE_BOTH;
	} else {
		return sov_error("%s: \"choice\" must be \"ours\", \"theirs\", \"both\" "
				 "or null", what);
	}
	if (c->kind == SOV_CONFLICT_NEWEST && c->choice != SOV_CHOICE_OURS &&
	    c->choice != SOV_CHOICE_THEIRS)
		return sov_error("%s: a \"newest\" entry needs \"choice\" \"ours\" or "
				 "\"theirs\"", what);
	return 0;
}

static int info_from_json(const json_t *v, struct sov_conflict_info *i, const char *what,
			  const char *side)
{
	const json_t *size = json_object_get(v, "size");
	const char *content = json_string_value(json_object_get(v, "content"));
	const char *author = json_string_value(json_object_get(v, "author"));
	const char *when = json_string_value(json_object_get(v, "written_at"));

	if (!v || json_is_null(v))
		return 0;
	if (!json_is_object(v) || !json_is_integer(size) || json_integer_value(size) < 0)
		return sov_error("%s: \"versions\".\"%s\" is not a version (object with "
				 "\"size\")", what, side);
	i->known = 1;
	i->size = json_integer_value(size);
	i->binary = json_is_true(json_object_get(v, "binary"));
	i->truncated = json_is_true(json_object_get(v, "truncated"));
	i->preview = content ? sov_strdup(content) : NULL;
	i->author = author ? sov_strdup(author) : NULL;
	if (when) {
		if (sov_time_parse_str(when, &i->written_at) < 0)
			return sov_error("%s: \"versions\".\"%s\".\"written_at\" is not a "
					 "timestamp", what, side);
		i->has_written_at = 1;
	}
	return 0;
}

static int versions_from_json(const json_t *obj, struct sov_conflict *c, const char *what)
{
	const json_t *v = json_object_get(obj, "versions");

	if (!v || json_is_null(v))
		return 0;
	if (!json_is_object(v))
		return sov_error("%s: \"versions\" is not an object", what);
	if (info_from_json(json_object_get(v, "ours"), &c->info[0], what, "ours") < 0 ||
	    info_from_json(json_object_get(v, "theirs"), &c->info[1], what, "theirs") < 0)
		return -1;
	/* A side that deleted the file has nothing to describe. */
	if (!sov_conflict_version(c, SOV_CONFLICT_OURS))
		sov_conflict_info_release(&c->info[0]);
	if (!sov_conflict_version(c, SOV_CONFLICT_THEIRS))
		sov_conflict_info_release(&c->info[1]);
	return 0;
}

int sov_conflict_from_json(const json_t *obj, struct sov_conflict *c, const char *what)
{
	const char *path, *kind, *when, *source, *deleted_by;
	int has_ours, has_theirs;

	memset(c, 0, sizeof(*c));
	if (!json_is_object(obj))
		return sov_error("%s: not a JSON object", what);
	path = json_string_value(json_object_get(obj, "path"));
	kind = json_string_value(json_object_get(obj, "kind"));
	when = json_string_value(json_object_get(obj, "detected_at"));
	source = json_string_value(json_object_get(obj, "source"));
	if (!path || !*path)
		return sov_error("%s: \"path\" missing or not a string", what);
	if (!kind)
		return sov_error("%s: \"kind\" missing or not a string", what);
	if (!strcmp(kind, "text"))
		c->kind = SOV_CONFLICT_TEXT;
	else if (!strcmp(kind, "binary"))
		c->kind = SOV_CONFLICT_BINARY;
	else if (!strcmp(kind, "modify/delete"))
		c->kind = SOV_CONFLICT_MODIFY_DELETE;
	else if (!strcmp(kind, "copy"))
		c->kind = SOV_CONFLICT_COPY;
	else if (!strcmp(kind, "newest"))
		c->kind = SOV_CONFLICT_NEWEST;
	else
		return sov_error("%s: \"kind\" must be \"text\", \"binary\", "
				 "\"modify/delete\", \"copy\" or \"newest\"", what);
	if (c->kind == SOV_CONFLICT_MODIFY_DELETE) {
		deleted_by = json_string_value(json_object_get(obj, "deleted_by"));
		if (!deleted_by || (strcmp(deleted_by, "ours") && strcmp(deleted_by, "theirs")))
			return sov_error("%s: \"deleted_by\" must be \"ours\" or \"theirs\"",
					 what);
		c->deleted_by = !strcmp(deleted_by, "ours") ? SOV_CONFLICT_OURS
							    : SOV_CONFLICT_THEIRS;
	}
	/* Only the deleting side of a modify/delete may lack its version. */
	if (oid_from_json(obj, "base", 1, &c->has_base, &c->base, what) < 0 ||
	    oid_from_json(obj, "ours", !sov_conflict_version(c, SOV_CONFLICT_OURS),
			  &has_ours, &c->ours, what) < 0 ||
	    oid_from_json(obj, "theirs", !sov_conflict_version(c, SOV_CONFLICT_THEIRS),
			  &has_theirs, &c->theirs, what) < 0 ||
	    oid_from_json(obj, "ours_commit", 1, &c->has_ours_commit,
			  &c->ours_commit, what) < 0 ||
	    oid_from_json(obj, "theirs_commit", 1, &c->has_theirs_commit,
			  &c->theirs_commit, what) < 0)
		return -1;
	if (c->kind == SOV_CONFLICT_MODIFY_DELETE &&
	    (c->deleted_by == SOV_CONFLICT_OURS ? has_ours : has_theirs))
		return sov_error("%s: \"deleted_by\" is \"%s\" but \"%s\" is not null",
				 what, sov_conflict_side_name(c->deleted_by),
				 sov_conflict_side_name(c->deleted_by));
	if (!when || sov_time_parse_str(when, &c->detected_at) < 0)
		return sov_error("%s: \"detected_at\" is not a timestamp", what);
	if (choice_from_json(obj, c, what) < 0 || versions_from_json(obj, c, what) < 0)
		return -1;
	if (c->kind == SOV_CONFLICT_COPY) {
		const char *copy = json_string_value(json_object_get(obj, "copy"));

		if (!copy || !*copy)
			return sov_error("%s: \"copy\" missing or not a string", what);
		c->copy = sov_strdup(copy);
	}
	c->path = sov_strdup(path);
	c->source = sov_strdup(source ? source : "local");
	return 0;
}

static int parse_queue(const json_t *root, struct sov_conflicts *q, const char *file)
{
	struct sov_buf what = SOV_BUF_INIT;
	const json_t *list, *entry;
	json_t *version;
	size_t i;
	int ret = 0;

	if (!json_is_object(root))
		return sov_error("%s: not a JSON object", file);
	version = json_object_get(root, "version");
	if (!json_is_integer(version) || json_integer_value(version) < 1)
		return sov_error("%s: \"version\" missing or invalid", file);
	if (json_integer_value(version) > SOV_CONFLICTS_VERSION)
		return sov_error("%s: version %lld is newer than this sovsync reads (%d)",
				 file, (long long)json_integer_value(version),
				 SOV_CONFLICTS_VERSION);
	list = json_object_get(root, "conflicts");
	if (!json_is_array(list))
		return sov_error("%s: \"conflicts\" is not an array", file);
	json_array_foreach(list, i, entry) {
		struct sov_conflict c;

		sov_buf_reset(&what);
		sov_buf_addf(&what, "%s: conflicts[%zu]", file, i);
		if (sov_conflict_from_json(entry, &c, what.ptr) < 0) {
			sov_conflict_release(&c);
			ret = -1;
			break;
		}
		put(q, &c);
		sov_conflict_release(&c);
	}
	sov_buf_release(&what);
	return ret;
}

static int load_path(const char *path, struct sov_conflicts *q)
{
	json_t *root;
	int ret;

	sov_conflicts_release(q);
	if (sov_os_access(path, F_OK) < 0)
		return 0;
	if (sov_json_load_file(&root, path) < 0)
		return -1;
	ret = parse_queue(root, q, path);
	json_decref(root);
	if (ret < 0)
		sov_conflicts_release(q);
	return ret;
}

int sov_conflicts_load(git_repository *repo, struct sov_conflicts *q)
{
	struct sov_buf path = SOV_BUF_INIT;
	int ret = -1;

	if (sov_repo_state_path(repo, QUEUE_FILE, &path) == 0)
		ret = load_path(path.ptr, q);
	sov_buf_release(&path);
	return ret;
}

static int save_path(const char *path, const struct sov_conflicts *q)
{
	json_t *root = json_pack("{s:i, s:o}", "version", SOV_CONFLICTS_VERSION,
				 "conflicts", sov_conflicts_to_json(q));
	int ret = sov_json_write_file(path, root);

	json_decref(root);
	return ret;
}

/*
 * Load, let `change` edit, write back if it changed something; all under
 * the queue's lock.  `change` returns 1 (changed), 0 (nothing to do).  A
 * damaged queue is an error, not a reason to start afresh: it holds the only
 * record of conflicts the user has not seen yet.
 */
static int update(git_repository *repo,
		  int (*change)(struct sov_conflicts *, const void *), const void *arg)
{
	struct sov_conflicts q = SOV_CONFLICTS_INIT;
	struct sov_buf path = SOV_BUF_INIT;
	int lock, ret = -1;

	lock = sov_repo_lock(repo, QUEUE_LOCK, 1);
	if (lock < 0)
		return -1;
	if (sov_repo_state_path(repo, QUEUE_FILE, &path) < 0 ||
	    load_path(path.ptr, &q) < 0)
		goto out;
	ret = change(&q, arg);
	if (ret > 0 && save_path(path.ptr, &q) < 0)
		ret = -1;
out:
	sov_repo_unlock(lock);
	sov_conflicts_release(&q);
	sov_buf_release(&path);
	return ret;
}

static int change_add(struct sov_conflicts *q, const void *arg)
{
	put(q, arg);
	return 1;
}

static int is_utf8(const char *s)
{
	json_t *probe = json_string(s);

	json_decref(probe);
	return probe != NULL;
}

int sov_conflicts_add(git_repository *repo, const struct sov_conflict *c)
{
	if (!c->path || !*c->path)
		return sov_error("conflict queue: an entry needs a path");
	/* JSON strings are UTF-8; Git paths need not be. */
	if (!is_utf8(c->path))
		return sov_error("conflict queue: path '%s' is not valid UTF-8", c->path);
	if (c->source && !is_utf8(c->source))
		return sov_error("conflict queue: source '%s' is not valid UTF-8", c->source);
	return update(repo, change_add, c) < 0 ? -1 : 0;
}

static int change_remove(struct sov_conflicts *q, const void *arg)
{
	int found;
	size_t i = lookup(q, arg, &found);

	if (!found)
		return 0;
	sov_conflict_release(&q->items[i]);
	memmove(q->items + i, q->items + i + 1, (q->nr - i - 1) * sizeof(*q->items));
	q->nr--;
	return 1;
}

int sov_conflicts_remove(git_repository *repo, const char *path)
{
	return update(repo, change_remove, path);
}
