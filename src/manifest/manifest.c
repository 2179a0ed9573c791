/*
 * manifest.c - compute, stage and check the manifest; see manifest.h.
 *
 * One computation serves the three uses.  A snapshot (the files under the
 * root in an index or a tree, sorted by path) goes in; out come the expected
 * contents of the derived files (index.meta per user, sync_manifest.json)
 * when they are stale, and the expected "files" map of state.json.  The
 * pre-commit hook stages the result, a follow-up repair writes it to the
 * working tree, verify compares it with what the snapshot holds.
 *
 * Derived files are compared by value, not by bytes, so a manifest written
 * with other formatting by another tool (the web app) is not rewritten just
 * for that: no formatting ping-pong between writers.
 */
#include "manifest.h"
#include "blob.h"
#include "filter.h"
#include "frame.h"
#include "error.h"
#include "fs.h"
#include "hash.h"
#include "json.h"
#include "run.h"
#include "timestamp.h"
#include "trace.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "osfs.h"
#include <unistd.h>

#define US_PER_SEC 1000000LL
#define HISTORY_LIMIT 1000	/* first-parent steps searched for last_modified */

struct mfile {
	char *path;		/* repository-relative, owned */
	git_oid oid;		/* blob in the snapshot (unset when is_new and absent) */
	int in_snapshot;	/* the snapshot holds this path */
	int is_new;		/* content recomputed: differs from the snapshot's */
	struct sov_buf content;	/* the new content when is_new */
};

struct snapshot {
	struct mfile *v;
	size_t nr, alloc;
	json_t *state;		/* parsed <root>/state.json, or NULL */
};

/* A trusted commit: its files and its state.json entries. */
struct trusted {
	struct snapshot snap;
	json_t *files;			/* borrowed from snap.state */
	json_t *users;			/* parsed sync_manifest.json "users", owned */
	int is_set;
};

struct ctx {
	git_repository *repo;
	const struct sov_manifest_opts *opts;
	size_t root_len;		/* strlen(root) */
	struct trusted base, other;
	git_oid history;
	int has_history;
	struct sov_buf path;		/* scratch */
};

/* ---- snapshots ---- */

static int cmp_mfile(const void *a, const void *b)
{
	return strcmp(((const struct mfile *)a)->path, ((const struct mfile *)b)->path);
}

static struct mfile *snapshot_add(struct snapshot *s, const char *path, const git_oid *oid)
{
	struct mfile *f;

	SOV_ALLOC_GROW(s->v, s->nr + 1, s->alloc);
	f = &s->v[s->nr++];
	memset(f, 0, sizeof(*f));
	f->path = sov_strdup(path);
	if (oid) {
		git_oid_cpy(&f->oid, oid);
		f->in_snapshot = 1;
	}
	sov_buf_init(&f->content, 0);
	return f;
}

static struct mfile *snapshot_find(const struct snapshot *s, const char *path)
{
	struct mfile key = { .path = (char *)path };

	if (!s->nr)
		return NULL;
	return bsearch(&key, s->v, s->nr, sizeof(*s->v), cmp_mfile);
}

static void snapshot_release(struct snapshot *s)
{
	size_t i;

	for (i = 0; i < s->nr; i++) {
		free(s->v[i].path);
		sov_buf_release(&s->v[i].content);
	}
	free(s->v);
	json_decref(s->state);
	memset(s, 0, sizeof(*s));
}

static int load_blob_json(git_repository *repo, const git_oid *oid, const char *what,
			  json_t **out)
{
	struct sov_buf data = SOV_BUF_INIT;
	int ret = -1;

	*out = NULL;
	if (sov_manifest_real_content(repo, oid, &data) == 0)
		ret = sov_json_load(out, data.ptr, data.len, what);
	sov_buf_release(&data);
	return ret;
}

/* Sort, then parse state.json.  An unreadable state.json counts as absent. */
static int snapshot_finish(git_repository *repo, struct snapshot *s, const char *root)
{
	struct sov_buf path = SOV_BUF_INIT;
	struct mfile *f;

	if (s->nr)	/* qsort(NULL, 0, ...) is undefined */
		qsort(s->v, s->nr, sizeof(*s->v), cmp_mfile);
	sov_buf_addf(&path, "%s/state.json", root);
	f = snapshot_find(s, path.ptr);
	if (f && load_blob_json(repo, &f->oid, path.ptr, &s->state) < 0) {
		sov_trace("ignoring %s: %s", path.ptr, sov_error_last());
		sov_error_clear();
	}
	if (s->state && !json_is_object(s->state)) {
		json_decref(s->state);
		s->state = NULL;
	}
	sov_buf_release(&path);
	return 0;
}

/*
 * A symbolic link staged where HEAD has a directory: a directory under the
 * root moved elsewhere and linked back, then `git add -A`.  Git tracks no
 * file beyond a link, so the commit deletes every file of that directory
 * (on the remote too, once pushed).  The commit is the user's own; say it.
 */
static void warn_linked_dir(git_repository *repo, const char *path)
{
	git_object *obj = NULL;
	struct sov_buf spec = SOV_BUF_INIT;

	sov_buf_addf(&spec, "HEAD:%s", path);
	if (git_revparse_single(&obj, repo, spec.ptr) == 0 &&
	    git_object_type(obj) == GIT_OBJECT_TREE)
		sov_warn("%s: a directory in HEAD is committed as a symbolic link: "
			 "every file under it is deleted in this commit (sovsync sync "
			 "refuses this; move the directory back to keep its files)", path);
	git_error_clear();
	git_object_free(obj);
	sov_buf_release(&spec);
}

/*
 * The files under the root in the index Git is committing (GIT_INDEX_FILE),
 * listed by `git ls-files`: Git reads its index several times faster than
 * libgit2 parses it, which matters in a hook run on every commit.
 */
