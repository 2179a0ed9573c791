/*
 * gitindex.c - Git's index file read directly; see gitindex.h.
 */
#include "gitindex.h"
#include "blob.h"
#include "error.h"
#include "fs.h"
#include "hash.h"
#include "osfs.h"
#include "trace.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define HASH_LEN 20		/* SHA-1; other object formats are left to Git */
#define STAT_LEN 40		/* ctime, mtime (sec, nsec), dev, ino, mode, uid, gid, size */
#define F_ASSUME_VALID 0x8000
#define F_EXTENDED 0x4000
#define F_NAMEMASK 0x0fff
#define X_INTENT_TO_ADD 0x2000

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put_be32(unsigned char *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static unsigned be16(const unsigned char *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

/* Git's varint of index version 4 (varint.c); 0 with *p unmoved when bad. */
static int get_varint(const unsigned char **p, const unsigned char *end, uint64_t *out)
{
	const unsigned char *q = *p;
	uint64_t v;
	unsigned char c;

	if (q >= end)
		return -1;
	c = *q++;
	v = c & 127;
	while (c & 128) {
		v += 1;
		if (v >> 56 || q >= end)
			return -1;
		c = *q++;
		v = (v << 7) + (c & 127);
	}
	*p = q;
	*out = v;
	return 0;
}

static void add_entry(struct sov_gitindex *ix, const char *path, size_t len,
		      const unsigned char *ce, size_t off, unsigned flags, unsigned xflags)
{
	struct sov_gitindex_entry *e;

	SOV_ALLOC_GROW(ix->v, ix->nr + 1, ix->alloc);
	e = &ix->v[ix->nr++];
	e->path = sov_malloc(len + 1);
	memcpy(e->path, path, len);
	e->path[len] = '\0';
	e->mode = be32(ce + 24);
	e->stage = (flags >> 12) & 3;
	e->flags = flags;
	e->xflags = xflags;
	git_oid_fromraw(&e->oid, ce + STAT_LEN);
	e->off = off;
}

void sov_gitindex_release(struct sov_gitindex *ix)
{
	size_t i;

	for (i = 0; i < ix->nr; i++)
		free(ix->v[i].path);
	free(ix->v);
	ix->v = NULL;
	ix->nr = ix->alloc = 0;
	sov_buf_release(&ix->file);
	sov_os_unmap(ix->map, ix->len);
	ix->map = NULL;
	ix->len = 0;
}

/* Git reads (and reports) a damaged index in its own words: leave it to Git. */
static int damaged(struct sov_gitindex *ix, const char *what)
{
	sov_trace("%s: not read directly (%s)", ix->file.ptr, what);
	return 1;
}

/* Walk the extensions: 1 for a form left to Git, else 0 (rewritable set). */
static int read_extensions(struct sov_gitindex *ix)
{
	const unsigned char *d = ix->map;
	size_t pos = ix->ext_off;

	ix->rewritable = 1;
	while (pos < ix->end) {
		uint32_t size;

		if (ix->end - pos < 8 || (size = be32(d + pos + 4)) > ix->end - pos - 8)
			return damaged(ix, "extension size");
		/* The entries are elsewhere (split index) or folded (sparse index). */
		if (!memcmp(d + pos, "link", 4) || !memcmp(d + pos, "sdir", 4))
			return 1;
		/* A required extension this reader does not know: Git's business. */
		if (d[pos] < 'A' || d[pos] > 'Z')
			return 1;
		if (memcmp(d + pos, "TREE", 4) && memcmp(d + pos, "REUC", 4))
			ix->rewritable = 0;
		pos += 8 + size;
	}
	return 0;
}

int sov_gitindex_read(struct sov_gitindex *ix, const char *file, const char *dir)
{
	const unsigned char *d, *p, *end;
	struct sov_buf name = SOV_BUF_INIT;
	size_t dlen = strlen(dir);
	uint32_t i, nr;
	int fd, ret = -1;

	sov_buf_reset(&ix->file);
	sov_buf_addstr(&ix->file, file);
	fd = sov_os_open(file, O_RDONLY, 0);
	if (fd < 0) {
		if (errno == ENOENT)
			return 1;
		return sov_error_errno("%s: cannot open", file);
	}
	if (sov_os_fstat(fd, &ix->st) < 0) {
		sov_error_errno("%s: cannot stat", file);
		close(fd);
		return -1;
	}
	/*
	 * Mapped where the system allows, not read: no copy of a file of
	 * megabytes.  Git replaces the index by renaming a new file over it,
	 * so the mapping stays whole (osfs.h: Windows reads it instead).
	 */
	if (ix->st.size < 12 + HASH_LEN) {
		close(fd);
		return damaged(ix, "too short");
	}
	if ((size_t)ix->st.size != ix->st.size) {
		close(fd);
		return damaged(ix, "too large for memory");
	}
	ix->len = (size_t)ix->st.size;
	ix->map = sov_os_map_file(fd, ix->len);
	close(fd);
	if (!ix->map) {
		ix->len = 0;
		return sov_error_errno("%s: cannot map", file);
	}
	d = ix->map;
	if (memcmp(d, "DIRC", 4))
		return damaged(ix, "no index signature");
	ix->version = be32(d + 4);
	if (ix->version < 2 || ix->version > 4)
		return 1;
	nr = be32(d + 8);
	ix->end = ix->len - HASH_LEN;
	end = d + ix->end;
	p = d + 12;
	for (i = 0; i < nr; i++) {
		const unsigned char *ce = p, *nm;
		unsigned flags, xflags = 0;
		size_t len;

		if ((size_t)(end - p) < STAT_LEN + HASH_LEN + 2)
			goto bad;
		flags = be16(p + STAT_LEN + HASH_LEN);
		nm = p + STAT_LEN + HASH_LEN + 2;
		if (flags & F_EXTENDED) {
			if (ix->version < 3 || end - nm < 2)
				goto bad;
			xflags = be16(nm);
			nm += 2;
		}
		if (ix->version == 4) {
			uint64_t strip;
			const unsigned char *nul;

			if (get_varint(&nm, end, &strip) < 0 || strip > name.len)
				goto bad;
			nul = memchr(nm, '\0', end - nm);
			if (!nul)
				goto bad;
			sov_buf_setlen(&name, name.len - strip);
			sov_buf_add(&name, nm, nul - nm);
			len = name.len;
			p = nul + 1;
		} else {
			const unsigned char *nul;

			len = flags & F_NAMEMASK;
			if (len == F_NAMEMASK) {
				nul = memchr(nm, '\0', end - nm);
				if (!nul)
					goto bad;
				len = nul - nm;
			}
			if ((size_t)(end - nm) <= len || nm[len])
				goto bad;
			p = ce + ((nm - ce + len + 8) & ~(size_t)7);
			if (p > end)
				goto bad;
			sov_buf_reset(&name);
			sov_buf_add(&name, nm, len);
		}
		/* A directory entry: a sparse index, folded where we cannot see. */
		if ((be32(ce + 24) & 0170000) == 0040000) {
			ret = 1;
			goto out;
		}
		if (len > dlen && name.ptr[dlen] == '/' && !memcmp(name.ptr, dir, dlen))
			add_entry(ix, name.ptr, len, ce, ce - d, flags, xflags);
	}
	ix->ext_off = p - d;
	ret = read_extensions(ix);
	goto out;
bad:
	ret = damaged(ix, "entry past the end");
out:
	sov_buf_release(&name);
	return ret;
}

/* Index of the first kept entry not before `path` (entries are sorted). */
static size_t lower_bound(const struct sov_gitindex *ix, const char *path)
{
	size_t lo = 0, hi = ix->nr;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(ix->v[mid].path, path) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

struct sov_gitindex_entry *sov_gitindex_find(struct sov_gitindex *ix, const char *path)
{
	size_t i = lower_bound(ix, path);

	if (i < ix->nr && !strcmp(ix->v[i].path, path) && !ix->v[i].stage)
		return &ix->v[i];
	return NULL;
}

void sov_gitindex_set(struct sov_gitindex *ix, const char *path, const git_oid *oid)
{
	size_t i = lower_bound(ix, path), j;
	struct sov_gitindex_entry *e;

	/* Any unmerged stages of the path go: update-index resolves them. */
	for (j = i; j < ix->nr && !strcmp(ix->v[j].path, path); j++)
		;
	if (j > i) {
		for (e = &ix->v[i + 1]; e < &ix->v[j]; e++)
			free(e->path);
		memmove(&ix->v[i + 1], &ix->v[j], (ix->nr - j) * sizeof(*ix->v));
		ix->nr -= j - i - 1;
	} else {
		SOV_ALLOC_GROW(ix->v, ix->nr + 1, ix->alloc);
		memmove(&ix->v[i + 1], &ix->v[i], (ix->nr - i) * sizeof(*ix->v));
		ix->nr++;
		ix->v[i].path = sov_strdup(path);
	}
	e = &ix->v[i];
	e->mode = 0100644;
	e->stage = 0;
	e->flags = 0;
	e->xflags = 0;
	e->off = 0;
	git_oid_cpy(&e->oid, oid);
}

/* The tree of entries [lo, hi), all under the same `plen` bytes of path. */
static int build_tree(const struct sov_gitindex *ix, size_t lo, size_t hi, size_t plen,
		      git_oid *out)
{
	struct sov_buf t = SOV_BUF_INIT;
	size_t i = lo;
	int ret = 1;

	while (i < hi) {
		const struct sov_gitindex_entry *e = &ix->v[i];
		const char *name = e->path + plen;
		const char *slash = strchr(name, '/');

		if (slash) {
			size_t nlen = slash - name + 1, j = i + 1;
			git_oid sub;

			while (j < hi && !strncmp(ix->v[j].path + plen, name, nlen))
				j++;
			if ((ret = build_tree(ix, i, j, plen + nlen, &sub)) != 0)
				goto out;
			sov_buf_addf(&t, "40000 %.*s", (int)nlen - 1, name);
			sov_buf_addch(&t, '\0');
			sov_buf_add(&t, sub.id, HASH_LEN);
			i = j;
			continue;
		}
		if (e->stage || (e->xflags & X_INTENT_TO_ADD) || !*name) {
			ret = 1;
			goto out;
		}
		sov_buf_addf(&t, "%o %s", e->mode, name);
		sov_buf_addch(&t, '\0');
		sov_buf_add(&t, e->oid.id, HASH_LEN);
		i++;
	}
	ret = git_odb_hash(out, t.ptr, t.len, GIT_OBJECT_TREE) < 0 ?
		sov_error_git("cannot hash a tree") : 0;
out:
	sov_buf_release(&t);
	return ret;
}

int sov_gitindex_tree(const struct sov_gitindex *ix, const char *dir, git_oid *out)
{
	size_t i;

	if (!ix->nr)
		return 1;
	for (i = 0; i < ix->nr; i++) {
		unsigned m = ix->v[i].mode;

		if (m != 0100644 && m != 0100755 && m != 0120000 && m != 0160000)
			return 1;
	}
	return build_tree(ix, 0, ix->nr, strlen(dir) + 1, out);
}

/* ---- restaging ---- */

struct restage {
	struct sov_gitindex_entry *e;
	git_oid oid;
	struct sov_os_stat st;
};

/*
 * The cache tree (TREE) extension of `len` bytes at `p`, copied to `out`
 * with every node on the way to one of the `nr` paths marked invalid
 * (entry count -1, no id), as Git's cache_tree_invalidate_path() does.
 * Nodes come in pre-order: "<name>\0<entries> <subtrees>\n" and an id
 * when <entries> is not negative.
 */
static int copy_tree_node(const unsigned char **p, const unsigned char *end,
			  struct sov_buf *path, const struct restage *rs, size_t nr,
			  struct sov_buf *out, int depth)
{
	const unsigned char *nul, *nl;
	long entries, subtrees, k;
	size_t keep = path->len, i;
	int hit = 0;
	char *e;

	if (depth > 4096 || !(nul = memchr(*p, '\0', end - *p)) ||
	    !(nl = memchr(nul, '\n', end - nul)))
		return -1;
	if (depth > 0) {
		sov_buf_add(path, *p, nul - *p);
		sov_buf_addch(path, '/');
	}
	entries = strtol((const char *)nul + 1, &e, 10);
	if (*e != ' ')
		return -1;
	subtrees = strtol(e + 1, &e, 10);
	if ((const unsigned char *)e != nl || subtrees < 0)
		return -1;
	for (i = 0; i < nr && !hit; i++)
		hit = !strncmp(rs[i].e->path, path->ptr, path->len);
	sov_buf_add(out, *p, nul + 1 - *p);
	if (entries >= 0 && (size_t)(end - nl - 1) < HASH_LEN)
		return -1;
	if (hit || entries < 0) {
		sov_buf_addf(out, "-1 %ld\n", subtrees);
	} else {
		sov_buf_add(out, nul + 1, nl + 1 + HASH_LEN - (nul + 1));
	}
	*p = nl + 1 + (entries >= 0 ? HASH_LEN : 0);
	for (k = 0; k < subtrees; k++)
		if (copy_tree_node(p, end, path, rs, nr, out, depth + 1) < 0)
			return -1;
	sov_buf_setlen(path, keep);
	return 0;
}

/*
 * The stat data Git records for a file (fill_stat_data), in index form, as
 * Git on this system fills it (osfs.h); the mode is the entry's, 100644.
 */
static void put_stat(unsigned char *ce, const struct sov_os_stat *st)
{
	struct sov_os_git_stat g;

	sov_os_git_stat(st, &g);
	put_be32(ce + 0, g.ctime);
	put_be32(ce + 4, g.ctime_nsec);
	put_be32(ce + 8, g.mtime);
	put_be32(ce + 12, g.mtime_nsec);
	put_be32(ce + 16, g.dev);
	put_be32(ce + 20, g.ino);
	put_be32(ce + 24, 0100644);
	put_be32(ce + 28, g.uid);
	put_be32(ce + 32, g.gid);
	put_be32(ce + 36, g.size);
}

static int same_stat(const struct sov_os_stat *a, const struct sov_os_stat *b)
{
	return a->ino == b->ino && a->dev == b->dev && a->size == b->size &&
	       a->mtime == b->mtime && a->mtime_nsec == b->mtime_nsec &&
	       a->ctime == b->ctime && a->ctime_nsec == b->ctime_nsec;
}

/* Which entries to change, checked; 1 when any is a case left to Git. */
static int plan(struct sov_gitindex *ix, const char *workdir, char *list, struct restage **out,
		size_t *nr_out)
{
	struct restage *rs = NULL;
	size_t nr = 0, alloc = 0;
	char *line, *save = NULL;
	int ret = 1;

	for (line = strtok_r(list, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		const char *path = line + GIT_OID_HEXSZ + 1;
		struct sov_gitindex_entry *e;
		struct sov_buf full = SOV_BUF_INIT;
		struct sov_os_stat st2;
		git_oid want, have;
		int ok;

		if (strlen(line) < GIT_OID_HEXSZ + 2 || line[GIT_OID_HEXSZ] != ' ' ||
		    git_oid_fromstrn(&want, line, GIT_OID_HEXSZ) < 0)
			goto out;
		e = sov_gitindex_find(ix, path);
		/* Unmerged stages follow stage 0 in the sorted entries. */
		if (!e || !e->off || (e->flags & (F_ASSUME_VALID | F_EXTENDED)) ||
		    e->mode != 0100644 ||
		    (e + 1 < ix->v + ix->nr && !strcmp(e[1].path, path)))
			goto out;
		SOV_ALLOC_GROW(rs, nr + 1, alloc);
		rs[nr].e = e;
		rs[nr].oid = want;
		/* As update-index: stat, then the contents, which must be the blob. */
		sov_buf_addf(&full, "%s%s", workdir, path);
		ok = sov_os_lstat(full.ptr, &rs[nr].st) == 0 && rs[nr].st.type == SOV_OS_REG &&
		     !(rs[nr].st.mode & 0111) &&
		     sov_blob_worktree_id(workdir, path, &have) == 0 && git_oid_equal(&have, &want) &&
		     sov_os_lstat(full.ptr, &st2) == 0 && same_stat(&rs[nr].st, &st2);
		sov_error_clear();
		sov_buf_release(&full);
		if (!ok)
			goto out;
		nr++;
	}
	ret = nr ? 0 : 1;
out:
	if (ret) {
		free(rs);
		rs = NULL;
		nr = 0;
	}
	*out = rs;
	*nr_out = nr;
	return ret;
}

/* Writes the new file, hashing what it writes. */
struct writer {
	int fd;
	const char *what;
	struct sov_sha1 md;
};

static int emit(struct writer *w, const void *p, size_t n)
{
	sov_sha1_update(&w->md, p, n);
	return sov_fs_write_all(w->fd, p, n, w->what);
}

static int cmp_off(const void *a, const void *b)
{
	const struct restage *x = a, *y = b;

	return x->e->off < y->e->off ? -1 : x->e->off > y->e->off;
}

/*
 * Write the new file to `fd`: the mapped file with the entries of `rs`
 * (sorted by offset) changed in place and the cache tree invalidated along
 * their paths, then its checksum.  The unchanged runs are written straight
 * from the mapping.
 */
static int build(struct sov_gitindex *ix, struct restage *rs, size_t nr, int fd,
		 const char *what)
{
	const unsigned char *d = ix->map;
	struct sov_buf path = SOV_BUF_INIT, tree = SOV_BUF_INIT;
	unsigned char head[STAT_LEN + HASH_LEN], sum[SOV_SHA1_LEN];
	struct writer w = { .fd = fd, .what = what };
	size_t pos = 0, i;
	int ret = -1;

	if (sov_sha1_init(&w.md) < 0) {
		sov_error("%s: cannot compute the index checksum", what);
		goto out;
	}
	qsort(rs, nr, sizeof(*rs), cmp_off);
	for (i = 0; i < nr; i++) {
		put_stat(head, &rs[i].st);
		memcpy(head + STAT_LEN, rs[i].oid.id, HASH_LEN);
		if (emit(&w, d + pos, rs[i].e->off - pos) < 0 || emit(&w, head, sizeof(head)) < 0)
			goto out;
		pos = rs[i].e->off + sizeof(head);
	}
	if (emit(&w, d + pos, ix->ext_off - pos) < 0)
		goto out;
	for (pos = ix->ext_off; pos < ix->end; ) {
		uint32_t size = be32(d + pos + 4);

		if (!memcmp(d + pos, "TREE", 4)) {
			const unsigned char *p = d + pos + 8, *end = p + size;

			sov_buf_reset(&tree);
			sov_buf_add(&tree, d + pos, 8);
			sov_buf_reset(&path);
			while (p < end)
				if (copy_tree_node(&p, end, &path, rs, nr, &tree, 0) < 0) {
					sov_error("%s: damaged cache tree", ix->file.ptr);
					goto out;
				}
			put_be32((unsigned char *)tree.ptr + 4, (uint32_t)(tree.len - 8));
			if (emit(&w, tree.ptr, tree.len) < 0)
				goto out;
		} else if (emit(&w, d + pos, 8 + size) < 0) {
			goto out;
		}
		pos += 8 + size;
	}
	sov_sha1_final(&w.md, sum);
	ret = sov_fs_write_all(fd, sum, HASH_LEN, what);
out:
	sov_sha1_abort(&w.md);
	sov_buf_release(&path);
	sov_buf_release(&tree);
	return ret;
}

int sov_gitindex_restage(struct sov_gitindex *ix, const char *workdir, const char *list)
{
	struct sov_buf copy = SOV_BUF_INIT, lock = SOV_BUF_INIT;
	struct restage *rs = NULL;
	struct sov_os_stat now;
	size_t nr = 0, i;
	int fd = -1, ret = 1;

	if (!ix->rewritable || !ix->map)
		return 1;
	sov_buf_addstr(&copy, list);
	if (plan(ix, workdir, copy.ptr, &rs, &nr) != 0)
		goto out;
	/* Git's lock protocol: whoever holds "<file>.lock" may replace the file. */
	sov_buf_addf(&lock, "%s.lock", ix->file.ptr);
	fd = sov_os_open(lock.ptr, O_WRONLY | O_CREAT | O_EXCL, 0666);
	if (fd < 0)
		goto out;	/* Git reports a held lock in its own words */
	/* Changed since it was read (another writer): Git redoes it all. */
	if (sov_os_stat(ix->file.ptr, &now) < 0 || !same_stat(&now, &ix->st))
		goto drop;
	ret = -1;
	if (build(ix, rs, nr, fd, lock.ptr) < 0)
		goto drop;
	/*
	 * Keep the old modification time: an entry Git found racily clean
	 * against the old file (mtime not before it) stays racy, so Git still
	 * compares its contents; the restaged files, written after it, are
	 * racy too and get checked the same way.
	 */
	/* The permissions too (core.sharedRepository makes them group-writable). */
	if (sov_os_fchmod(fd, ix->st.mode) < 0 || sov_os_set_times(fd, &ix->st) < 0) {
		sov_error_errno("%s: cannot set the time", lock.ptr);
		goto drop;
	}
	if (close(fd) < 0) {
		fd = -1;
		sov_error_errno("%s: cannot write", lock.ptr);
		goto drop;
	}
	fd = -1;
	if (sov_os_replace(lock.ptr, ix->file.ptr) < 0) {
		sov_error_errno("%s: cannot rename to %s", lock.ptr, ix->file.ptr);
		goto drop;
	}
	for (i = 0; i < nr; i++) {
		git_oid_cpy(&rs[i].e->oid, &rs[i].oid);
		rs[i].e->off = 0;	/* the file changed: no more in place */
	}
	/* The file changed: nothing more to rewrite from. */
	sov_os_unmap(ix->map, ix->len);
	ix->map = NULL;
	ix->len = 0;
	ret = 0;
	goto out;
drop:
	if (fd >= 0)
		close(fd);
	fd = -1;
	sov_os_unlink(lock.ptr);
out:
	free(rs);
	sov_buf_release(&copy);
	sov_buf_release(&lock);
	return ret;
}
