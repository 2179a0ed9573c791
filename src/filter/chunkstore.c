/*
 * chunkstore.c - chunk blobs, the pointer that lists them, and the ref that
 * keeps them; see chunkstore.h and docs/FORMATS.md.
 */
#include "chunkstore.h"
#include "cdc.h"
#include "config.h"
#include "error.h"
#include "rawobj.h"
#include "settings.h"
#include "timing.h"
#include "run.h"
#include "spool.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zstd.h>

#define END_RECORD_SIZE 20	/* frame.h: 0, content size, number of chunks */
#define MAX_LINE 128		/* "<40 hex> <size>" or "end <size> <count>" */
#define UPDATE_TRIES 20		/* compare-and-swap attempts on the ref */
#define PUSH_TRIES 4

enum clean_state { C_HEADER, C_DIGEST, C_LEN, C_RECORD, C_END, C_DONE, C_OPAQUE };
enum smudge_state { S_HEAD, S_PASS, S_LINES, S_DONE };

struct sov_chunks {
	struct sov_config *cfg;		/* owned; NULL until first needed */
	git_repository *repo;		/* borrowed (from cfg or the caller) */
	git_odb *odb;			/* owned */
	struct sov_rawobj *raw;		/* owned; NULL: chunks written by libgit2 */
	int configured;			/* cfg/max/remote read (or tried) */
	int config_failed;
	uint64_t max;			/* sovsync.maxObjectSize */
	struct sov_buf remote;		/* sovsync.remote */
	struct sov_buf err;		/* the configuration's error, kept */

	/* clean */
	sov_frame_write_fn write;
	void *ctx;
	struct sov_spool hold;		/* the stored form until it passes max */
	uint64_t held;
	int chunked;
	enum clean_state cstate;
	struct sov_buf pend;		/* the item being read */
	size_t need;
	unsigned char head[SOV_FRAME_FULL_HEADER_SIZE];	/* of the stored form */
	int head_digest;		/* it has a digest (version 3) */
	struct sov_spool list;		/* the pointer's chunk lines */
	struct sov_buf ids;		/* git_oid[] of the chunks */
	uint64_t nrec, total, count;

	/* smudge */
	enum smudge_state sstate;
	unsigned sversion;		/* of the pointer */
	struct sov_buf line;		/* header, then the line being read */
	uint64_t sn;			/* chunks emitted */
};

struct sov_chunks *sov_chunks_new(git_repository *repo)
{
	struct sov_chunks *c = sov_calloc(1, sizeof(*c));

	/* Counted: balanced in sov_chunks_free, for callers that did not. */
	git_libgit2_init();
	c->repo = repo;
	sov_buf_init(&c->remote, 0);
	sov_buf_init(&c->err, 0);
	sov_buf_init(&c->pend, 0);
	sov_buf_init(&c->ids, 0);
	sov_buf_init(&c->line, 0);
	c->hold = (struct sov_spool)SOV_SPOOL_INIT;
	c->list = (struct sov_spool)SOV_SPOOL_INIT;
	return c;
}

void sov_chunks_free(struct sov_chunks *c)
{
	if (!c)
		return;
	git_odb_free(c->odb);
	sov_rawobj_free(c->raw);
	sov_config_free(c->cfg);
	sov_buf_release(&c->remote);
	sov_buf_release(&c->err);
	sov_buf_release(&c->pend);
	sov_buf_release(&c->ids);
	sov_buf_release(&c->line);
	sov_spool_release(&c->hold);
	sov_spool_release(&c->list);
	free(c);
	git_libgit2_shutdown();
}

int sov_chunks_above_limit(uint64_t stored, uint64_t max)
{
	return stored > max;
}

static int is_pointer_version(unsigned v)
{
	return v == SOV_CHUNKS_VERSION || v == SOV_CHUNKS_VERSION_NODIGEST;
}

/* Stored forms in frames this sovsync reads (frame.h). */
static int is_frame_version(unsigned v)
{
	return v == SOV_FRAME_VERSION || v == SOV_FRAME_VERSION_NODIGEST;
}

int sov_chunks_is_pointer(const void *data, size_t len)
{
	return len > SOV_FRAME_MAGIC_SIZE && sov_frame_is_encoded(data, len) &&
	       is_pointer_version(((const unsigned char *)data)[SOV_FRAME_MAGIC_SIZE]);
}

/*
 * The settings (SOV_SET_CORE | SOV_SET_FILTER loaded) and, in a
 * repository, its object database.  Outside a repository there is nothing
 * to chunk into: max stays UINT64_MAX.  0 or -1.
 */
static int configure_from(struct sov_chunks *c, const struct sov_settings *set)
{
	c->configured = 1;
	c->max = UINT64_MAX;
	sov_buf_reset(&c->remote);
	sov_buf_addstr(&c->remote, set->remote.ptr);
	if (!c->repo)
		return 0;
	c->max = (uint64_t)set->max_object_size;
	if (c->max < SOV_CHUNKS_MIN_LIMIT)
		return sov_error("config sovsync.maxObjectSize: %llu is below %u: a chunk blob "
				 "(up to 256 KiB of content, compressed) could exceed it",
				 (unsigned long long)c->max, SOV_CHUNKS_MIN_LIMIT);
	if (git_repository_odb(&c->odb, c->repo) < 0)
		return sov_error_git("%s: object database", git_repository_path(c->repo));
	/* A chunk is a zstd frame: written without deflate (rawobj.h). */
	sov_rawobj_free(c->raw);
	c->raw = sov_rawobj_new(c->repo);
	/*
	 * Chunks are read one by one from packs of any size: mapped pack
	 * windows count in the resident size, so keep them few and small.
	 */
	git_libgit2_opts(GIT_OPT_SET_MWINDOW_SIZE, (size_t)4 << 20);
	git_libgit2_opts(GIT_OPT_SET_MWINDOW_MAPPED_LIMIT, (size_t)32 << 20);
	return 0;
}