static int snapshot_from_index(git_repository *repo, const char *root, struct snapshot *s)
{
	struct sov_buf out = SOV_BUF_INIT;
	const char *p, *end;
	size_t root_len = strlen(root);
	int ret = -1;

	if (sov_run_git(&out, git_repository_workdir(repo), "ls-files", "--stage", "-z",
			"--full-name", "--", root, NULL) < 0)
		goto out;
	for (p = out.ptr, end = out.ptr + out.len; p < end; p += strlen(p) + 1) {
		/* "<mode> <oid> <stage>\t<path>" */
		const char *tab = strchr(p, '\t');
		git_oid oid;

		if (!tab || tab - p < 7 + GIT_OID_HEXSZ + 2 ||
		    git_oid_fromstrn(&oid, p + 7, GIT_OID_HEXSZ) < 0) {
			sov_error("git ls-files: unexpected output '%.60s'", p);
			goto out;
		}
		/* Unmerged paths stop the commit anyway; gitlinks have no content. */
		if (tab[-1] != '0' || !strncmp(p, "160000", 6))
			continue;
		/* A file named like the root itself is not under it. */
		if (strncmp(tab + 1, root, root_len) || tab[1 + root_len] != '/')
			continue;
		if (!strncmp(p, "120000", 6))
			warn_linked_dir(repo, tab + 1);
		snapshot_add(s, tab + 1, &oid);
	}
	ret = snapshot_finish(repo, s, root);
out:
	sov_buf_release(&out);
	return ret;
}

struct walk {
	struct snapshot *s;
	const char *root;
	struct sov_buf path;
};

static int walk_cb(const char *dir, const git_tree_entry *e, void *payload)
{
	struct walk *w = payload;

	if (git_tree_entry_type(e) != GIT_OBJECT_BLOB)
		return 0;
	sov_buf_reset(&w->path);
	sov_buf_addf(&w->path, "%s/%s%s", w->root, dir, git_tree_entry_name(e));
	snapshot_add(w->s, w->path.ptr, git_tree_entry_id(e));
	return 0;
}

static int snapshot_from_commit(git_repository *repo, const git_oid *commit_id,
				const char *root, struct snapshot *s)
{
	git_commit *commit = NULL;
	git_tree *tree = NULL, *sub = NULL;
	git_tree_entry *te = NULL;
	struct walk w = { s, root, SOV_BUF_INIT };
	int ret = -1, err;

	if (git_commit_lookup(&commit, repo, commit_id) < 0 ||
	    git_commit_tree(&tree, commit) < 0) {
		sov_error_git("commit %s", git_oid_tostr_s(commit_id));
		goto out;
	}
	err = git_tree_entry_bypath(&te, tree, root);
	if (err == GIT_ENOTFOUND || (!err && git_tree_entry_type(te) != GIT_OBJECT_TREE)) {
		ret = snapshot_finish(repo, s, root);
		goto out;
	}
	if (err < 0 || git_tree_lookup(&sub, repo, git_tree_entry_id(te)) < 0 ||
	    git_tree_walk(sub, GIT_TREEWALK_PRE, walk_cb, &w) < 0) {
		sov_error_git("%s: cannot read %s", git_oid_tostr_s(commit_id), root);
		goto out;
	}
	ret = snapshot_finish(repo, s, root);
out:
	sov_buf_release(&w.path);
	git_tree_entry_free(te);
	git_tree_free(sub);
	git_tree_free(tree);
	git_commit_free(commit);
	return ret;
}

static int trusted_load(struct ctx *c, struct trusted *t, const git_oid *id)
{
	struct mfile *f;

	if (!id)
		return 0;
	if (snapshot_from_commit(c->repo, id, c->opts->root, &t->snap) < 0)
		return -1;
	t->is_set = 1;
	t->files = t->snap.state ? json_object_get(t->snap.state, "files") : NULL;
	if (t->files && !json_is_object(t->files))
		t->files = NULL;
	sov_buf_reset(&c->path);
	sov_buf_addf(&c->path, "%s/memories/sync_manifest.json", c->opts->root);
	f = snapshot_find(&t->snap, c->path.ptr);
	if (f) {
		json_t *m = NULL;

		if (load_blob_json(c->repo, &f->oid, c->path.ptr, &m) == 0 &&
		    json_is_object(json_object_get(m, "users")))
			t->users = json_incref(json_object_get(m, "users"));
		json_decref(m);
		sov_error_clear();
	}
	return 0;
}

static void trusted_release(struct trusted *t)
{
	snapshot_release(&t->snap);
	json_decref(t->users);
	memset(t, 0, sizeof(*t));
}

/* ---- content ---- */

int sov_manifest_real_content(git_repository *repo, const git_oid *blob,
			      struct sov_buf *out)
{
	git_blob *b = NULL;

	if (git_blob_lookup(&b, repo, blob) < 0)
		return sov_error_git("blob %s", git_oid_tostr_s(blob));
	/*
	 * The sovsync filter stores some files as compressed frames; their
	 * real content, the one the manifest describes, is the decoded frame.
	 */
	const void *data = git_blob_rawcontent(b);
	size_t len = (size_t)git_blob_rawsize(b);
	int ret = 0;

	if (sov_frame_is_encoded(data, len)) {
		if (sov_frame_decode_buf(data, len, out) < 0)
			ret = sov_error_prefix("blob %s", git_oid_tostr_s(blob));
	} else {
		sov_buf_add(out, data, len);
	}
	git_blob_free(b);
	return ret;
}

/* What the streaming decoder feeds: the hash and the size of the content. */
struct content_hash {
	struct sov_sha256 sha;
	uint64_t size;
};

static int content_hash_write(void *ctx, const void *data, size_t len)
{
	struct content_hash *ch = ctx;

	sov_sha256_update(&ch->sha, data, len);
	ch->size += len;
	return 0;
}

/*
 * The "sha256:<hex>" tag and size of a blob's real content, decoded chunk by
 * chunk (a blob without the stored form's header passes through as it is;
 * a chunk list reads its chunk blobs, chunkstore.h): a 1 GiB tracked file
 * is never held decoded.
 */
static int real_content_hash(git_repository *repo, const git_oid *blob, struct sov_buf *tag,
			     uint64_t *size)
{
	struct content_hash ch = { { NULL }, 0 };
	struct sov_filter f = SOV_FILTER_INIT;
	char hex[SOV_SHA256_HEXLEN + 1];

	if (sov_sha256_init(&ch.sha) < 0)
		return -1;
	sov_filter_use_repo(&f, repo);
	sov_filter_start(&f, SOV_FILTER_SMUDGE, content_hash_write, &ch);
	if (sov_blob_stream(repo, blob, sov_filter_feed, &f) < 0 || sov_filter_finish(&f) < 0) {
		sov_filter_release(&f);
		sov_sha256_abort(&ch.sha);
		return sov_error_prefix("blob %s", git_oid_tostr_s(blob));
	}
	sov_filter_release(&f);
	sov_sha256_final_hex(&ch.sha, hex);
	sov_buf_reset(tag);
	sov_buf_addf(tag, "sha256:%s", hex);
	*size = ch.size;
	return 0;
}

