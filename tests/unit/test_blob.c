/* Unit tests for src/core/blob.c. */
#include "tap.h"
#include "scratch.h"
#include "blob.h"
#include "buf.h"
#include "error.h"
#include "frame.h"

#include <stdlib.h>
#include <string.h>

static char dir[] = "/tmp/sovsync-blob-XXXXXX";

struct sink {
	struct sov_buf got;
	size_t calls, stop_after;	/* 0: never stop */
};

static int collect(void *ctx, const void *data, size_t len)
{
	struct sink *s = ctx;

	sov_buf_add(&s->got, data, len);
	s->calls++;
	return s->stop_after && s->got.len >= s->stop_after;
}

static int refuse(void *ctx, const void *data, size_t len)
{
	(void)ctx;
	(void)data;
	(void)len;
	return sov_error("refused");
}

int main(void)
{
	git_repository *repo = NULL;
	struct sov_buf big = SOV_BUF_INIT, stored = SOV_BUF_INIT;
	struct sink s = { SOV_BUF_INIT, 0, 0 };
	git_oid small_id, big_id, empty_id, stored_id, missing;
	size_t i;

	git_libgit2_init();
	ok(mkdtemp(dir) != NULL, "temp dir");
	ok(git_repository_init(&repo, dir, 0) == 0, "a repository");

	git_blob_create_from_buffer(&small_id, repo, "hello\n", 6);
	git_blob_create_from_buffer(&empty_id, repo, "", 0);
	for (i = 0; big.len < SOV_BLOB_STREAM_MIN + 12345; i++)
		sov_buf_addf(&big, "line %zu of a blob larger than the streaming size\n", i);
	git_blob_create_from_buffer(&big_id, repo, big.ptr, big.len);
	sov_frame_encode_buf("real content\n", 13, &stored);
	git_blob_create_from_buffer(&stored_id, repo, stored.ptr, stored.len);

	ok(sov_blob_stream(repo, &small_id, collect, &s) == 0, "a small blob streams");
	is_int((int)s.calls, 1, "in one piece");
	ok(s.got.len == 6 && !memcmp(s.got.ptr, "hello\n", 6), "byte for byte");

	sov_buf_reset(&s.got);
	s.calls = 0;
	ok(sov_blob_stream(repo, &big_id, collect, &s) == 0, "a blob over the streaming size");
	ok(s.calls > 1, "comes in pieces through git cat-file (%zu)", s.calls);
	ok(s.got.len == big.len && !memcmp(s.got.ptr, big.ptr, big.len), "byte for byte");

	sov_buf_reset(&s.got);
	s.calls = 0;
	s.stop_after = 16;
	ok(sov_blob_stream(repo, &big_id, collect, &s) == 0, "enough after the first piece: 0");
	ok(s.calls == 1, "and the rest is not read (%zu calls)", s.calls);

	is_int(sov_blob_stream(repo, &big_id, refuse, NULL), -1, "a refusing callback fails");
	is_str(sov_error_last(), "refused", "with its message");
	is_int(sov_blob_stream(repo, &small_id, refuse, NULL), -1, "small blobs too");

	git_oid_fromstr(&missing, "0123456789012345678901234567890123456789");
	is_int(sov_blob_stream(repo, &missing, collect, &s), -1, "a missing blob fails");
	ok(strstr(sov_error_last(), "0123456789") != NULL, "naming it: %s", sov_error_last());

	is_int(sov_blob_is_encoded(repo, &stored_id), 1, "stored form: encoded");
	is_int(sov_blob_is_encoded(repo, &small_id), 0, "plain text: not");
	is_int(sov_blob_is_encoded(repo, &big_id), 0, "a large plain blob: not");
	is_int(sov_blob_is_encoded(repo, &empty_id), 1, "empty: counts as encoded");
	is_int(sov_blob_is_encoded(repo, &missing), -1, "missing: an error");

	{
		git_oid want, got, again;
		git_odb *odb = NULL;

		git_odb_hash(&want, "kept\n", 5, GIT_OBJECT_BLOB);
		git_repository_odb(&odb, repo);
		ok(odb && !git_odb_exists(odb, &want), "sov_blob_store: not there before");
		is_int(sov_blob_store(repo, "kept\n", 5, &got), 0, "stores a new blob");
		ok(git_oid_equal(&got, &want), "under its blob id");
		ok(git_odb_exists(odb, &want), "which the object database now has");
		is_int(sov_blob_store(repo, "kept\n", 5, &again), 0, "storing it again: 0");
		ok(git_oid_equal(&again, &want), "the same id");
		is_int(sov_blob_store(repo, "hello\n", 6, &got), 0, "a blob there already: 0");
		ok(git_oid_equal(&got, &small_id), "its id");
		git_odb_free(odb);
	}

	sov_buf_release(&s.got);
	sov_buf_release(&big);
	sov_buf_release(&stored);
	git_repository_free(repo);
	scratch_remove(dir);
	git_libgit2_shutdown();
	return done_testing();
}