/* A failed configuration: every later use fails with the same message. */
static int config_failed(struct sov_chunks *c)
{
	c->configured = 1;
	c->config_failed = 1;
	sov_buf_reset(&c->err);
	sov_buf_addstr(&c->err, sov_error_last());
	return -1;
}

struct sov_chunks *sov_chunks_new_ctx(struct sov_ctx *ctx)
{
	struct sov_chunks *c = sov_chunks_new(ctx->repo);

	if (sov_ctx_load(ctx, SOV_SET_CORE | SOV_SET_FILTER) < 0 ||
	    configure_from(c, &ctx->set) < 0)
		config_failed(c);
	sov_error_clear();
	return c;
}

/*
 * Without a context (library callers that hold only a repository): read
 * the settings once per struct from the repository's config (or, with no
 * repository given, the environment's).
 */
static int configure(struct sov_chunks *c)
{
	struct sov_settings set = SOV_SETTINGS_INIT;
	int ret;

	if (c->configured) {
		if (c->config_failed)
			return sov_error("%s", c->err.ptr);
		return 0;
	}
	if (c->repo) {
		if (sov_config_open(&c->cfg, git_repository_path(c->repo)) < 0)
			return config_failed(c);
	} else {
		if (sov_config_open(&c->cfg, NULL) < 0)
			return config_failed(c);
		c->repo = sov_config_repo(c->cfg);
	}
	ret = sov_settings_load(&set, c->cfg, SOV_SET_CORE | SOV_SET_FILTER);
	if (ret == 0)
		ret = configure_from(c, &set);
	sov_settings_release(&set);
	return ret < 0 ? config_failed(c) : 0;
}

static void put_le32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static void put_le64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static uint64_t get_le64(const unsigned char *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

/* ---- clean: the version-1 stored form in, chunk blobs out ---- */

void sov_chunks_clean_start(struct sov_chunks *c, sov_frame_write_fn write, void *ctx)
{
	c->write = write;
	c->ctx = ctx;
	sov_spool_release(&c->hold);
	sov_spool_release(&c->list);
	c->held = 0;
	c->chunked = 0;
	c->cstate = C_HEADER;
	sov_buf_reset(&c->pend);
	c->need = SOV_FRAME_HEADER_SIZE;
	c->head_digest = 0;
	sov_buf_reset(&c->ids);
	c->nrec = c->total = c->count = 0;
}

/*
 * The content size of a chunk blob or record: one zstd frame, after a
 * shuffle marker (frame.h) when there is one.
 */
static unsigned long long chunk_content_size(const void *rec, size_t len)
{
	size_t skip;

	if (sov_frame_record_phase(rec, len, &skip) == -2)
		return ZSTD_CONTENTSIZE_ERROR;
	return ZSTD_getFrameContentSize((const char *)rec + skip, len - skip);
}

/* One record (one zstd frame) of `len` bytes: its blob and its line. */
static int store_chunk(struct sov_chunks *c, const void *frame, size_t len)
{
	unsigned long long size = chunk_content_size(frame, len);
	char hex[GIT_OID_HEXSZ + 1], line[MAX_LINE];
	git_oid id;
	int n;

	if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN ||
	    size == 0 || size > SOV_CDC_MAX_SIZE)
		return sov_error("chunk %llu: not a frame of the stored form",
				 (unsigned long long)c->nrec);
	if (c->raw) {
		if (sov_rawobj_write(c->raw, frame, len, &id) < 0)
			return sov_error_prefix("cannot write chunk %llu",
						(unsigned long long)c->nrec);
	} else if (git_odb_write(&id, c->odb, frame, len, GIT_OBJECT_BLOB) < 0) {
		return sov_error_git("cannot write chunk %llu", (unsigned long long)c->nrec);
	}
	git_oid_tostr(hex, sizeof(hex), &id);
	n = snprintf(line, sizeof(line), "%s %llu\n", hex, size);
	sov_buf_add(&c->ids, &id, sizeof(id));
	c->nrec++;
	return sov_spool_write(&c->list, line, (size_t)n);
}

