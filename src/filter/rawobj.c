/*
 * rawobj.c - loose objects with a zlib stream of stored blocks; see
 * rawobj.h.
 *
 * A loose object is zlib (RFC 1950) of "blob <size>\0" and the content.
 * Deflate (RFC 1951) stored blocks carry at most 65535 bytes each behind a
 * 5-byte header (BFINAL/BTYPE=00 on a byte boundary, LEN, ~LEN), so the
 * file is 2 + the object + 5 per 64 KiB + 4 (Adler-32) bytes: 0.008% more
 * than the data, and no compressor runs.  (libgit2's loose back end with
 * compression level 0 writes no zlib at all: Git cannot read its objects.)
 */
#include "rawobj.h"
#include "error.h"
#include "fs.h"
#include "hash.h"
#include "trace.h"
#include "osfs.h"
#include "osproc.h"
#include "ostime.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BLOCK_MAX 65535u
#define OUT_SIZE (1024u * 1024)
#define ADLER_BASE 65521u
#define ADLER_NMAX 5552u	/* bytes before the sums must be reduced */

struct sov_rawobj {
	git_odb *odb;			/* owned: where Git looks */
	struct sov_buf objdir;		/* "<common dir>/objects/" */
	int fsync;			/* core.fsync / core.fsyncObjectFiles set */
};

/* `s` contains `word` (lower case) in any case. */
static int mentions(const char *s, const char *word)
{
	size_t n = strlen(word), i;

	for (; *s; s++) {
		for (i = 0; i < n && tolower((unsigned char)s[i]) == word[i]; i++)
			;
		if (i == n)
			return 1;
	}
	return 0;
}

/*
 * GIT_CONFIG_COUNT and GIT_CONFIG_KEY_<n> (Git's other way of passing
 * settings through the environment, which libgit2 does not read) name a
 * key containing `word`.  A count that is not a number counts as a mention.
 */
static int env_config_mentions(const char *word)
{
	const char *count = getenv("GIT_CONFIG_COUNT");
	char name[40], *end;
	const char *key;
	unsigned long n, i;

	if (!count || !*count)
		return 0;
	n = strtoul(count, &end, 10);
	if (*end)
		return 1;
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "GIT_CONFIG_KEY_%lu", i);
		if (!(key = getenv(name)))
			break;	/* Git refuses such a count before it runs us */
		if (mentions(key, word))
			return 1;
	}
	return 0;
}

/* A config value is present at all. */
static int config_set(git_config *cfg, const char *key)
{
	git_config_entry *e = NULL;
	int set = git_config_get_entry(&e, cfg, key) == 0;

	git_config_entry_free(e);
	return set;
}

/* Permissions other than the user's umask: leave the writing to Git. */
static int shared_repository(git_config *cfg)
{
	git_buf v = GIT_BUF_INIT;
	int shared = 0;

	if (git_config_get_string_buf(&v, cfg, "core.sharedrepository") == 0)
		shared = strcmp(v.ptr, "false") && strcmp(v.ptr, "umask") &&
			 strcmp(v.ptr, "0") && strcmp(v.ptr, "no") && strcmp(v.ptr, "off");
	git_buf_dispose(&v);
	return shared;
}

struct sov_rawobj *sov_rawobj_new(git_repository *repo)
{
	struct sov_rawobj *w;
	git_config *cfg = NULL;
	const char *params;
	int fsync_set, shared;

	if (!repo)
		return NULL;
	if (getenv("GIT_OBJECT_DIRECTORY") || getenv("GIT_QUARANTINE_PATH")) {
		sov_trace("rawobj: object directory from the environment: Git writes");
		return NULL;
	}
	/* `git -c` settings reach the filter only in Git's environment. */
	params = getenv("GIT_CONFIG_PARAMETERS");
	if (params && (mentions(params, "sharedrepository") || mentions(params, "fsync"))) {
		sov_trace("rawobj: core.sharedRepository or core.fsync given to git -c: Git writes");
		return NULL;
	}
	if (env_config_mentions("sharedrepository") || env_config_mentions("fsync")) {
		sov_trace("rawobj: core.sharedRepository or core.fsync in GIT_CONFIG_KEY_<n>: "
			  "Git writes");
		return NULL;
	}
	if (git_repository_config_snapshot(&cfg, repo) < 0) {
		sov_trace("rawobj: no config: Git writes");
		return NULL;
	}
	shared = shared_repository(cfg);
	fsync_set = config_set(cfg, "core.fsync") || config_set(cfg, "core.fsyncobjectfiles");
	git_config_free(cfg);
	if (shared) {
		sov_trace("rawobj: core.sharedRepository: Git writes");
		return NULL;
	}
	w = sov_calloc(1, sizeof(*w));
	sov_buf_init(&w->objdir, 0);
	if (git_repository_odb(&w->odb, repo) < 0) {
		sov_trace("rawobj: no object database: Git writes");
		sov_rawobj_free(w);
		return NULL;
	}
	sov_buf_addf(&w->objdir, "%sobjects/", git_repository_commondir(repo));
	w->fsync = fsync_set;
	return w;
}