static void sha256_tag(const void *data, size_t len, struct sov_buf *out)
{
	char hex[SOV_SHA256_HEXLEN + 1];

	sov_sha256_hex(data, len, hex);
	sov_buf_reset(out);
	sov_buf_addf(out, "sha256:%s", hex);
}

/* The memories of a mem0 export: {"results": [..]}, {"memories": [..]} or [..]. */
static json_t *memories_array(json_t *doc)
{
	json_t *a;

	if (json_is_array(doc))
		return doc;
	a = json_object_get(doc, "results");
	if (!json_is_array(a))
		a = json_object_get(doc, "memories");
	return json_is_array(a) ? a : NULL;
}

/* ---- timestamps ---- */

/*
 * The committer time of the oldest commit on `from`'s first-parent line that
 * has `path` with this blob without a gap: the commit that introduced it.
 */
static int introduced_time(struct ctx *c, const char *path, const git_oid *blob,
			   int64_t *out)
{
	git_commit *cur = NULL, *parent = NULL;
	int steps, ret = -1;

	if (git_commit_lookup(&cur, c->repo, &c->history) < 0)
		return sov_error_git("commit %s", git_oid_tostr_s(&c->history));
	for (steps = 0; steps < HISTORY_LIMIT && git_commit_parentcount(cur); steps++) {
		git_tree *tree = NULL;
		git_tree_entry *te = NULL;
		int same;

		if (git_commit_parent(&parent, cur, 0) < 0 ||
		    git_commit_tree(&tree, parent) < 0) {
			sov_error_git("parent of %s", git_oid_tostr_s(git_commit_id(cur)));
			git_commit_free(parent);
			goto out;
		}
		same = git_tree_entry_bypath(&te, tree, path) == 0 &&
			git_oid_equal(git_tree_entry_id(te), blob);
		git_tree_entry_free(te);
		git_tree_free(tree);
		if (!same) {
			git_commit_free(parent);
			break;
		}
		git_commit_free(cur);
		cur = parent;
	}
	*out = (int64_t)git_commit_time(cur) * US_PER_SEC;
	ret = 0;
out:
	git_commit_free(cur);
	return ret;
}

/* The blob at `path` in commit `commit`: 1 with `out` set, 0 when absent, -1. */
static int commit_blob(const git_commit *commit, const char *path, git_oid *out)
{
	git_tree *tree = NULL;
	git_tree_entry *te = NULL;
	int ret = 0;

	if (git_commit_tree(&tree, commit) < 0)
		return sov_error_git("tree of %s", git_oid_tostr_s(git_commit_id(commit)));
	if (git_tree_entry_bypath(&te, tree, path) == 0) {
		git_oid_cpy(out, git_tree_entry_id(te));
		ret = 1;
	}
	git_error_clear();
	git_tree_entry_free(te);
	git_tree_free(tree);
	return ret;
}

/* The commit's Sovsync-Source trailer into `out`, else "web". */
static void commit_source(const git_commit *commit, struct sov_buf *out)
{
	git_message_trailer_array trailers = { 0 };
	size_t i;

	sov_buf_reset(out);
	if (git_message_trailers(&trailers, git_commit_message(commit)) == 0) {
		for (i = 0; i < trailers.count; i++) {
			if (!strcasecmp(trailers.trailers[i].key, SOV_MANIFEST_SOURCE_TRAILER) &&
			    *trailers.trailers[i].value) {
				sov_buf_addstr(out, trailers.trailers[i].value);
				break;
			}
		}
		git_message_trailer_array_free(&trailers);
	}
	git_error_clear();
	if (!out->len)
		sov_buf_addstr(out, SOV_MANIFEST_SOURCE_WEB);
}

/*
 * Whether a commit that arrived (opts->arrived_tip, not reachable from
 * opts->arrived_base) introduced `blob` at `path`: it has it and none of
 * its parents does.  The oldest such commit gives `source` (its trailer,
 * else "web") and *when (its committer time).  1 found, 0 not (the blob
 * came from this side), -1 on error.
 */
static int arrived_source(struct ctx *c, const char *path, const git_oid *blob,
			  struct sov_buf *source, int64_t *when)
{
	git_revwalk *walk = NULL;
	git_oid id, have;
	int steps = 0, ret = 0, err;

	if (git_revwalk_new(&walk, c->repo) < 0)
		return sov_error_git("cannot walk the commits that arrived");
	git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL | GIT_SORT_REVERSE);
	if (git_revwalk_push(walk, c->opts->arrived_tip) < 0 ||
	    (c->opts->arrived_base && git_revwalk_hide(walk, c->opts->arrived_base) < 0)) {
		ret = sov_error_git("commits that arrived");
		goto out;
	}
	while (!ret && steps++ < HISTORY_LIMIT && (err = git_revwalk_next(&id, walk)) == 0) {
		git_commit *commit = NULL;
		unsigned i, n;
		int r, introduced = 1;

		if (git_commit_lookup(&commit, c->repo, &id) < 0) {
			ret = sov_error_git("commit %s", git_oid_tostr_s(&id));
			break;
		}
		r = commit_blob(commit, path, &have);
		if (r <= 0 || !git_oid_equal(&have, blob)) {
			git_commit_free(commit);
			if (r < 0)
				ret = -1;
			continue;
		}
		n = git_commit_parentcount(commit);
		for (i = 0; i < n && introduced; i++) {
			git_commit *parent = NULL;

			if (git_commit_parent(&parent, commit, i) < 0) {
				ret = sov_error_git("parent of %s", git_oid_tostr_s(&id));
				break;
			}
			r = commit_blob(parent, path, &have);
			if (r < 0)
				ret = -1;
			if (r == 1 && git_oid_equal(&have, blob))
				introduced = 0;
			git_commit_free(parent);
		}
		if (!ret && introduced) {
			commit_source(commit, source);
			*when = (int64_t)git_commit_time(commit) * US_PER_SEC;
			ret = 1;
		}
		git_commit_free(commit);
	}
out:
	git_error_clear();
	git_revwalk_free(walk);
	return ret;
}