/* Act on c->pend, which holds the c->need bytes of the current item. */
static int clean_item(struct sov_chunks *c)
{
	const unsigned char *p = (const unsigned char *)c->pend.ptr;
	uint32_t n;

	switch (c->cstate) {
	case C_HEADER:
		if (!sov_frame_is_encoded(p, c->pend.len) || !is_frame_version(p[SOV_FRAME_MAGIC_SIZE]))
			return sov_error("cannot cut into chunks: not a version %d stored form",
					 SOV_FRAME_VERSION);
		memcpy(c->head, p, SOV_FRAME_HEADER_SIZE);
		if (p[SOV_FRAME_MAGIC_SIZE] == SOV_FRAME_VERSION) {
			c->cstate = C_DIGEST;
			c->need = SOV_FRAME_FULL_HEADER_SIZE;
			return 0;	/* keep the header in pend */
		}
		c->cstate = C_LEN;
		c->need = 4;
		break;
	case C_DIGEST:
		memcpy(c->head, p, SOV_FRAME_FULL_HEADER_SIZE);
		c->head_digest = 1;
		c->cstate = C_LEN;
		c->need = 4;
		break;
	case C_LEN:
		n = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
		    (uint32_t)p[3] << 24;
		if (n == 0) {
			c->cstate = C_END;
			c->need = END_RECORD_SIZE - 4;
		} else if (n > SOV_FRAME_SHUFFLE_MARKER_SIZE + ZSTD_COMPRESSBOUND(SOV_CDC_MAX_SIZE)) {
			return sov_error("cannot cut into chunks: record %llu claims %u bytes",
					 (unsigned long long)c->nrec, n);
		} else {
			c->cstate = C_RECORD;
			c->need = n;
		}
		break;
	case C_RECORD:
		if (store_chunk(c, p, c->pend.len) < 0)
			return -1;
		c->cstate = C_LEN;
		c->need = 4;
		break;
	case C_END:
		c->total = get_le64(p);
		c->count = get_le64(p + 8);
		if (c->count != c->nrec)
			return sov_error("cannot cut into chunks: %llu records, end says %llu",
					 (unsigned long long)c->nrec, (unsigned long long)c->count);
		c->cstate = C_DONE;
		c->need = 0;
		break;
	default:
		break;
	}
	sov_buf_reset(&c->pend);
	return 0;
}

static int clean_parse(void *ctx, const void *data, size_t len)
{
	struct sov_chunks *c = ctx;
	const char *p = data;

	while (len) {
		size_t take;

		if (c->cstate == C_DONE)
			return sov_error("cannot cut into chunks: data after the end record");
		take = c->need - c->pend.len;
		if (take > len)
			take = len;
		sov_buf_add(&c->pend, p, take);
		p += take;
		len -= take;
		if (c->pend.len == c->need && clean_item(c) < 0)
			return -1;
	}
	return 0;
}

/* The decision, made once the stored form passes the limit. */
static int switch_to_chunks(struct sov_chunks *c)
{
	int ret;

	c->chunked = 1;
	ret = sov_spool_replay(&c->hold, clean_parse, c);
	sov_spool_release(&c->hold);
	return ret;
}

int sov_chunks_clean_write(void *ctx, const void *data, size_t len)
{
	struct sov_chunks *c = ctx;

	if (c->chunked)
		return clean_parse(c, data, len);
	if (configure(c) < 0 || sov_spool_write(&c->hold, data, len) < 0)
		return -1;
	c->held += len;
	/* A stored form of another version (a pointer added as it is) stays whole. */
	if (c->held >= SOV_FRAME_HEADER_SIZE && c->cstate == C_HEADER &&
	    c->hold.mem.len >= SOV_FRAME_HEADER_SIZE &&
	    !is_frame_version((unsigned char)c->hold.mem.ptr[SOV_FRAME_MAGIC_SIZE]))
		c->cstate = C_OPAQUE;
	if (c->cstate != C_OPAQUE && sov_chunks_above_limit(c->held, c->max))
		return switch_to_chunks(c);
	return 0;
}

static int sort_oid(const void *a, const void *b)
{
	return git_oid_cmp(a, b);
}

/* Passes all but the first `skip` bytes on (the header being replaced). */
struct skip_write {
	sov_frame_write_fn write;
	void *ctx;
	size_t skip;
};

static int write_skipping(void *ctx, const void *data, size_t len)
{
	struct skip_write *s = ctx;
	size_t n = s->skip < len ? s->skip : len;

	s->skip -= n;
	return len > n ? s->write(s->ctx, (const char *)data + n, len - n) : 0;
}

int sov_chunks_clean_finish(struct sov_chunks *c, const unsigned char *header_in)
{
	unsigned char header[SOV_FRAME_FULL_HEADER_SIZE] = { 0 };
	size_t hlen = SOV_FRAME_HEADER_SIZE;
	char end[MAX_LINE];
	uint64_t size;
	int n;

	if (!c->chunked) {
		struct skip_write sw = { c->write, c->ctx, 0 };
		int ret = 0;

		/* The encoder's final header replaces the one it wrote first. */
		if (header_in && c->held >= SOV_FRAME_FULL_HEADER_SIZE) {
			sw.skip = SOV_FRAME_FULL_HEADER_SIZE;
			ret = c->write(c->ctx, header_in, SOV_FRAME_FULL_HEADER_SIZE);
		}
		if (ret == 0)
			ret = sov_spool_replay(&c->hold, write_skipping, &sw);
		sov_spool_release(&c->hold);	/* not held until the next file */
		return ret;
	}
	if (c->cstate != C_DONE)
		return sov_error("cannot cut into chunks: the stored form ended early");
	/* The content's digest, from the encoder or the stored form given. */
	if (header_in || c->head_digest) {
		memcpy(header, header_in ? header_in : c->head, SOV_FRAME_FULL_HEADER_SIZE);
		header[8] = SOV_CHUNKS_VERSION;
		hlen = SOV_FRAME_FULL_HEADER_SIZE;
	} else {
		memcpy(header, c->head, SOV_FRAME_HEADER_SIZE);
		header[8] = SOV_CHUNKS_VERSION_NODIGEST;
	}
	n = snprintf(end, sizeof(end), "end %llu %llu\n", (unsigned long long)c->total,
		     (unsigned long long)c->count);
	size = hlen + c->list.size + (uint64_t)n;
	if (sov_chunks_above_limit(size, c->max))
		return sov_error("its list of %llu chunks (%llu bytes) is larger than "
				 "sovsync.maxObjectSize (%llu); raise the setting",
				 (unsigned long long)c->count, (unsigned long long)size,
				 (unsigned long long)c->max);
	/* The chunks are kept before Git gets the pointer that needs them. */
	if (sov_chunks_keep(c->repo, (const git_oid *)c->ids.ptr,
			    c->ids.len / sizeof(git_oid)) < 0)
		return -1;
	if (c->write(c->ctx, header, hlen) < 0 ||
	    sov_spool_replay(&c->list, c->write, c->ctx) < 0 ||
	    c->write(c->ctx, end, (size_t)n) < 0)
		return -1;
	sov_spool_release(&c->list);
	return 0;
}