void sov_rawobj_free(struct sov_rawobj *w)
{
	if (!w)
		return;
	git_odb_free(w->odb);
	sov_buf_release(&w->objdir);
	free(w);
}

/* ---- the zlib stream ---- */

struct zout {
	int fd;
	const char *what;
	unsigned char *buf;	/* OUT_SIZE */
	size_t len;
	size_t in_block;	/* bytes left in the open stored block */
	uint64_t left;		/* object bytes not yet written */
	uint32_t a, b;		/* Adler-32 */
	size_t since;		/* bytes since the sums were reduced */
};

static void adler(struct zout *z, const unsigned char *p, size_t n)
{
	uint32_t a = z->a, b = z->b;

	while (n) {
		size_t k = ADLER_NMAX - z->since;

		if (k > n)
			k = n;
		n -= k;
		z->since += k;
		while (k--) {
			a += *p++;
			b += a;
		}
		if (z->since == ADLER_NMAX) {
			a %= ADLER_BASE;
			b %= ADLER_BASE;
			z->since = 0;
		}
	}
	z->a = a;
	z->b = b;
}

static int zflush(struct zout *z)
{
	if (z->len && sov_fs_write_all(z->fd, z->buf, z->len, z->what) < 0)
		return -1;
	z->len = 0;
	return 0;
}

/* Append object bytes, opening a stored block wherever one ends. */
static int zwrite(void *ctx, const void *data, size_t len)
{
	struct zout *z = ctx;
	const unsigned char *p = data;

	if (len > z->left)
		return sov_error("%s: more bytes than announced", z->what);
	adler(z, p, len);
	while (len) {
		size_t n;

		if (!z->in_block) {
			size_t blk = z->left > BLOCK_MAX ? BLOCK_MAX : (size_t)z->left;

			if (OUT_SIZE - z->len < 5 && zflush(z) < 0)
				return -1;
			z->buf[z->len++] = z->left == blk;	/* BFINAL, BTYPE 00 */
			z->buf[z->len++] = blk & 0xff;
			z->buf[z->len++] = blk >> 8;
			z->buf[z->len++] = ~blk & 0xff;
			z->buf[z->len++] = (~blk >> 8) & 0xff;
			z->in_block = blk;
		}
		n = len < z->in_block ? len : z->in_block;
		if (n > OUT_SIZE - z->len)
			n = OUT_SIZE - z->len;
		memcpy(z->buf + z->len, p, n);
		z->len += n;
		z->in_block -= n;
		z->left -= n;
		p += n;
		len -= n;
		if (z->len == OUT_SIZE && zflush(z) < 0)
			return -1;
	}
	return 0;
}

static int zfinish(struct zout *z)
{
	uint32_t sum;

	if (z->left || z->in_block)
		return sov_error("%s: fewer bytes than announced", z->what);
	z->a %= ADLER_BASE;
	z->b %= ADLER_BASE;
	sum = z->b << 16 | z->a;
	if (OUT_SIZE - z->len < 4 && zflush(z) < 0)
		return -1;
	z->buf[z->len++] = sum >> 24;
	z->buf[z->len++] = (sum >> 16) & 0xff;
	z->buf[z->len++] = (sum >> 8) & 0xff;
	z->buf[z->len++] = sum & 0xff;
	return zflush(z);
}

/* ---- the object file ---- */

/* Git's object header "blob <size>" and its NUL into `hdr`; its length. */
static size_t blob_header(char hdr[32], uint64_t size)
{
	return (size_t)snprintf(hdr, 32, "blob %llu", (unsigned long long)size) + 1;
}

/*
 * Write the object `id` of `size` content bytes, which `feed` passes to
 * zwrite(), as Git does: a temporary file beside it, then a hard link to
 * its name (an object already there wins), read-only.
 */
