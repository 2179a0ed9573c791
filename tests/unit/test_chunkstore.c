/*
 * Unit tests for src/filter/chunkstore.c: files above the limit become a pointer
 * and chunk blobs, the pointer smudges back, damaged pointers are refused
 * with the cause, refs/sovsync/chunks grows and merges as a union.
 */
#include "tap.h"
#include "scratch.h"
#include "buf.h"
#include "chunkstore.h"
#include "error.h"
#include "filter.h"
#include "frame.h"
#include "hash.h"

#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Where a (version 4) pointer's lines start: after its header. */
#define LINES SOV_FRAME_FULL_HEADER_SIZE

static int add(void *ctx, const void *data, size_t len)
{
	sov_buf_add(ctx, data, len);
	return 0;
}

static int run(git_repository *repo, enum sov_filter_op op, const struct sov_buf *in,
	       struct sov_buf *out)
{
	struct sov_filter f = SOV_FILTER_INIT;
	int ret;

	sov_buf_reset(out);
	sov_filter_use_repo(&f, repo);
	sov_filter_start(&f, op, add, out);
	ret = sov_filter_write(&f, in->ptr, in->len) < 0 || sov_filter_finish(&f) < 0 ? -1 : 0;
	sov_filter_release(&f);
	return ret;
}

/* Smudge `ptr` edited by `edit`; the error message, "" on success. */
static const char *smudge_edited(git_repository *repo, const struct sov_buf *ptr,
				 void (*edit)(struct sov_buf *))
{
	struct sov_buf b = SOV_BUF_INIT, out = SOV_BUF_INIT;
	static char msg[1024];

	sov_buf_add(&b, ptr->ptr, ptr->len);
	edit(&b);
	sov_error_clear();
	if (run(repo, SOV_FILTER_SMUDGE, &b, &out) < 0)
		snprintf(msg, sizeof(msg), "%s", sov_error_last());
	else
		msg[0] = '\0';
	sov_buf_release(&b);
	sov_buf_release(&out);
	return msg;
}

static void drop_end(struct sov_buf *b)
{
	char *end = strstr(b->ptr + LINES, "end ");

	sov_buf_setlen(b, (size_t)(end - b->ptr));
}

static void add_tail(struct sov_buf *b)
{
	sov_buf_addstr(b, "x");
}

static void wrong_id(struct sov_buf *b)
{
	/* The first id's first digit: another, absent blob. */
	b->ptr[LINES] = b->ptr[LINES] == '0' ? '1' : '0';
}

static void bad_count(struct sov_buf *b)
{
	b->ptr[b->len - 2] = b->ptr[b->len - 2] == '9' ? '8' : '9';
}

static void long_line(struct sov_buf *b)
{
	sov_buf_setlen(b, LINES);
	for (int i = 0; i < 300; i++)
		sov_buf_addch(b, 'a');
}

static char swap_to[GIT_OID_HEXSZ + 1];

static void other_blob(struct sov_buf *b)
{
	memcpy(b->ptr + LINES, swap_to, GIT_OID_HEXSZ);
}

static size_t tree_count(git_repository *repo, const char *ref)
{
	git_object *obj = NULL;
	git_tree *root = NULL;
	size_t i, n = 0;

	if (git_revparse_single(&obj, repo, ref) < 0 ||
	    git_commit_tree(&root, (git_commit *)obj) < 0)
		return 0;
	for (i = 0; i < git_tree_entrycount(root); i++) {
		git_tree *sub = NULL;

		if (git_tree_lookup(&sub, repo, git_tree_entry_id(git_tree_entry_byindex(root, i))) == 0)
			n += git_tree_entrycount(sub);
		git_tree_free(sub);
	}
	git_tree_free(root);
	git_object_free(obj);
	return n;
}

static git_oid blob_of(git_repository *repo, const char *s)
{
	git_oid id;

	git_blob_create_from_buffer(&id, repo, s, strlen(s));
	return id;
}

