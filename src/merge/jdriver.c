/*
 * jdriver.c - read, merge, write for the JSON merge drivers; see jdriver.h.
 */
#include "jdriver.h"
#include "ctx.h"
#include "error.h"
#include "filter.h"
#include "frame.h"
#include "fs.h"
#include "trace.h"

#include <fcntl.h>
#include <git2.h>
#include <stdint.h>
#include <unistd.h>
#include "osfs.h"
#include "osmem.h"

/* A side's bytes as Git handed them over: mapped, or read into `buf`. */
struct raw_side {
	const char *ptr;
	size_t len;
	struct sov_buf buf;	/* owned: the bytes read, when not mapped */
	const void *map;	/* owned: the file mapped (sov_os_map_file), or NULL */
};

#define RAW_SIDE_INIT { .buf = SOV_BUF_INIT }

/* One side, as the JSON drivers merge it. */
struct version {
	const char *ptr;	/* the JSON text: in `raw` or, decoded, in `text` */
	size_t len;
	struct raw_side raw;
	struct sov_buf text;	/* owned: the text decoded from the stored form */
	int present;
	int encoded;		/* Git gave the filter's stored form */
};

/*
 * Sides from this size up may be mapped, not read: the merge reads each
 * byte about once, and reading tens of megabytes costs zeroing as many
 * fresh pages and copying into them (about a fifth of a 100k-memory merge).
 */
#define MAP_MIN_SIZE (1u << 20)

/*
 * Open `file` once and take its bytes into `r`: mapped when `may_map` and
 * it is a regular file of MAP_MIN_SIZE bytes or more (a mapping that fails
 * falls back to reading), else read in one go into a buffer of the right
 * size.  0, or -1 with a message naming `file`.
 */
static int raw_load(const char *file, int may_map, struct raw_side *r)
{
	struct sov_os_stat st;
	int fd = sov_os_open(file, O_RDONLY, 0), ret;

	if (fd < 0)
		return sov_error_errno("%s: cannot open", file);
	if (sov_os_fstat(fd, &st) == 0 && st.type == SOV_OS_REG && st.size > 0 &&
	    st.size <= SIZE_MAX - 65536) {
		if (may_map && st.size >= MAP_MIN_SIZE)
			r->map = sov_os_map_file(fd, (size_t)st.size);
		if (r->map) {
			close(fd);
			r->ptr = r->map;
			r->len = (size_t)st.size;
			return 0;
		}
		/* One read into a buffer of the right size: these files can be big. */
		sov_buf_grow(&r->buf, (size_t)st.size + 65536);
		sov_os_advise_huge(r->buf.ptr, r->buf.alloc);
	}
	ret = sov_buf_read_fd(&r->buf, fd, file);
	close(fd);
	r->ptr = r->buf.ptr;
	r->len = r->buf.len;
	return ret;
}

static void raw_release(struct raw_side *r)
{
	sov_buf_release(&r->buf);
	sov_os_unmap(r->map, r->len);
	r->map = NULL;
	r->ptr = NULL;
	r->len = 0;
}

/*
 * The one place a side in the filter's stored form is decoded: into
 * `plain`, with *encoded set; other bytes are left alone.  0 or -1.
 */
static int raw_decode(const struct raw_side *r, struct sov_buf *plain, int *encoded)
{
	if (!sov_frame_is_encoded(r->ptr, r->len))
		return 0;
	if (sov_frame_decode_buf(r->ptr, r->len, plain) < 0)
		return -1;
	*encoded = 1;
	return 0;
}

int sov_jdriver_read_side(const char *file, struct sov_buf *plain, struct sov_buf *stored,
			  int *encoded)
{
	struct raw_side raw = RAW_SIDE_INIT;

	*encoded = 0;
	sov_buf_reset(plain);
	if (stored)
		sov_buf_reset(stored);
	if (raw_load(file, 0, &raw) < 0 || raw_decode(&raw, plain, encoded) < 0) {
		raw_release(&raw);
		return -1;
	}
	if (!*encoded) {
		if (stored)
			sov_buf_add(stored, raw.ptr, raw.len);
		sov_buf_release(plain);
		*plain = raw.buf;
		return 0;
	}
	if (stored) {
		sov_buf_release(stored);
		*stored = raw.buf;
	} else {
		raw_release(&raw);
	}
	return 0;
}

/*
 * How the JSON drivers read a version: as sov_jdriver_read_side() does,
 * but a large side may stay mapped; remembering whether it came encoded,
 * so that the result goes back in the same form.  A damaged frame is an
 * error naming the side; the merge then stops with a conflict.
 */