/* ---- smudge: a pointer in, the version-1 stored form out ---- */

void sov_chunks_smudge_start(struct sov_chunks *c, sov_frame_write_fn write, void *ctx)
{
	c->write = write;
	c->ctx = ctx;
	c->sstate = S_HEAD;
	c->sn = 0;
	sov_buf_reset(&c->line);
}

static int missing_chunk(struct sov_chunks *c, const char *hex)
{
	const char *r = c->remote.len ? c->remote.ptr : "origin";

	return sov_error("chunk %s of this file is not in the repository; fetch the "
			 "chunks with: git fetch %s '+refs/sovsync/*:refs/sovsync/remotes/%s/*' "
			 "(sovsync install sets this up), then check the file out again",
			 hex, r, r);
}

/* One line of the chunk list. */
static int smudge_line(struct sov_chunks *c, const char *s, size_t len)
{
	unsigned long long size, count;
	unsigned char rec[4];
	git_odb_object *obj = NULL;
	char hex[GIT_OID_HEXSZ + 1];
	git_oid id;
	size_t i, skip;
	int err, ret;

	if (len > 4 && !memcmp(s, "end ", 4)) {
		unsigned char end[END_RECORD_SIZE] = { 0 };
		char tail;

		if (sscanf(s + 4, "%llu %llu%c", &size, &count, &tail) != 2 || count != c->sn)
			return sov_error("corrupt: chunk list: bad end line after %llu chunks",
					 (unsigned long long)c->sn);
		put_le64(end + 4, size);
		put_le64(end + 12, count);
		c->sstate = S_DONE;
		return c->write(c->ctx, end, sizeof(end));
	}
	for (i = 0; i < GIT_OID_HEXSZ && i < len; i++)
		if (!strchr("0123456789abcdef", s[i]) || !s[i])
			break;
	if (i != GIT_OID_HEXSZ || len < GIT_OID_HEXSZ + 2 || s[GIT_OID_HEXSZ] != ' ' ||
	    sscanf(s + GIT_OID_HEXSZ + 1, "%llu", &size) != 1 || !size ||
	    size > SOV_CDC_MAX_SIZE || git_oid_fromstrn(&id, s, GIT_OID_HEXSZ) < 0)
		return sov_error("corrupt: chunk list: line %llu is not '<id> <size>'",
				 (unsigned long long)c->sn + 1);
	memcpy(hex, s, GIT_OID_HEXSZ);
	hex[GIT_OID_HEXSZ] = '\0';
	err = git_odb_read(&obj, c->odb, &id);
	if (err == GIT_ENOTFOUND) {
		git_error_clear();
		return missing_chunk(c, hex);
	}
	if (err < 0)
		return sov_error_git("chunk %s", hex);
	if (git_odb_object_type(obj) != GIT_OBJECT_BLOB ||
	    chunk_content_size(git_odb_object_data(obj), git_odb_object_size(obj)) != size ||
	    (c->sversion == SOV_CHUNKS_VERSION_NODIGEST &&
	     sov_frame_record_phase(git_odb_object_data(obj), git_odb_object_size(obj), &skip) != -1)) {
		git_odb_object_free(obj);
		return sov_error("corrupt: chunk %llu (%s) is not the frame the list names",
				 (unsigned long long)c->sn, hex);
	}
	put_le32(rec, (uint32_t)git_odb_object_size(obj));
	ret = c->write(c->ctx, rec, sizeof(rec)) < 0 ||
	      c->write(c->ctx, git_odb_object_data(obj), git_odb_object_size(obj)) < 0 ? -1 : 0;
	git_odb_object_free(obj);
	c->sn++;
	return ret;
}

/*
 * The pointer's header is in c->line (its first 16 bytes, all of it for a
 * version 4 pointer): the header of the stored form in frames (version 3
 * with the same digest, or 1).
 */
static int smudge_header(struct sov_chunks *c)
{
	unsigned char header[SOV_FRAME_FULL_HEADER_SIZE] = { 0 };
	const unsigned char *p = (const unsigned char *)c->line.ptr;
	size_t hlen = c->line.len;

	if (!sov_chunks_is_pointer(p, c->line.len)) {
		c->sstate = S_PASS;
		return c->write(c->ctx, p, c->line.len);
	}
	if (sov_frame_check_reserved(p) < 0)
		return -1;
	if (configure(c) < 0)
		return -1;
	if (!c->odb)
		return sov_error("a chunked file can only be read inside its repository");
	memcpy(header, p, hlen);
	c->sversion = p[8];
	header[8] = p[8] == SOV_CHUNKS_VERSION ? SOV_FRAME_VERSION : SOV_FRAME_VERSION_NODIGEST;
	c->sstate = S_LINES;
	sov_buf_reset(&c->line);
	return c->write(c->ctx, header, hlen);
}