int sov_manifest_commit_time(int64_t *out)
{
	const char *env = getenv("GIT_COMMITTER_DATE");
	struct sov_buf ident = SOV_BUF_INIT;
	const char *p, *end;
	char *num_end;
	long long secs;

	if (!env || !*env) {
		*out = sov_time_now() / US_PER_SEC * US_PER_SEC;
		return 0;
	}
	/* Git's internal format "@<secs> <tz>" or "<secs> <tz>" is common. */
	p = env + (*env == '@');
	secs = strtoll(p, &num_end, 10);
	if (num_end != p && (*num_end == ' ' || !*num_end) &&
	    (*env == '@' || num_end - p >= 9)) {
		*out = (int64_t)secs * US_PER_SEC;
		return 0;
	}
	/* Any other format: let Git parse it, exactly as it will for the commit. */
	if (sov_run_git(&ident, NULL, "var", "GIT_COMMITTER_IDENT", NULL) < 0)
		goto fail;
	sov_buf_rtrim(&ident);
	end = strrchr(ident.ptr, ' ');		/* before the zone */
	if (!end)
		goto fail;
	for (p = end; p > ident.ptr && isdigit((unsigned char)p[-1]); p--)
		;
	secs = strtoll(p, NULL, 10);
	if (p == end)
		goto fail;
	*out = (int64_t)secs * US_PER_SEC;
	sov_buf_release(&ident);
	return 0;
fail:
	sov_buf_release(&ident);
	return sov_error("GIT_COMMITTER_DATE '%s': cannot parse", env);
}

/* ---- computing ---- */

static int entry_is_valid(json_t *e)
{
	return json_is_object(e) && json_is_string(json_object_get(e, "hash")) &&
		json_is_integer(json_object_get(e, "size")) &&
		json_is_string(json_object_get(e, "last_modified")) &&
		json_is_string(json_object_get(e, "source"));
}

/* The entry a trusted commit recorded for this blob at this path, or NULL. */
static json_t *trusted_entry(struct trusted *t, const struct mfile *f, const char *rel)
{
	struct mfile *tf;
	json_t *e;

	if (!t->is_set || !t->files || f->is_new)
		return NULL;
	tf = snapshot_find(&t->snap, f->path);
	if (!tf || !git_oid_equal(&tf->oid, &f->oid))
		return NULL;
	e = json_object_get(t->files, rel);
	return entry_is_valid(e) ? e : NULL;
}

/* A recorded entry with this content hash (for last_modified and source). */
static json_t *entry_by_hash(json_t *files, const char *rel, const char *hash)
{
	json_t *e = files ? json_object_get(files, rel) : NULL;

	if (entry_is_valid(e) && !strcmp(json_string_value(json_object_get(e, "hash")), hash))
		return e;
	return NULL;
}

static json_t *new_entry(const char *hash, uint64_t size, int64_t when, const char *source)
{
	struct sov_buf t = SOV_BUF_INIT;
	json_t *e;

	sov_time_format(when, &t);
	e = json_pack("{s:s, s:I, s:s, s:s}", "hash", hash, "size", (json_int_t)size,
		      "last_modified", t.ptr, "source", source);
	sov_buf_release(&t);
	return e;
}

/* Compute the entry of one file. */
static int file_entry(struct ctx *c, struct snapshot *s, struct mfile *f, json_t **out)
{
	const char *rel = f->path + c->root_len + 1;
	struct sov_buf hash = SOV_BUF_INIT, source = SOV_BUF_INIT;
	json_t *e, *prev;
	uint64_t size = 0;
	int64_t when = c->opts->commit_time;

	if ((e = trusted_entry(&c->base, f, rel)) || (e = trusted_entry(&c->other, f, rel))) {
		*out = json_incref(e);
		return 0;
	}
	if (f->is_new) {
		sha256_tag(f->content.ptr, f->content.len, &hash);
		size = f->content.len;
	} else if (real_content_hash(c->repo, &f->oid, &hash, &size) < 0) {
		sov_error_prefix("%s", f->path);
		goto fail;
	}

	prev = entry_by_hash(s->state ? json_object_get(s->state, "files") : NULL, rel, hash.ptr);
	if (!prev)
		prev = entry_by_hash(c->base.files, rel, hash.ptr);
	if (!prev)
		prev = entry_by_hash(c->other.files, rel, hash.ptr);
	if (prev) {
		/* Same content as recorded: it was not modified since then. */
		*out = json_pack("{s:s, s:I, s:O, s:O}", "hash", hash.ptr,
				 "size", (json_int_t)size,
				 "last_modified", json_object_get(prev, "last_modified"),
				 "source", json_object_get(prev, "source"));
	} else {
		int arrived = 0;

		/* Written by a commit that did not come through sovsync? */
		if (!f->is_new && c->opts->arrived_tip &&
		    (arrived = arrived_source(c, f->path, &f->oid, &source, &when)) < 0)
			goto fail;
		if (!arrived && !f->is_new && c->has_history &&
		    introduced_time(c, f->path, &f->oid, &when) < 0)
			goto fail;
		*out = new_entry(hash.ptr, size, when, arrived ? source.ptr : c->opts->source);
	}
	sov_buf_release(&hash);
	sov_buf_release(&source);
	return 0;
fail:
	sov_buf_release(&hash);
	sov_buf_release(&source);
	return -1;
}

/* Set f's new content to the canonical text of `value`. */
static void set_content(struct mfile *f, const json_t *value)
{
	f->is_new = 1;
	sov_buf_reset(&f->content);
	sov_json_dump(value, &f->content);
}

/* The file at `path`, inserted in order (with no content) when absent. */
static struct mfile *find_or_add(struct snapshot *s, const char *path)
{
	struct mfile *f = snapshot_find(s, path);
	size_t pos;

	if (f)
		return f;
	snapshot_add(s, path, NULL);
	for (pos = s->nr - 1; pos > 0 && strcmp(s->v[pos - 1].path, path) > 0; pos--)
		;
	if (pos != s->nr - 1) {
		struct mfile tmp = s->v[s->nr - 1];

		memmove(&s->v[pos + 1], &s->v[pos], (s->nr - 1 - pos) * sizeof(*s->v));
		s->v[pos] = tmp;
	}
	return &s->v[pos];
}

static int load_existing(struct ctx *c, struct mfile *f, json_t **out)
{
	*out = NULL;
	if (f->in_snapshot && load_blob_json(c->repo, &f->oid, f->path, out) < 0) {
		sov_trace("rewriting %s: %s", f->path, sov_error_last());
		sov_error_clear();
	}
	if (*out && !json_is_object(*out)) {
		json_decref(*out);
		*out = NULL;
	}
	if (!*out)
		*out = json_object();
	return 0;
}

