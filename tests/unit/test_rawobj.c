/*
 * Unit tests for src/filter/rawobj.c: loose objects of stored zlib blocks,
 * read back by libgit2 (its zlib), at every size where the stream's
 * structure changes (stored blocks of 65535 bytes, the 1 MiB output
 * buffer), and the cases left to Git.
 */
#include "tap.h"
#include "buf.h"
#include "error.h"
#include "rawobj.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Write `len` pseudo-random bytes and read the object back. */
static int round_trip(struct sov_rawobj *w, git_repository *repo, size_t len, unsigned seed)
{
	git_odb *odb = NULL;
	git_odb_object *obj = NULL;
	git_oid id, want;
	char *data = malloc(len ? len : 1);
	size_t i;
	int good = 0;

	for (i = 0; i < len; i++) {
		seed = seed * 1103515245 + 12345;
		data[i] = (char)(seed >> 24);
	}
	if (sov_rawobj_write(w, data, len, &id) == 0 &&
	    git_odb_hash(&want, data, len, GIT_OBJECT_BLOB) == 0 && git_oid_equal(&id, &want) &&
	    git_repository_odb(&odb, repo) == 0 && git_odb_read(&obj, odb, &id) == 0 &&
	    git_odb_object_size(obj) == len && git_odb_object_type(obj) == GIT_OBJECT_BLOB &&
	    !memcmp(git_odb_object_data(obj), data, len))
		good = 1;
	git_odb_object_free(obj);
	git_odb_free(odb);
	free(data);
	return good;
}

/* The size of the loose file of `hex` in `dir`'s repository. */
static long long loose_size(const char *dir, const git_oid *id)
{
	char hex[GIT_OID_HEXSZ + 1], path[512];
	struct stat st;

	git_oid_tostr(hex, sizeof(hex), id);
	snprintf(path, sizeof(path), "%s/.git/objects/%.2s/%s", dir, hex, hex + 2);
	return stat(path, &st) == 0 ? (long long)st.st_size : -1;
}

int main(void)
{
	char dir[] = "/tmp/sovsync-test-rawobj.XXXXXX";
	static const size_t sizes[] = { 0, 1, 65535 - 11, 65535 - 10, 65535, 65536, 131070,
					1024 * 1024 - 7, 1024 * 1024, 1024 * 1024 + 5,
					3 * 1024 * 1024 + 12345 };
	git_repository *repo = NULL;
	git_config *cfg = NULL;
	struct sov_rawobj *w;
	struct sov_spool spool = SOV_SPOOL_INIT;
	git_oid id;
	size_t i;
	int all = 1;

	git_libgit2_init();
	if (!mkdtemp(dir) || git_repository_init(&repo, dir, 0) < 0)
		return 1;
	w = sov_rawobj_new(repo);
	ok(w != NULL, "a writer for an ordinary repository");
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		if (!round_trip(w, repo, sizes[i], (unsigned)i + 1)) {
			fprintf(stderr, "# size %zu: %s\n", sizes[i], sov_error_last());
			all = 0;
		}
	ok(all, "every size reads back intact, under its SHA-1");

	ok(sov_rawobj_write(w, "hello\n", 6, &id) == 0, "a small object");
	/* 2 (zlib) + 5 (one stored block) + "blob 6\0" + 6 + 4 (Adler-32). */
	is_int(loose_size(dir, &id), 2 + 5 + 7 + 6 + 4, "... is stored, not compressed");
	ok(sov_rawobj_write(w, "hello\n", 6, &id) == 0, "writing it again is fine");

	sov_spool_write(&spool, "spooled\n", 8);
	is_int(sov_rawobj_write_spool(w, &spool, &id), 0, "a spool in memory is written");
	sov_spool_release(&spool);
	spool.fd = 0;	/* pretend part of it went to a file */
	spool.size = 5;
	is_int(sov_rawobj_write_spool(w, &spool, &id), 1, "a spool on disk is left to Git");
	spool.fd = -1;
	sov_spool_release(&spool);
	sov_rawobj_free(w);

	setenv("GIT_OBJECT_DIRECTORY", "/nonexistent", 1);
	ok(sov_rawobj_new(repo) == NULL, "GIT_OBJECT_DIRECTORY: left to Git");
	unsetenv("GIT_OBJECT_DIRECTORY");
	setenv("GIT_CONFIG_PARAMETERS", "'core.sharedRepository'='group'", 1);
	ok(sov_rawobj_new(repo) == NULL, "git -c core.sharedRepository: left to Git");
	unsetenv("GIT_CONFIG_PARAMETERS");
	if (git_repository_config(&cfg, repo) == 0) {
		git_config_set_string(cfg, "core.sharedRepository", "group");
		git_config_free(cfg);
	}
	ok(sov_rawobj_new(repo) == NULL, "core.sharedRepository=group: left to Git");
	ok(sov_rawobj_new(NULL) == NULL, "no repository: nothing");

	git_repository_free(repo);
	git_libgit2_shutdown();
	return done_testing();
}