static int read_version(const char *file, int side, const char *path,
			struct version *v)
{
	v->present = 0;
	v->encoded = 0;
	/* Git always writes %O; a missing one is just no base. */
	if (side == SOV_JMERGE_BASE && !sov_fs_exists(file))
		return 0;
	if (raw_load(file, 1, &v->raw) < 0 || raw_decode(&v->raw, &v->text, &v->encoded) < 0)
		return sov_error_prefix("%s: %s", path, sov_jmerge_side_name(side));
	if (v->encoded) {
		/* Only the decoded text is needed from here on. */
		raw_release(&v->raw);
		v->ptr = v->text.ptr;
		v->len = v->text.len;
	} else {
		v->ptr = v->raw.ptr;
		v->len = v->raw.len;
	}
	v->present = 1;
	return 0;
}

/*
 * %A's temporary file: in the context's git directory; beside %A outside a
 * repository (a driver run by hand).
 */
static int replace_in_gitdir(const struct sov_ctx *ctx, const char *file, const void *data,
			     size_t len)
{
	const char *gitdir = ctx->repo ? git_repository_path(ctx->repo) : NULL;

	return sov_fs_replace_via(file, gitdir, data, len, -1);
}

/*
 * The only place the drivers write the result: atomically, so that %A is
 * either the old or the merged text.  No fsync: %A is Git's temporary
 * file, which Git reads back as soon as we exit and stores itself.  When
 * `ours` came in the filter's stored form the result is stored the same
 * way, as the clean filter would have (the encoding is deterministic, so
 * every clone with the same sovsync.filter.minSize stores the same blob
 * for the same merge).
 */
int sov_jdriver_replace(struct sov_ctx *ctx, const char *file, const void *data, size_t len,
			int encode)
{
	struct sov_buf stored = SOV_BUF_INIT;
	int ret;

	if (!encode)
		return replace_in_gitdir(ctx, file, data, len);
	/* As clean stores it: a result below minSize goes back plain. */
	ret = sov_ctx_load(ctx, SOV_SET_FILTER);
	if (ret == 0)
		ret = sov_filter_clean_buf(data, len, (uint64_t)ctx->set.filter_min_size,
					   &stored);
	if (ret == 0)
		ret = replace_in_gitdir(ctx, file, stored.ptr, stored.len);
	sov_buf_release(&stored);
	return ret;
}

int sov_jdriver_run(struct sov_ctx *ctx, const struct sov_jpolicy *policy, const char *base,
		    const char *ours, const char *theirs, const char *path)
{
	const char *files[3] = { base, ours, theirs };
	struct version v[3] = {
		{ .raw = RAW_SIDE_INIT, .text = SOV_BUF_INIT },
		{ .raw = RAW_SIDE_INIT, .text = SOV_BUF_INIT },
		{ .raw = RAW_SIDE_INIT, .text = SOV_BUF_INIT },
	};
	const char *doc[3];
	size_t len[3];
	struct sov_buf out = SOV_BUF_INIT;
	struct sov_jmerge m;
	int ret = -1, i;

	sov_jmerge_init(&m, path);
	for (i = 0; i < 3; i++) {
		if (read_version(files[i], i, path, &v[i]) < 0)
			goto out;
		doc[i] = v[i].present ? v[i].ptr : NULL;
		len[i] = v[i].len;
	}
	if (policy->side_times)
		policy->side_times(&m, doc, len);
	if (sov_jmerge_run(&m, policy->root, doc, len, &out) < 0) {
		if (m.bad_side != SOV_JMERGE_BASE)
			goto out;
		/* A criss-cross virtual base may not be JSON: merge two-way. */
		sov_trace("%s: %s: %s; merging without it", policy->name, path,
			  sov_error_last());
		sov_error_clear();
		sov_jmerge_release(&m);
		sov_jmerge_init(&m, path);
		doc[0] = NULL;
		if (policy->side_times)
			policy->side_times(&m, doc, len);
		if (sov_jmerge_run(&m, policy->root, doc, len, &out) < 0)
			goto out;
	}
	if (sov_jdriver_replace(ctx, ours, out.ptr, out.len, v[SOV_JMERGE_OURS].encoded) < 0) {
		sov_error_prefix("%s", path);
		goto out;
	}
	sov_trace("%s: %s: %zu added, %zu updated, %zu deleted, %zu deduplicated, "
		  "%zu concurrent edits; other layouts: %zu values laid out, %zu parsed",
		  policy->name, path, m.stats.added, m.stats.updated, m.stats.deleted,
		  m.stats.deduplicated, m.stats.conflicts, m.stats.relaid, m.stats.parsed);
	ret = 0;
out:
	sov_jmerge_release(&m);
	sov_buf_release(&out);
	for (i = 0; i < 3; i++) {
		raw_release(&v[i].raw);
		sov_buf_release(&v[i].text);
	}
	return ret;
}