/* Count and hash of one user's memories.json. */
static int user_summary(struct ctx *c, struct mfile *mem, const char *user, json_t **out)
{
	struct sov_buf data = SOV_BUF_INIT, hash = SOV_BUF_INIT;
	json_t *doc = NULL, *arr;
	struct mfile *bf;

	if (c->base.is_set && c->base.users &&
	    (bf = snapshot_find(&c->base.snap, mem->path)) &&
	    git_oid_equal(&bf->oid, &mem->oid)) {
		json_t *u = json_object_get(c->base.users, user);

		if (json_is_integer(json_object_get(u, "count")) &&
		    json_is_string(json_object_get(u, "hash"))) {
			*out = json_pack("{s:O, s:O}", "count", json_object_get(u, "count"),
					 "hash", json_object_get(u, "hash"));
			return 0;
		}
	}
	if (sov_manifest_real_content(c->repo, &mem->oid, &data) < 0 ||
	    sov_json_load(&doc, data.ptr, data.len, mem->path) < 0)
		goto fail;
	arr = memories_array(doc);
	if (!arr) {
		sov_error("%s: not a mem0 export (no \"results\" array)", mem->path);
		goto fail;
	}
	sha256_tag(data.ptr, data.len, &hash);
	*out = json_pack("{s:I, s:s}", "count", (json_int_t)json_array_size(arr),
			 "hash", hash.ptr);
	json_decref(doc);
	sov_buf_release(&data);
	sov_buf_release(&hash);
	return 0;
fail:
	json_decref(doc);
	sov_buf_release(&data);
	sov_buf_release(&hash);
	return -1;
}

/* Set meta's user_id, count and hash; 1 if it changed. */
static int update_meta(json_t *meta, const char *user, json_t *summary)
{
	json_t *id = json_string(user);
	int same = json_equal(json_object_get(meta, "user_id"), id) &&
		json_equal(json_object_get(meta, "count"), json_object_get(summary, "count")) &&
		json_equal(json_object_get(meta, "hash"), json_object_get(summary, "hash"));

	if (!same) {
		json_object_set(meta, "user_id", id);
		json_object_set(meta, "count", json_object_get(summary, "count"));
		json_object_set(meta, "hash", json_object_get(summary, "hash"));
	}
	json_decref(id);
	return !same;
}

/*
 * Bring index.meta of every user and sync_manifest.json up to date in the
 * snapshot (as new content where stale).  Users are the directories
 * <root>/memories/<user>/ holding a memories.json.
 */
static int compute_derived(struct ctx *c, struct snapshot *s)
{
	struct sov_buf prefix = SOV_BUF_INIT, meta_path = SOV_BUF_INIT;
	json_t *users = json_object(), *doc = NULL, *summary;
	struct mfile *f, *mems = NULL;
	size_t i, nr_mems = 0, alloc_mems = 0;
	int ret = -1;

	/* Collect first: adding index.meta entries moves the array. */
	sov_buf_addf(&prefix, "%s/memories/", c->opts->root);
	for (i = 0; i < s->nr; i++) {
		const char *user = s->v[i].path + prefix.len, *slash;

		if (strncmp(s->v[i].path, prefix.ptr, prefix.len) ||
		    !(slash = strchr(user, '/')) || strcmp(slash, "/memories.json"))
			continue;
		SOV_ALLOC_GROW(mems, nr_mems + 1, alloc_mems);
		mems[nr_mems] = s->v[i];	/* borrowed path and oid */
		nr_mems++;
	}
	for (i = 0; i < nr_mems; i++) {
		const char *user = mems[i].path + prefix.len;
		size_t ulen = (size_t)(strchr(user, '/') - user);
		json_t *meta;

		sov_buf_reset(&c->path);
		sov_buf_add(&c->path, user, ulen);
		if (user_summary(c, &mems[i], c->path.ptr, &summary) < 0)
			goto out;
		json_object_set_new(users, c->path.ptr, summary);

		sov_buf_reset(&meta_path);
		sov_buf_add(&meta_path, mems[i].path, prefix.len + ulen);
		sov_buf_addstr(&meta_path, "/index.meta");
		f = find_or_add(s, meta_path.ptr);
		load_existing(c, f, &meta);
		if (update_meta(meta, c->path.ptr, summary))
			set_content(f, meta);
		json_decref(meta);
	}
	sov_buf_reset(&c->path);
	sov_buf_addf(&c->path, "%s/memories/sync_manifest.json", c->opts->root);
	f = snapshot_find(s, c->path.ptr);
	if (f || json_object_size(users)) {
		f = find_or_add(s, c->path.ptr);
		load_existing(c, f, &doc);
		if (!json_equal(json_object_get(doc, "users"), users) ||
		    !json_object_get(doc, "version")) {
			if (!json_object_get(doc, "version"))
				json_object_set_new(doc, "version", json_integer(1));
			json_object_set(doc, "users", users);
			set_content(f, doc);
		}
	}
	ret = 0;
out:
	free(mems);
	json_decref(doc);
	json_decref(users);
	sov_buf_release(&prefix);
	sov_buf_release(&meta_path);
	return ret;
}

static int compute_files(struct ctx *c, struct snapshot *s, json_t **out)
{
	json_t *files = json_object();
	size_t i;

	sov_buf_reset(&c->path);
	sov_buf_addf(&c->path, "%s/state.json", c->opts->root);
	for (i = 0; i < s->nr; i++) {
		struct mfile *f = &s->v[i];
		json_t *e;

		if (!strcmp(f->path, c->path.ptr))
			continue;
		if (file_entry(c, s, f, &e) < 0) {
			json_decref(files);
			return -1;
		}
		json_object_set_new(files, f->path + c->root_len + 1, e);
	}
	*out = files;
	return 0;
}