static int write_loose(struct sov_rawobj *w, const git_oid *id, uint64_t size,
		       int (*feed)(void *src, struct zout *z), void *src)
{
	char hex[GIT_OID_HEXSZ + 1], hdr[32];
	struct sov_buf path = SOV_BUF_INIT, tmp = SOV_BUF_INIT;
	struct zout z = { 0 };
	size_t hlen;
	int mask, tries, ret = -1;

	git_oid_tostr(hex, sizeof(hex), id);
	sov_buf_addf(&path, "%s%.2s", w->objdir.ptr, hex);
	if (sov_os_mkdir(path.ptr, 0777) < 0 && errno != EEXIST) {
		sov_error_errno("%s: cannot create the directory", path.ptr);
		goto out;
	}
	/* Git's own temporary name: `git prune` removes one a crash left. */
	for (tries = 0; tries < 100; tries++) {
		sov_buf_reset(&tmp);
		sov_buf_addf(&tmp, "%s/tmp_obj_%ld_%lx", path.ptr, sov_os_getpid(),
			     (unsigned long)(sov_os_realtime_ns() % 1000000000 + tries));
		z.fd = sov_os_open(tmp.ptr, O_WRONLY | O_CREAT | O_EXCL, 0600);
		if (z.fd >= 0 || errno != EEXIST)
			break;
	}
	if (z.fd < 0) {
		sov_error_errno("%s: cannot create a temporary object", tmp.ptr);
		goto out;
	}
	sov_buf_addf(&path, "/%s", hex + 2);
	mask = sov_os_umask();
	z.what = tmp.ptr;
	z.buf = sov_malloc(OUT_SIZE);
	z.a = 1;
	hlen = blob_header(hdr, size);
	z.left = (uint64_t)hlen + size;
	z.buf[z.len++] = 0x78;	/* CM 8, CINFO 7 */
	z.buf[z.len++] = 0x01;	/* FLEVEL 0, no dictionary, FCHECK */
	if (zwrite(&z, hdr, hlen) < 0 || feed(src, &z) < 0 || zfinish(&z) < 0)
		goto fail;
	if (w->fsync && sov_os_fsync(z.fd) < 0) {
		sov_error_errno("%s: fsync failed", tmp.ptr);
		goto fail;
	}
	if (sov_os_fchmod(z.fd, 0444 & ~mask) < 0 || close(z.fd) < 0) {
		z.fd = -1;
		sov_error_errno("%s: cannot close", tmp.ptr);
		goto fail;
	}
	z.fd = -1;
	if (sov_os_link(tmp.ptr, path.ptr) < 0 && errno != EEXIST &&
	    sov_os_replace(tmp.ptr, path.ptr) < 0) {
		sov_error_errno("%s: cannot name the object", path.ptr);
		goto fail;
	}
	ret = 0;
fail:
	if (z.fd >= 0)
		close(z.fd);
	sov_os_unlink(tmp.ptr);	/* gone already after a rename */
	free(z.buf);
out:
	sov_buf_release(&path);
	sov_buf_release(&tmp);
	return ret;
}

struct mem_src {
	const void *data;
	size_t len;
};

static int feed_mem(void *src, struct zout *z)
{
	struct mem_src *m = src;

	return zwrite(z, m->data, m->len);
}

/*
 * The blob's object id through the system's SHA-1 (hash.h), about four
 * times as fast as libgit2's collision-detecting one (33 MB: 20 against 90
 * ms).  The id only names an object written here, whose content is zstd
 * output, not bytes a user chooses; Git still hashes it with collision
 * detection where it counts: a stored form when Git writes it after the
 * filter answers, a chunk frame when a remote indexes the pushed pack.
 * A system without SHA-1 (a crypto configuration that leaves it out) gets
 * libgit2's.  0 or -1 (error set).
 */
static int hash_blob(const void *data, size_t len, git_oid *id)
{
	struct sov_sha1 md;
	char hdr[32];

	if (sov_sha1_init(&md) < 0) {
		sov_trace("rawobj: %s; hashing with libgit2", sov_error_last());
		sov_error_clear();
		if (git_odb_hash(id, data, len, GIT_OBJECT_BLOB) < 0)
			return sov_error_git("cannot hash an object");
		return 0;
	}
	sov_sha1_update(&md, hdr, blob_header(hdr, len));
	sov_sha1_update(&md, data, len);
	sov_sha1_final(&md, id->id);
	return 0;
}

int sov_rawobj_write(struct sov_rawobj *w, const void *data, size_t len, git_oid *id)
{
	struct mem_src m = { data, len };

	if (hash_blob(data, len, id) < 0)
		return -1;
	if (git_odb_exists_ext(w->odb, id, GIT_ODB_LOOKUP_NO_REFRESH))
		return 0;
	return write_loose(w, id, len, feed_mem, &m);
}

int sov_rawobj_write_spool(struct sov_rawobj *w, struct sov_spool *spool, git_oid *id)
{
	/* The id needs the whole object in one piece: a spool in memory. */
	if (spool->fd >= 0 || spool->mem.len != spool->size)
		return 1;
	return sov_rawobj_write(w, spool->mem.ptr, spool->mem.len, id);
}