/* How much of the pointer's header S_HEAD reads (the first 16 bytes tell). */
static size_t head_size(const struct sov_chunks *c)
{
	if (c->line.len >= SOV_FRAME_HEADER_SIZE &&
	    sov_chunks_is_pointer(c->line.ptr, c->line.len) &&
	    (unsigned char)c->line.ptr[SOV_FRAME_MAGIC_SIZE] == SOV_CHUNKS_VERSION)
		return SOV_FRAME_FULL_HEADER_SIZE;
	return SOV_FRAME_HEADER_SIZE;
}

int sov_chunks_smudge_write(struct sov_chunks *c, const void *data, size_t len)
{
	const char *p = data, *nl;

	while (len) {
		size_t take;

		switch (c->sstate) {
		case S_PASS:
			return c->write(c->ctx, p, len);
		case S_HEAD:
			take = head_size(c) - c->line.len;
			if (take > len)
				take = len;
			sov_buf_add(&c->line, p, take);
			p += take;
			len -= take;
			/* Not even the magic: pass through at once, as it comes. */
			if ((c->line.len >= SOV_FRAME_MAGIC_SIZE && !sov_frame_is_encoded(c->line.ptr, c->line.len)) ||
			    c->line.len == head_size(c)) {
				if (smudge_header(c) < 0)
					return -1;
			}
			break;
		case S_LINES:
			nl = memchr(p, '\n', len);
			take = nl ? (size_t)(nl - p) : len;
			if (c->line.len + take >= MAX_LINE)
				return sov_error("corrupt: chunk list: line %llu is too long",
						 (unsigned long long)c->sn + 1);
			sov_buf_add(&c->line, p, take);
			p += take;
			len -= take;
			if (nl) {
				p++;
				len--;
				if (smudge_line(c, c->line.ptr, c->line.len) < 0)
					return -1;
				sov_buf_reset(&c->line);
			}
			break;
		case S_DONE:
			return sov_error("corrupt: chunk list: data after the end line");
		}
	}
	return 0;
}

int sov_chunks_smudge_finish(struct sov_chunks *c)
{
	if (c->sstate == S_HEAD && c->line.len) {
		c->sstate = S_PASS;
		return c->write(c->ctx, c->line.ptr, c->line.len);
	}
	if (c->sstate == S_LINES)
		return sov_error("corrupt: truncated chunk list after %llu chunks",
				 (unsigned long long)c->sn);
	return 0;
}

/* ---- the ref that keeps the chunks ---- */

static int lookup_ref(git_repository *repo, const char *name, git_oid *out)
{
	int err = git_reference_name_to_id(out, repo, name);

	if (err == GIT_ENOTFOUND) {
		git_error_clear();
		return 0;
	}
	if (err < 0)
		return sov_error_git("%s", name);
	return 1;
}

/* A remote's copy fetched by the refspec, to start from when we have none. */
static int any_tracking(git_repository *repo, git_oid *out)
{
	git_reference_iterator *it = NULL;
	git_reference *ref = NULL;
	int found = 0;

	if (git_reference_iterator_glob_new(&it, repo, "refs/sovsync/remotes/*") < 0)
		return sov_error_git("refs/sovsync/remotes");
	while (!found && git_reference_next(&ref, it) == 0) {
		const char *name = git_reference_name(ref);
		size_t n = strlen(name);

		if (n > 7 && !strcmp(name + n - 7, "/chunks") &&
		    git_reference_type(ref) == GIT_REFERENCE_DIRECT) {
			git_oid_cpy(out, git_reference_target(ref));
			found = 1;
		}
		git_reference_free(ref);
	}
	git_reference_iterator_free(it);
	git_error_clear();
	return found;
}

static int commit_tree(git_repository *repo, const git_commit *c, git_tree **out)
{
	if (git_commit_tree(out, c) < 0)
		return sov_error_git("%s: tree", SOV_CHUNKS_REF);
	return 0;
}

/* The subtree `name` of `root` when it is a tree, else NULL (0), or -1. */
static int subtree(git_repository *repo, const git_tree *root, const char *name, git_tree **out)
{
	const git_tree_entry *e = root ? git_tree_entry_byname(root, name) : NULL;

	*out = NULL;
	if (!e || git_tree_entry_type(e) != GIT_OBJECT_TREE)
		return 0;
	if (git_tree_lookup(out, repo, git_tree_entry_id(e)) < 0)
		return sov_error_git("%s: tree %s", SOV_CHUNKS_REF, name);
	return 0;
}

/*
 * Directory `dir` of the root being built in `rb`: tree `base` (may be
 * NULL) plus the blobs missing from it, either the blob entries of tree
 * `from` (as they are named there) or, `from` NULL, the `n` blobs `ids`
 * (named by their hex id after the first byte).  The new directory goes
 * into `rb` only when a blob was added; *added says so.
 */