/* pending_conflicts: the local conflict queue, paths made root-relative. */
static json_t *pending_conflicts(struct ctx *c, json_t *state)
{
	const char *path = c->opts->conflicts_path;
	json_t *queue = NULL, *list, *out, *item;
	size_t i;

	if (!path || !sov_fs_exists(path))
		return json_array();
	if (sov_json_load_file(&queue, path) < 0) {
		/* Keep what the manifest had rather than fail the commit. */
		sov_trace("conflict queue unreadable: %s", sov_error_last());
		sov_error_clear();
		list = state ? json_object_get(state, "pending_conflicts") : NULL;
		return json_is_array(list) ? json_deep_copy(list) : json_array();
	}
	out = json_array();
	list = json_object_get(queue, "conflicts");
	json_array_foreach(list, i, item) {
		const char *p = json_string_value(json_object_get(item, "path"));
		json_t *copy;

		if (!p || strncmp(p, c->opts->root, c->root_len) || p[c->root_len] != '/')
			continue;
		copy = json_deep_copy(item);
		json_object_set_new(copy, "path", json_string(p + c->root_len + 1));
		json_array_append_new(out, copy);
	}
	json_decref(queue);
	return out;
}

static json_t *default_state(void)
{
	return json_pack("{s:i, s:{s:n, s:n}, s:{}, s:[], s:{s:s, s:n, s:i}}",
			 "version", 1, "last_sync", "local_to_remote", "remote_to_local",
			 "files", "pending_conflicts", "sync_health", "status", "healthy",
			 "last_error", "consecutive_failures", 0);
}

/*
 * The whole computation: derived files, files map and, with `refresh`, the
 * new state.json as new content of the snapshot's state.json entry.
 */
static int compute(struct ctx *c, struct snapshot *s, int refresh, json_t **files_out)
{
	json_t *files = NULL;

	if (compute_derived(c, s) < 0 || compute_files(c, s, &files) < 0)
		return -1;
	if (refresh) {
		json_t *state = s->state ? json_deep_copy(s->state) : default_state();
		json_t *pending = pending_conflicts(c, s->state);

		if (!s->state || !json_equal(json_object_get(state, "files"), files) ||
		    !json_equal(json_object_get(state, "pending_conflicts"), pending)) {
			json_object_set(state, "files", files);
			json_object_set(state, "pending_conflicts", pending);
			set_content(find_or_add(s, c->path.ptr), state);
		}
		json_decref(pending);
		json_decref(state);
	}
	*files_out = files;
	return 0;
}

static int ctx_init(struct ctx *c, git_repository *repo, const struct sov_manifest_opts *opts)
{
	memset(c, 0, sizeof(*c));
	c->repo = repo;
	c->opts = opts;
	c->root_len = strlen(opts->root);
	sov_buf_init(&c->path, 0);
	if (opts->history) {
		git_oid_cpy(&c->history, opts->history);
		c->has_history = 1;
	}
	if (trusted_load(c, &c->base, opts->base) < 0 ||
	    trusted_load(c, &c->other, opts->other) < 0)
		return -1;
	return 0;
}

static void ctx_release(struct ctx *c)
{
	trusted_release(&c->base);
	trusted_release(&c->other);
	sov_buf_release(&c->path);
}

/* What the working tree holds at a path the manifest is about to write. */
enum wt_state {
	WT_OURS,	/* as the snapshot has it (or absent and not in it): replace */
	WT_SAME,	/* already the new content */
	WT_EDITED,	/* the user's own edit, not in the snapshot: keep it */
};

static enum wt_state worktree_state(git_repository *repo, const struct mfile *f,
				    const char *full, struct sov_buf *have)
{
	struct sov_os_stat st;
	git_oid id;

	if (sov_os_lstat(full, &st) < 0)
		/* Absent: a deletion the user made, unless the snapshot lacks it too. */
		return f->in_snapshot ? WT_EDITED : WT_OURS;
	if (st.type == SOV_OS_LNK) {
		/*
		 * Never written through.  A link that is staged as such (its
		 * target is the snapshot's blob) is replaced by the file; one
		 * that is not is the user's.
		 */
		char target[4096];
		ssize_t n = sov_os_readlink(full, target, sizeof(target));

		return f->in_snapshot && n >= 0 &&
			git_odb_hash(&id, target, (size_t)n, GIT_OBJECT_BLOB) == 0 &&
			git_oid_equal(&id, &f->oid) ? WT_OURS : WT_EDITED;
	}
	/* Read without following a link anywhere on the path. */
	if (st.type != SOV_OS_REG ||
	    sov_fs_read_under(git_repository_workdir(repo), f->path, have) != 0) {
		sov_error_clear();
		return WT_EDITED;	/* a directory, a fifo: leave it to the user */
	}
	if (have->len == f->content.len && !memcmp(have->ptr, f->content.ptr, have->len))
		return WT_SAME;
	if (f->in_snapshot && git_odb_hash(&id, have->ptr, have->len, GIT_OBJECT_BLOB) == 0 &&
	    git_oid_equal(&id, &f->oid))
		return WT_OURS;
	return WT_EDITED;
}

/*
 * The user's edited copy `have` with the members the manifest changed
 * (snapshot -> new content) taken from the new content, and every other
 * member as the user left it; 0 with `out` set, or 1 when either side is
 * not a JSON object (the copy is then left as it is).
 */
static int merge_derived(struct ctx *c, const struct mfile *f, const struct sov_buf *have,
			 struct sov_buf *out)
{
	json_t *old = NULL, *mine = NULL, *theirs = NULL, *v;
	const char *key;
	void *tmp;
	int ret = 1;

	if (sov_json_load(&mine, have->ptr, have->len, f->path) < 0 || !json_is_object(mine) ||
	    sov_json_load(&theirs, f->content.ptr, f->content.len, f->path) < 0)
		goto out;
	if (!f->in_snapshot)
		old = json_object();
	else if (load_blob_json(c->repo, &f->oid, f->path, &old) < 0 || !json_is_object(old))
		goto out;
	json_object_foreach(theirs, key, v)
		if (!json_equal(v, json_object_get(old, key)))
			json_object_set(mine, key, v);
	json_object_foreach_safe(old, tmp, key, v)
		if (!json_object_get(theirs, key))
			json_object_del(mine, key);
	sov_json_dump(mine, out);
	ret = 0;
out:
	sov_error_clear();
	json_decref(old);
	json_decref(mine);
	json_decref(theirs);
	return ret;
}

/*
 * Store every new content as a blob and list "<blob id> <path>" lines in
 * `list`; write it into the working tree too, unless the working tree copy
 * holds an edit of the user's that the snapshot does not (not staged, or a
 * follow-up on a commit that lacks it).  Such an edit is never overwritten
 * and never committed: the copy keeps it, with the members the manifest
 * changed brought up to date when both are JSON objects, so that `git
 * diff` afterwards shows just the user's edit.
 */
