/*
 * Unit tests for src/filter/rawobj.c: loose objects of stored zlib blocks,
 * read back by libgit2 (its zlib), at every size where the stream's
 * structure changes (stored blocks of 65535 bytes, the 1 MiB output
 * buffer), and the cases left to Git.
 */
#include "tap.h"
#include "child.h"
#include "buf.h"
#include "error.h"
#include "hash.h"
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

/*
 * The child of the check below, in repository `dir`, its environment
 * naming a crypto configuration without digests.  Exit 0: the system's
 * SHA-1 is unavailable and objects still read back under Git's ids; 2:
 * the system's SHA-1 works here after all (the check would prove
 * nothing); 1: a failure.
 */
static int child_main(const char *dir)
{
	git_repository *repo = NULL;
	struct sov_rawobj *w = NULL;
	struct sov_sha1 md;
	int good;

	if (sov_sha1_init(&md) == 0) {
		sov_sha1_abort(&md);
		return 2;
	}
	sov_error_clear();
	git_libgit2_init();
	good = git_repository_open(&repo, dir) == 0 && (w = sov_rawobj_new(repo)) != NULL &&
	       round_trip(w, repo, 65536, 7) && round_trip(w, repo, 1024 * 1024 + 5, 8);
	if (!good)
		fprintf(stderr, "# %s\n", sov_error_last());
	sov_rawobj_free(w);
	git_repository_free(repo);
	git_libgit2_shutdown();
	return good ? 0 : 1;
}

/*
 * OpenSSL's null provider alone offers no digest at all: the objects are
 * named by libgit2's SHA-1 instead.  POSIX only (Windows' SHA-1 is
 * BCrypt's, always there).
 */
static void check_without_system_sha1(const char *dir)
{
	struct sov_buf conf = SOV_BUF_INIT;
	const char *args[] = { CHILD_FLAG, dir, NULL };
	FILE *f;
	intptr_t pid;
	int st = -1;

	if (!TEST_POSIX) {
		skip(1, "OpenSSL configuration: POSIX only");
		return;
	}
	sov_buf_addf(&conf, "%s/null-provider.cnf", dir);
	f = fopen(conf.ptr, "w");
	if (f) {
		fputs("openssl_conf = init\n[init]\nproviders = prov\n"
		      "[prov]\nnull = null_sect\n[null_sect]\nactivate = 1\n", f);
		fclose(f);
		setenv("OPENSSL_CONF", conf.ptr, 1);
		pid = child_start(args);
		unsetenv("OPENSSL_CONF");
		st = pid < 0 ? -1 : child_wait(pid);
	}
	if (st == 2)
		skip(1, "this libcrypto still offers SHA-1 with only the null provider");
	else
		is_int(st, 0, "no SHA-1 in the system's crypto: named by libgit2's, read back intact");
	sov_buf_release(&conf);
}

int main(int argc, char **argv)
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

	if (argc == 3 && !strcmp(argv[1], CHILD_FLAG))
		return child_main(argv[2]);
	git_libgit2_init();
	if (!mkdtemp(dir) || git_repository_init(&repo, dir, 0) < 0)
		return 1;
	check_without_system_sha1(dir);
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
