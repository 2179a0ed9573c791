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

#define QUEUE_FILE "conflicts.json"
#define QUEUE_LOCK "conflicts"

void sov_conflict_release(struct sov_conflict *c)
{
	free(c->path);
	free(c->source);
	c->path = NULL;
	c->source = NULL;
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
	case SOV_CONFLICT_TEXT:
		break;
	}
	return "text";
}

const char *sov_conflict_side_name(enum sov_conflict_side side)
{
	return side == SOV_CONFLICT_OURS ? "ours" : "theirs";
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
	else
		return sov_error("%s: \"kind\" must be \"text\", \"binary\" or "
				 "\"modify/delete\"", what);
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
	if (access(path, F_OK) < 0)
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