static int write_results(struct ctx *c, struct snapshot *s, struct sov_buf *list)
{
	const char *wd = git_repository_workdir(c->repo);
	struct sov_buf full = SOV_BUF_INIT, have = SOV_BUF_INIT, merged = SOV_BUF_INIT;
	char hex[GIT_OID_HEXSZ + 1];
	size_t i;
	int ret = 0;

	if (!wd)
		return sov_error("%s: no working tree", git_repository_path(c->repo));
	for (i = 0; i < s->nr && !ret; i++) {
		struct mfile *f = &s->v[i];
		enum wt_state state;
		git_oid id;

		if (!f->is_new)
			continue;
		if (git_blob_create_from_buffer(&id, c->repo, f->content.ptr, f->content.len) < 0) {
			ret = sov_error_git("%s: cannot store", f->path);
			break;
		}
		sov_buf_addf(list, "%s %s\n", git_oid_tostr(hex, sizeof(hex), &id), f->path);
		sov_buf_reset(&full);
		sov_buf_addf(&full, "%s%s", wd, f->path);
		sov_buf_reset(&have);
		state = worktree_state(c->repo, f, full.ptr, &have);
		if (state == WT_SAME)
			continue;
		if (state == WT_EDITED) {
			sov_warn("%s: your unstaged edit is kept in the working tree (not "
				 "committed)", f->path);
			sov_buf_reset(&merged);
			if (have.len && merge_derived(c, f, &have, &merged) == 0 &&
			    (merged.len != have.len || memcmp(merged.ptr, have.ptr, have.len)))
				ret = sov_fs_replace_under(wd, f->path, merged.ptr, merged.len,
							   -1, 0);
			continue;
		}
		/* Never through a link (a root or a directory swapped for one). */
		ret = sov_fs_replace_under(wd, f->path, f->content.ptr, f->content.len, -1,
					   SOV_FS_MKDIRS);
	}
	sov_buf_release(&full);
	sov_buf_release(&have);
	sov_buf_release(&merged);
	return ret;
}