int main(void)
{
	char dir[] = "/tmp/sovsync-test-chunkstore.XXXXXX";
	git_repository *repo = NULL;
	git_config *cfg = NULL;
	struct sov_buf a = SOV_BUF_INIT, ptr = SOV_BUF_INIT, out = SOV_BUF_INIT;
	git_oid tip1, tip2, ids[3];
	const char *msg;
	uint32_t x = 12345;
	int i;

	git_libgit2_init();
	if (!mkdtemp(dir) || git_repository_init(&repo, dir, 0) < 0 ||
	    git_repository_config(&cfg, repo) < 0 ||
	    git_config_set_int64(cfg, "sovsync.maxObjectSize", 600000) < 0)
		return 1;
	git_config_free(cfg);

	ok(sov_chunks_above_limit(100001, 100000) && !sov_chunks_above_limit(100000, 100000),
	   "the rule: chunked only above the limit");

	for (i = 0; i < 2 * 1024 * 1024; i++) {
		x = x * 1103515245 + 12345;
		sov_buf_addch(&a, (int)(x >> 24));
	}
	ok(!run(repo, SOV_FILTER_CLEAN, &a, &ptr), "clean of 2 MiB over a 600 kB limit");
	ok(sov_chunks_is_pointer(ptr.ptr, ptr.len) && ptr.len < 100000,
	   "gives a small pointer (%zu bytes)", ptr.len);
	ok(git_reference_name_to_id(&tip1, repo, SOV_CHUNKS_REF) == 0, "refs/sovsync/chunks made");
	ok(tree_count(repo, SOV_CHUNKS_REF) > 8, "its tree lists the chunks (%zu)",
	   tree_count(repo, SOV_CHUNKS_REF));
	ok(!run(repo, SOV_FILTER_SMUDGE, &ptr, &out) && out.len == a.len &&
	   !memcmp(out.ptr, a.ptr, a.len), "smudge rebuilds the content");
	ok(!run(repo, SOV_FILTER_CLEAN, &a, &out) && out.len == ptr.len &&
	   !memcmp(out.ptr, ptr.ptr, ptr.len), "clean again: the same pointer");
	{
		struct sov_frame_digest d, fd;
		struct sov_buf framed = SOV_BUF_INIT, old = SOV_BUF_INIT;
		char want[SOV_SHA256_HEXLEN + 1], got[SOV_SHA256_HEXLEN + 1];

		sov_sha256_hex(a.ptr, a.len, want);
		ok(ptr.ptr[8] == SOV_CHUNKS_VERSION &&
		   sov_frame_header_digest(ptr.ptr, ptr.len, &d) == 1 && d.size == a.len &&
		   (sov_sha256_to_hex(d.sha256, got), !strcmp(got, want)),
		   "the pointer's header carries the content's size and SHA-256");
		sov_frame_encode_buf(a.ptr, a.len, &framed);
		ok(sov_frame_header_digest(framed.ptr, framed.len, &fd) == 1 &&
		   !memcmp(fd.sha256, d.sha256, sizeof(d.sha256)) &&
		   !memcmp(framed.ptr + 16, ptr.ptr + 16, SOV_FRAME_DIGEST_SIZE),
		   "the same digest bytes as the stored form in frames");
		/* A version 2 pointer (before the digest): the 16-byte header. */
		sov_buf_add(&old, ptr.ptr, SOV_FRAME_HEADER_SIZE);
		old.ptr[8] = SOV_CHUNKS_VERSION_NODIGEST;
		sov_buf_add(&old, ptr.ptr + LINES, ptr.len - LINES);
		ok(sov_chunks_is_pointer(old.ptr, old.len) &&
		   sov_frame_header_digest(old.ptr, old.len, &d) == 0 &&
		   !run(repo, SOV_FILTER_SMUDGE, &old, &out) && out.len == a.len &&
		   !memcmp(out.ptr, a.ptr, a.len), "a version 2 pointer still smudges");
		ok(!run(repo, SOV_FILTER_CLEAN, &old, &out) && out.len == old.len &&
		   !memcmp(out.ptr, old.ptr, old.len), "... and is added as it is");
		/* A version 1 stored form above the limit: a version 2 pointer. */
		sov_buf_reset(&old);
		sov_buf_add(&old, framed.ptr, SOV_FRAME_HEADER_SIZE);
		old.ptr[8] = SOV_FRAME_VERSION_NODIGEST;
		sov_buf_add(&old, framed.ptr + LINES, framed.len - LINES);
		ok(!run(repo, SOV_FILTER_CLEAN, &old, &out) && out.ptr[8] == SOV_CHUNKS_VERSION_NODIGEST &&
		   !memcmp(out.ptr + SOV_FRAME_HEADER_SIZE, ptr.ptr + LINES, ptr.len - LINES),
		   "a version 1 stored form added above the limit: a version 2 pointer");
		/* A version 3 one: the pointer takes its digest. */
		ok(!run(repo, SOV_FILTER_CLEAN, &framed, &out) && out.len == ptr.len &&
		   !memcmp(out.ptr, ptr.ptr, ptr.len),
		   "a version 3 stored form added above the limit: the same pointer");
		sov_buf_release(&framed);
		sov_buf_release(&old);
	}
	ok(git_reference_name_to_id(&tip2, repo, SOV_CHUNKS_REF) == 0 && git_oid_equal(&tip1, &tip2),
	   "and no new commit when every chunk is kept");
	ok(!run(repo, SOV_FILTER_CLEAN, &ptr, &out) && out.len == ptr.len &&
	   !memcmp(out.ptr, ptr.ptr, ptr.len), "a pointer added as it is stays as it is");

	msg = smudge_edited(repo, &ptr, drop_end);
	ok(strstr(msg, "corrupt: truncated chunk list"), "no end line: %s", msg);
	msg = smudge_edited(repo, &ptr, add_tail);
	ok(strstr(msg, "data after the end line"), "data after the end: %s", msg);
	msg = smudge_edited(repo, &ptr, wrong_id);
	ok(strstr(msg, "is not in the repository") &&
	   strstr(msg, "git fetch origin '+refs/sovsync/*:refs/sovsync/remotes/origin/*'"),
	   "a missing chunk names the fetch: %s", msg);
	msg = smudge_edited(repo, &ptr, bad_count);
	ok(strstr(msg, "bad end line"), "a wrong count: %s", msg);
	msg = smudge_edited(repo, &ptr, long_line);
	ok(strstr(msg, "too long"), "an endless line: %s", msg);
	ids[0] = blob_of(repo, "not a zstd frame");
	git_oid_tostr(swap_to, sizeof(swap_to), &ids[0]);
	msg = smudge_edited(repo, &ptr, other_blob);
	ok(strstr(msg, "is not the frame the list names"), "a blob that is no frame: %s", msg);

	/* Two clones' histories: the merge keeps the union. */
	ids[0] = blob_of(repo, "chunk one");
	ids[1] = blob_of(repo, "chunk two");
	ids[2] = blob_of(repo, "chunk three");
	ok(!sov_chunks_keep(repo, &ids[0], 1), "keep one more chunk");
	git_reference_name_to_id(&tip2, repo, SOV_CHUNKS_REF);
	git_reference_create(NULL, repo, SOV_CHUNKS_REF, &tip1, 1, NULL);
	ok(!sov_chunks_keep(repo, &ids[1], 2), "another line of history keeps two others");
	ok(!sov_chunks_merge(repo, &tip2), "merge the first line");
	ok(tree_count(repo, SOV_CHUNKS_REF) == tree_count(repo, "refs/sovsync/chunks^1") + 1,
	   "the merge holds both sides' chunks");
	{
		git_object *o = NULL;

		ok(git_revparse_single(&o, repo, SOV_CHUNKS_REF) == 0 &&
		   git_commit_parentcount((git_commit *)o) == 2, "as a merge commit of both");
		git_object_free(o);
	}
	git_reference_name_to_id(&tip1, repo, SOV_CHUNKS_REF);
	ok(!sov_chunks_merge(repo, &tip2) &&
	   git_reference_name_to_id(&tip2, repo, SOV_CHUNKS_REF) == 0 && git_oid_equal(&tip1, &tip2),
	   "merging an ancestor changes nothing");

	/* A hostile remote: its tree has a blob at the top and a tree of trees. */
	{
		git_treebuilder *tb = NULL;
		git_signature *sig = NULL;
		git_tree *t = NULL;
		git_oid tid, cid, empty;
		size_t before = tree_count(repo, SOV_CHUNKS_REF);

		git_treebuilder_new(&tb, repo, NULL);
		git_treebuilder_insert(NULL, tb, "zz", &ids[0], GIT_FILEMODE_BLOB);
		git_treebuilder_write(&empty, tb);
		git_treebuilder_insert(NULL, tb, "ab", &empty, GIT_FILEMODE_TREE);
		git_treebuilder_write(&tid, tb);
		git_tree_lookup(&t, repo, &tid);
		git_signature_now(&sig, "x", "x@example.com");
		git_commit_create(&cid, repo, NULL, sig, sig, NULL, "hostile", t, 0, NULL);
		ok(!sov_chunks_merge(repo, &cid) && tree_count(repo, SOV_CHUNKS_REF) >= before,
		   "a remote tree of the wrong shape merges without losing a chunk");
		git_tree_free(t);
		git_signature_free(sig);
		git_treebuilder_free(tb);
	}

	/* A lock file a killed process left: the message names it. */
	{
		char lock[512];
		FILE *fp;
		git_oid more = blob_of(repo, "chunk four");

		snprintf(lock, sizeof(lock), "%s/.git/refs/sovsync/chunks.lock", dir);
		fp = fopen(lock, "w");
		if (fp)
			fclose(fp);
		sov_error_clear();
		i = sov_chunks_keep(repo, &more, 1);
		ok(i < 0 && strstr(sov_error_last(), "is locked") &&
		   strstr(sov_error_last(), "chunks.lock exists"), "a stale lock: %s",
		   sov_error_last());
		remove(lock);
		ok(!sov_chunks_keep(repo, &more, 1), "kept once it is gone");
	}

	/* A limit no chunk blob could stay under is refused, naming it. */
	git_repository_config(&cfg, repo);
	git_config_set_int64(cfg, "sovsync.maxObjectSize", 100000);
	git_config_free(cfg);
	sov_error_clear();
	i = run(repo, SOV_FILTER_CLEAN, &a, &out);
	ok(i < 0 && strstr(sov_error_last(), "sovsync.maxObjectSize: 100000 is below"),
	   "a limit below 512 KiB: %s", sov_error_last());

	sov_buf_release(&a);
	sov_buf_release(&ptr);
	sov_buf_release(&out);
	git_repository_free(repo);
	ok(!scratch_remove(dir), "cleanup");
	git_libgit2_shutdown();
	return done_testing();
}