static int put_dir(git_repository *repo, git_treebuilder *rb, const char *dir,
		   const git_tree *base, const git_tree *from, const git_oid *ids, size_t n,
		   int *added)
{
	git_treebuilder *sb = NULL;
	char hex[GIT_OID_HEXSZ + 1];
	size_t k;
	int ret = -1;
	git_oid sid;

	*added = 0;
	if (from)
		n = git_tree_entrycount(from);
	if (git_treebuilder_new(&sb, repo, base) < 0)
		return sov_error_git("%s: tree %s", SOV_CHUNKS_REF, dir);
	for (k = 0; k < n; k++) {
		const char *name;
		const git_oid *id;

		if (from) {
			const git_tree_entry *e = git_tree_entry_byindex(from, k);

			if (git_tree_entry_type(e) != GIT_OBJECT_BLOB)
				continue;
			name = git_tree_entry_name(e);
			id = git_tree_entry_id(e);
		} else {
			git_oid_tostr(hex, sizeof(hex), &ids[k]);
			name = hex + 2;
			id = &ids[k];
		}
		if (git_treebuilder_get(sb, name))
			continue;
		if (git_treebuilder_insert(NULL, sb, name, id, GIT_FILEMODE_BLOB) < 0) {
			sov_error_git("%s: chunk %s/%s", SOV_CHUNKS_REF, dir, name);
			goto out;
		}
		*added = 1;
	}
	if (*added && (git_treebuilder_write(&sid, sb) < 0 ||
		       git_treebuilder_insert(NULL, rb, dir, &sid, GIT_FILEMODE_TREE) < 0)) {
		sov_error_git("%s: tree %s", SOV_CHUNKS_REF, dir);
		goto out;
	}
	ret = 0;
out:
	git_treebuilder_free(sb);
	return ret;
}

/* Write the root tree built in `rb` into `out` and free `rb`.  0 or -1. */
static int write_root(git_treebuilder *rb, git_oid *out)
{
	int ret = 0;

	if (git_treebuilder_write(out, rb) < 0)
		ret = sov_error_git("%s: tree", SOV_CHUNKS_REF);
	git_treebuilder_free(rb);
	return ret;
}

/*
 * `root` (may be NULL) plus the sorted, distinct blobs `ids`: the new root
 * tree in `out`, *changed 0 when every blob was there already.
 */
static int tree_add(git_repository *repo, const git_tree *root, const git_oid *ids, size_t n,
		    git_oid *out, int *changed)
{
	git_treebuilder *rb = NULL;
	size_t i = 0;

	*changed = 0;
	if (git_treebuilder_new(&rb, repo, root) < 0)
		return sov_error_git("%s: tree", SOV_CHUNKS_REF);
	while (i < n) {
		git_tree *sub = NULL;
		char dir[3];
		size_t j;
		int added, r;

		for (j = i; j < n && ids[j].id[0] == ids[i].id[0]; j++)
			;
		snprintf(dir, sizeof(dir), "%02x", ids[i].id[0]);
		r = subtree(repo, root, dir, &sub);
		if (r == 0)
			r = put_dir(repo, rb, dir, sub, NULL, &ids[i], j - i, &added);
		git_tree_free(sub);
		if (r < 0) {
			git_treebuilder_free(rb);
			return -1;
		}
		*changed |= added;
		i = j;
	}
	return write_root(rb, out);
}

/* The union of the chunk trees `a` and `b` (both kept whole) into `out`. */
static int tree_union(git_repository *repo, const git_tree *a, const git_tree *b, git_oid *out)
{
	git_treebuilder *rb = NULL;
	size_t i;

	if (git_treebuilder_new(&rb, repo, a) < 0)
		return sov_error_git("%s: tree", SOV_CHUNKS_REF);
	for (i = 0; i < git_tree_entrycount(b); i++) {
		const git_tree_entry *eb = git_tree_entry_byindex(b, i);
		const char *name = git_tree_entry_name(eb);
		const git_tree_entry *ea = git_tree_entry_byname(a, name);
		git_tree *sa = NULL, *sb = NULL;
		int added, r;

		/* Only <2 hex>/ directories hold chunks; anything else is not ours. */
		if (git_tree_entry_type(eb) != GIT_OBJECT_TREE)
			continue;
		if (!ea || git_tree_entry_type(ea) != GIT_OBJECT_TREE) {
			if (git_treebuilder_insert(NULL, rb, name, git_tree_entry_id(eb),
						   GIT_FILEMODE_TREE) < 0) {
				sov_error_git("%s: tree %s", SOV_CHUNKS_REF, name);
				git_treebuilder_free(rb);
				return -1;
			}
			continue;
		}
		if (git_oid_equal(git_tree_entry_id(ea), git_tree_entry_id(eb)))
			continue;
		r = subtree(repo, a, name, &sa);
		if (r == 0)
			r = subtree(repo, b, name, &sb);
		if (r == 0)
			r = put_dir(repo, rb, name, sa, sb, NULL, 0, &added);
		git_tree_free(sa);
		git_tree_free(sb);
		if (r < 0) {
			git_treebuilder_free(rb);
			return -1;
		}
	}
	return write_root(rb, out);
}

static int make_commit(git_repository *repo, const git_oid *tree_id, const git_commit **parents,
		       size_t nparents, const char *msg, git_oid *out)
{
	git_signature *sig = NULL;
	git_tree *tree = NULL;
	int ret = 0;

	if (git_signature_now(&sig, "sovsync", "sovsync@localhost") < 0 ||
	    git_tree_lookup(&tree, repo, tree_id) < 0 ||
	    git_commit_create(out, repo, NULL, sig, sig, NULL, msg, tree, nparents, parents) < 0)
		ret = sov_error_git("%s: cannot commit", SOV_CHUNKS_REF);
	git_tree_free(tree);
	git_signature_free(sig);
	return ret;
}

/*
 * The message after the last attempt: a lock file that stays is most likely
 * left by a killed process (Git's own refs behave the same).
 */