int sov_manifest_stage(git_repository *repo, const char *list)
{
	const char *wd = git_repository_workdir(repo);
	struct sov_buf copy = SOV_BUF_INIT, info = SOV_BUF_INIT;
	struct sov_argv argv = SOV_ARGV_INIT;
	char *line, *save = NULL;
	int ret = 0;

	if (!wd)
		return sov_error("%s: no working tree", git_repository_path(repo));
	sov_buf_addstr(&copy, list);
	/* update-index, not add: no pathspec matching over the whole index. */
	sov_argv_pushl(&argv, "git", "update-index", "--add", "--", NULL);
	for (line = strtok_r(copy.ptr, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		const char *path = line + GIT_OID_HEXSZ + 1;
		git_oid want, id;

		if (strlen(line) < GIT_OID_HEXSZ + 2 || line[GIT_OID_HEXSZ] != ' ' ||
		    git_oid_fromstrn(&want, line, GIT_OID_HEXSZ) < 0) {
			ret = sov_error("bad staging line '%.80s'", line);
			goto out;
		}
		/*
		 * From the working tree when it holds the blob (the index entry
		 * then gets its stat data, and the tree shows clean); by id
		 * when it holds an edit of the user's, which must stay unstaged.
		 */
		if (sov_blob_worktree_id(wd, path, &id) == 0 && git_oid_equal(&id, &want)) {
			sov_argv_push(&argv, path);
		} else {
			line[GIT_OID_HEXSZ] = '\0';
			sov_buf_addf(&info, "100644 %s\t%s\n", line, path);
		}
		sov_error_clear();
	}
	if (argv.n > 4)
		ret = sov_run_git_argv(NULL, wd, NULL, argv.v);
	if (!ret && info.len) {
		const char *index_info[] = { "git", "update-index", "--add", "--index-info", NULL };

		/* The message names git's own cause. */
		ret = sov_run_git_input(NULL, wd, index_info, info.ptr, info.len);
	}
out:
	sov_argv_release(&argv);
	sov_buf_release(&copy);
	sov_buf_release(&info);
	return ret;
}

int sov_manifest_stage_commit(git_repository *repo, const git_oid *commit,
			      const char *list)
{
	const char *wd = git_repository_workdir(repo);
	const char *update_index[] = { "git", "update-index", "-z", "--index-info", NULL };
	struct sov_buf copy = SOV_BUF_INIT, info = SOV_BUF_INIT;
	struct sov_argv argv = SOV_ARGV_INIT;
	git_commit *c = NULL;
	git_tree *tree = NULL;
	char *line, *save = NULL;
	int ret = -1;

	if (git_commit_lookup(&c, repo, commit) < 0 || git_commit_tree(&tree, c) < 0) {
		sov_error_git("commit %s", git_oid_tostr_s(commit));
		goto out;
	}
	sov_buf_addstr(&copy, list);
	/* Literal: a path such as "notes[1].md" is not a pattern. */
	sov_argv_pushl(&argv, "git", "--literal-pathspecs", "add", "--refresh", "--", NULL);
	for (line = strtok_r(copy.ptr, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		const char *path = line + GIT_OID_HEXSZ + 1;
		git_tree_entry *e = NULL;
		char hex[GIT_OID_HEXSZ + 1];

		if (strlen(line) < GIT_OID_HEXSZ + 2 || line[GIT_OID_HEXSZ] != ' ') {
			sov_error("bad staging line '%.80s'", line);
			goto out;
		}
		if (git_tree_entry_bypath(&e, tree, path) < 0) {
			sov_trace("stage: %s is not in %s", path, git_oid_tostr_s(commit));
			continue;
		}
		git_oid_tostr(hex, sizeof(hex), git_tree_entry_id(e));
		sov_buf_addf(&info, "%o %s\t%s", (unsigned)git_tree_entry_filemode(e), hex, path);
		sov_buf_addch(&info, '\0');
		git_tree_entry_free(e);
		sov_argv_push(&argv, path);
	}
	/*
	 * Two steps, each one index write: an entry given by --index-info has
	 * no stat info, so a crash between them leaves the right blob for Git
	 * to check against the file, never the old one.
	 */
	if (info.len && (sov_run_git_input(NULL, wd, update_index, info.ptr, info.len) < 0 ||
			 sov_run_git_argv(NULL, wd, NULL, argv.v) < 0))
		goto out;
	ret = 0;
out:
	sov_argv_release(&argv);
	git_tree_free(tree);
	git_commit_free(c);
	sov_buf_release(&copy);
	sov_buf_release(&info);
	return ret;
}

int sov_manifest_refresh_index(git_repository *repo, const struct sov_manifest_opts *opts,
			       struct sov_manifest_staged *out)
{
	struct snapshot s = { 0 };
	struct sov_buf state_path = SOV_BUF_INIT;
	struct mfile *state;
	struct ctx c;
	json_t *files = NULL;
	int ret = -1;

	out->has_state = 0;
	if (ctx_init(&c, repo, opts) < 0 || snapshot_from_index(repo, opts->root, &s) < 0)
		goto out;
	/* No synced root in this commit: nothing to describe, nothing to add. */
	if (!s.nr) {
		ret = 0;
		goto out;
	}
	if (compute(&c, &s, 1, &files) < 0 || write_results(&c, &s, &out->staged) < 0 ||
	    sov_manifest_stage(repo, out->staged.ptr) < 0)
		goto out;
	sov_buf_addf(&state_path, "%s/state.json", opts->root);
	if ((state = snapshot_find(&s, state_path.ptr))) {
		out->has_state = 1;
		if (!state->is_new)
			git_oid_cpy(&out->state, &state->oid);
		else if (git_odb_hash(&out->state, state->content.ptr, state->content.len,
				      GIT_OBJECT_BLOB) < 0)
			out->has_state = 0;
	}
	sov_trace("manifest: staged %s", out->staged.len ? out->staged.ptr : "nothing\n");
	ret = 0;
out:
	sov_buf_release(&state_path);
	json_decref(files);
	snapshot_release(&s);
	ctx_release(&c);
	return ret;
}

int sov_manifest_refresh_tree(git_repository *repo, const git_oid *commit,
			      const struct sov_manifest_opts *opts, struct sov_buf *paths)
{
	struct snapshot s = { 0 };
	struct ctx c;
	json_t *files = NULL;
	int ret = -1;

	if (ctx_init(&c, repo, opts) == 0 &&
	    snapshot_from_commit(repo, commit, opts->root, &s) == 0)
		ret = !s.nr ? 0 : compute(&c, &s, 1, &files) < 0 ? -1 :
			write_results(&c, &s, paths);
	json_decref(files);
	snapshot_release(&s);
	ctx_release(&c);
	return ret;
}

static void check_entry(const char *rel, json_t *want, json_t *have, struct sov_buf *report)
{
	json_t *lm;

	if (!json_is_object(have)) {
		sov_buf_addf(report, "missing: %s\n", rel);
		return;
	}
	if (!json_equal(json_object_get(want, "hash"), json_object_get(have, "hash")))
		sov_buf_addf(report, "hash differs: %s (tree %s, manifest %s)\n", rel,
			     json_string_value(json_object_get(want, "hash")),
			     json_string_value(json_object_get(have, "hash")) ?
			     json_string_value(json_object_get(have, "hash")) : "none");
	if (!json_equal(json_object_get(want, "size"), json_object_get(have, "size")))
		sov_buf_addf(report, "size differs: %s (tree %" SOV_JSON_INT_FMT ")\n", rel,
			     json_integer_value(json_object_get(want, "size")));
	lm = json_object_get(have, "last_modified");
	if (!json_is_string(lm) || sov_time_parse_str(json_string_value(lm), &(int64_t){0}) < 0) {
		sov_error_clear();
		sov_buf_addf(report, "bad last_modified: %s\n", rel);
	}
	if (!json_is_string(json_object_get(have, "source")) ||
	    !*json_string_value(json_object_get(have, "source")))
		sov_buf_addf(report, "bad source: %s\n", rel);
}

int sov_manifest_verify(git_repository *repo, const git_oid *commit,
			const struct sov_manifest_opts *opts, struct sov_buf *report)
{
	struct snapshot s = { 0 };
	struct ctx c;
	json_t *files = NULL, *have, *want;
	const char *rel;
	size_t i, start = report->len;
	int ret = -1;

	if (ctx_init(&c, repo, opts) < 0 ||
	    snapshot_from_commit(repo, commit, opts->root, &s) < 0)
		goto out;
	if (!s.nr) {		/* no synced root: nothing to check */
		ret = 0;
		goto out;
	}
	if (compute(&c, &s, 0, &files) < 0)
		goto out;
	for (i = 0; i < s.nr; i++)
		if (s.v[i].is_new)
			sov_buf_addf(report, "stale: %s\n", s.v[i].path);
	have = s.state ? json_object_get(s.state, "files") : NULL;
	if (!s.state)
		sov_buf_addf(report, "missing: %s/state.json\n", opts->root);
	else if (!json_is_object(have))
		sov_buf_addf(report, "%s/state.json: no \"files\" object\n", opts->root);
	json_object_foreach(files, rel, want)
		if (!s.state || json_is_object(have))
			check_entry(rel, want, json_object_get(have, rel), report);
	if (json_is_object(have)) {
		json_object_foreach(have, rel, want)
			if (!json_object_get(files, rel))
				sov_buf_addf(report, "not in the tree: %s\n", rel);
	}
	ret = report->len > start;
out:
	json_decref(files);
	snapshot_release(&s);
	ctx_release(&c);
	return ret;
}

int sov_manifest_pending_is_current(git_repository *repo, const git_oid *commit,
				    const struct sov_manifest_opts *opts)
{
	struct snapshot s = { 0 };
	struct ctx c;
	json_t *pending = NULL;
	int ret = -1;

	memset(&c, 0, sizeof(c));
	c.repo = repo;
	c.opts = opts;
	c.root_len = strlen(opts->root);
	if (snapshot_from_commit(repo, commit, opts->root, &s) < 0)
		goto out;
	pending = pending_conflicts(&c, s.state);
	ret = !s.state || json_equal(json_object_get(s.state, "pending_conflicts"), pending);
out:
	json_decref(pending);
	snapshot_release(&s);
	return ret;
}

int sov_manifest_is_own_file(const char *root, const char *path)
{
	size_t n = strlen(root);
	const char *rel, *slash;

	if (strncmp(path, root, n) || path[n] != '/')
		return 0;
	rel = path + n + 1;
	if (!strcmp(rel, "state.json") || !strcmp(rel, "memories/sync_manifest.json"))
		return 1;
	if (strncmp(rel, "memories/", 9))
		return 0;
	slash = strchr(rel + 9, '/');
	return slash && !strcmp(slash, "/index.meta");
}