static int gave_up(git_repository *repo, int locked)
{
	if (locked)
		return sov_error("%s is locked: %s%s.lock exists; if no git or sovsync "
				 "command is running, a killed one left it: remove it",
				 SOV_CHUNKS_REF, git_repository_commondir(repo), SOV_CHUNKS_REF);
	return sov_error("%s: changed by others %d times in a row; try again",
			 SOV_CHUNKS_REF, UPDATE_TRIES);
}

/*
 * Move the ref from `old` (NULL: it must not exist) to `id`: 0, 1 lost a
 * race (2: to a lock), -1.
 */
static int swap_ref(git_repository *repo, const git_oid *id, const git_oid *old)
{
	git_reference *ref = NULL;
	int err;

	if (old)
		err = git_reference_create_matching(&ref, repo, SOV_CHUNKS_REF, id, 1, old,
						    "sovsync: chunks");
	else
		err = git_reference_create(&ref, repo, SOV_CHUNKS_REF, id, 0, "sovsync: chunks");
	git_reference_free(ref);
	if (err == GIT_EMODIFIED || err == GIT_EEXISTS || err == GIT_ELOCKED) {
		git_error_clear();
		return err == GIT_ELOCKED ? 2 : 1;
	}
	if (err < 0)
		return sov_error_git("cannot update %s", SOV_CHUNKS_REF);
	return 0;
}

static void backoff(int attempt)
{
	sov_timing_sleep_ms(1 + attempt * 5);
}

int sov_chunks_keep(git_repository *repo, const git_oid *ids_in, size_t n)
{
	git_oid *ids = sov_malloc((n ? n : 1) * sizeof(*ids));
	size_t i, m = 0;
	int attempt, ret = -1, locked = 0;

	memcpy(ids, ids_in, n * sizeof(*ids));
	qsort(ids, n, sizeof(*ids), sort_oid);
	for (i = 0; i < n; i++)
		if (!m || !git_oid_equal(&ids[m - 1], &ids[i]))
			ids[m++] = ids[i];
	for (attempt = 0; attempt < UPDATE_TRIES; attempt++) {
		git_commit *base = NULL;
		git_tree *tree = NULL;
		git_oid old, base_id, new_tree, new_commit;
		int have_old, have_base, changed, r;

		if ((have_old = lookup_ref(repo, SOV_CHUNKS_REF, &old)) < 0)
			goto out;
		if (have_old)
			git_oid_cpy(&base_id, &old);
		if ((have_base = have_old ? 1 : any_tracking(repo, &base_id)) < 0)
			goto out;
		if (have_base && (git_commit_lookup(&base, repo, &base_id) < 0 ||
				  commit_tree(repo, base, &tree) < 0)) {
			sov_error_git("%s: commit %s", SOV_CHUNKS_REF, git_oid_tostr_s(&base_id));
			git_commit_free(base);
			goto out;
		}
		r = tree_add(repo, tree, ids, m, &new_tree, &changed);
		if (r == 0 && !changed && have_old) {
			git_tree_free(tree);
			git_commit_free(base);
			ret = 0;
			goto out;
		}
		if (r == 0 && !changed && have_base)
			git_oid_cpy(&new_commit, &base_id);
		else if (r == 0)
			r = make_commit(repo, &new_tree, (const git_commit **)&base, have_base ? 1 : 0,
					"sovsync: chunks\n", &new_commit);
		git_tree_free(tree);
		git_commit_free(base);
		if (r < 0)
			goto out;
		r = swap_ref(repo, &new_commit, have_old ? &old : NULL);
		if (r <= 0) {
			ret = r;
			goto out;
		}
		locked = r == 2;
		backoff(attempt);
	}
	gave_up(repo, locked);
out:
	free(ids);
	return ret;
}

int sov_chunks_merge(git_repository *repo, const git_oid *other)
{
	int attempt, locked = 0;

	for (attempt = 0; attempt < UPDATE_TRIES; attempt++) {
		git_commit *ours = NULL, *theirs = NULL;
		git_tree *ta = NULL, *tb = NULL;
		git_oid old, new_tree, new_commit;
		int have_old, r;

		if ((have_old = lookup_ref(repo, SOV_CHUNKS_REF, &old)) < 0)
			return -1;
		if (!have_old) {
			r = swap_ref(repo, other, NULL);
		} else if (git_oid_equal(&old, other) ||
			   git_graph_descendant_of(repo, &old, other) == 1) {
			return 0;
		} else if (git_graph_descendant_of(repo, other, &old) == 1) {
			r = swap_ref(repo, other, &old);
		} else {
			const git_commit *parents[2];

			if (git_commit_lookup(&ours, repo, &old) < 0 ||
			    git_commit_lookup(&theirs, repo, other) < 0 ||
			    commit_tree(repo, ours, &ta) < 0 || commit_tree(repo, theirs, &tb) < 0)
				r = sov_error_git("%s: merge", SOV_CHUNKS_REF);
			else
				r = tree_union(repo, ta, tb, &new_tree);
			parents[0] = ours;
			parents[1] = theirs;
			if (r == 0)
				r = make_commit(repo, &new_tree, parents, 2,
						"sovsync: merge chunks\n", &new_commit);
			if (r == 0)
				r = swap_ref(repo, &new_commit, &old);
			git_tree_free(ta);
			git_tree_free(tb);
			git_commit_free(ours);
			git_commit_free(theirs);
		}
		if (r <= 0)
			return r;
		locked = r == 2;
		backoff(attempt);
	}
	return gave_up(repo, locked);
}

int sov_chunks_absorb(git_repository *repo)
{
	git_reference_iterator *it = NULL;
	git_reference *ref = NULL;
	git_oid ids[16];
	size_t n = 0, i;

	if (git_reference_iterator_glob_new(&it, repo, "refs/sovsync/remotes/*") < 0)
		return sov_error_git("refs/sovsync/remotes");
	while (n < sizeof(ids) / sizeof(ids[0]) && git_reference_next(&ref, it) == 0) {
		const char *name = git_reference_name(ref);
		size_t len = strlen(name);

		if (len > 7 && !strcmp(name + len - 7, "/chunks") &&
		    git_reference_type(ref) == GIT_REFERENCE_DIRECT)
			git_oid_cpy(&ids[n++], git_reference_target(ref));
		git_reference_free(ref);
	}
	git_reference_iterator_free(it);
	git_error_clear();
	for (i = 0; i < n; i++)
		if (sov_chunks_merge(repo, &ids[i]) < 0)
			return -1;
	return 0;
}

/* ---- push and fetch ---- */

void sov_chunks_refspec(const char *remote, struct sov_buf *out)
{
	sov_buf_addf(out, "+refs/sovsync/*:refs/sovsync/remotes/%s/*", remote);
}

static int is_named_remote(git_repository *repo, const char *remote)
{
	git_remote *r = NULL;
	int ok = git_remote_lookup(&r, repo, remote) == 0;

	git_remote_free(r);
	git_error_clear();
	return ok;
}

int sov_chunks_add_refspec(git_repository *repo, const char *remote)
{
	struct sov_buf spec = SOV_BUF_INIT;
	git_strarray have = { NULL, 0 };
	git_remote *r = NULL;
	size_t i;
	int ret = 0;

	if (git_remote_lookup(&r, repo, remote) < 0) {
		git_error_clear();
		return 0;
	}
	sov_chunks_refspec(remote, &spec);
	if (git_remote_get_fetch_refspecs(&have, r) < 0) {
		ret = sov_error_git("remote %s: fetch refspecs", remote);
		goto out;
	}
	for (i = 0; i < have.count; i++)
		if (!strcmp(have.strings[i], spec.ptr))
			goto out;
	if (git_remote_add_fetch(repo, remote, spec.ptr) < 0)
		ret = sov_error_git("remote %s: cannot add the fetch refspec %s", remote, spec.ptr);
	else
		ret = 1;
out:
	git_strarray_dispose(&have);
	git_remote_free(r);
	sov_buf_release(&spec);
	return ret;
}

int sov_chunks_push(git_repository *repo, const char *remote)
{
	struct sov_buf tracking = SOV_BUF_INIT, fetch = SOV_BUF_INIT, why = SOV_BUF_INIT;
	const char *dir = git_repository_workdir(repo);
	int named = is_named_remote(repo, remote), attempt, ret = -1;
	git_oid ours, theirs;

	if (!dir)
		dir = git_repository_path(repo);
	/* What earlier fetches brought is ours now: a forced fetch cannot drop it. */
	if (sov_chunks_absorb(repo) < 0)
		return -1;
	switch (lookup_ref(repo, SOV_CHUNKS_REF, &ours)) {
	case 0:
		return 0;
	case -1:
		return -1;
	}
	if (named)
		sov_buf_addf(&tracking, "refs/sovsync/remotes/%s/chunks", remote);
	else
		sov_buf_addstr(&tracking, "refs/sovsync/incoming");
	sov_buf_addf(&fetch, "+%s:%s", SOV_CHUNKS_REF, tracking.ptr);
	for (attempt = 0; attempt < PUSH_TRIES; attempt++) {
		/* --no-verify: this is the pre-push hook's own push. */
		if (sov_run_git(NULL, dir, "push", "--quiet", "--no-verify", remote,
				SOV_CHUNKS_REF ":" SOV_CHUNKS_REF, NULL) == 0) {
			ret = 0;
			break;
		}
		sov_buf_reset(&why);
		sov_buf_addstr(&why, sov_error_last());
		/* Rejected because another clone pushed chunks first?  Merge them. */
		if (sov_run_git(NULL, dir, "fetch", "--quiet", "--no-tags",
				"--no-write-fetch-head", remote, fetch.ptr, NULL) < 0 ||
		    lookup_ref(repo, tracking.ptr, &theirs) <= 0 ||
		    lookup_ref(repo, SOV_CHUNKS_REF, &ours) <= 0 ||
		    git_oid_equal(&ours, &theirs) ||
		    git_graph_descendant_of(repo, &ours, &theirs) == 1) {
			sov_error("cannot push the chunks (%s) to %s: %s", SOV_CHUNKS_REF, remote,
				  why.ptr);
			break;
		}
		if (sov_chunks_merge(repo, &theirs) < 0)
			break;
	}
	if (attempt == PUSH_TRIES)
		sov_error("cannot push the chunks (%s) to %s: %s", SOV_CHUNKS_REF, remote, why.ptr);
	if (!named) {
		git_reference *ref = NULL;

		if (git_reference_lookup(&ref, repo, tracking.ptr) == 0)
			git_reference_delete(ref);
		git_reference_free(ref);
		git_error_clear();
	}
	sov_buf_release(&tracking);
	sov_buf_release(&fetch);
	sov_buf_release(&why);
	return ret;
}
