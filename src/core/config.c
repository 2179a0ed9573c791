/*
 * config.c - sovsync.* settings via libgit2; see config.h.
 */
#include "config.h"
#include "error.h"
#include "fs.h"

#include <stdlib.h>
#include <string.h>

struct sov_config {
	git_repository *repo;
	int owns_repo;		/* opened by sov_config_open */
	git_config *snapshot;
};

/* The snapshot of `repo`'s config, or of the global ones without `repo`. */
static int take_snapshot(struct sov_config *cfg)
{
	git_config *live = NULL;
	int err;

	if (cfg->repo)
		err = git_repository_config(&live, cfg->repo);
	else
		err = git_config_open_default(&live);
	if (err == 0)
		err = git_config_snapshot(&cfg->snapshot, live);
	git_config_free(live);
	return err;
}

int sov_config_open_repo(struct sov_config **out, git_repository *repo)
{
	struct sov_config *cfg = sov_calloc(1, sizeof(*cfg));

	*out = NULL;
	cfg->repo = repo;
	if (take_snapshot(cfg) < 0) {
		sov_error_git("cannot read git config%s%s", repo ? " of " : "",
			      repo ? git_repository_path(repo) : "");
		sov_config_free(cfg);
		return -1;
	}
	*out = cfg;
	return 0;
}

int sov_config_open(struct sov_config **out, const char *dir)
{
	struct sov_config *cfg = sov_calloc(1, sizeof(*cfg));
	int err;

	*out = NULL;
	cfg->owns_repo = 1;
	if (dir)
		err = git_repository_open_ext(&cfg->repo, dir, 0, NULL);
	else
		err = git_repository_open_ext(&cfg->repo, NULL,
					      GIT_REPOSITORY_OPEN_FROM_ENV, NULL);
	if (err == GIT_ENOTFOUND)
		cfg->repo = NULL;
	if (err == 0 || err == GIT_ENOTFOUND)
		err = take_snapshot(cfg);
	if (err < 0) {
		sov_error_git("cannot read git config%s%s", dir ? " in " : "",
			      dir ? dir : "");
		sov_config_free(cfg);
		return -1;
	}
	*out = cfg;
	return 0;
}

void sov_config_free(struct sov_config *cfg)
{
	if (!cfg)
		return;
	git_config_free(cfg->snapshot);
	if (cfg->owns_repo)
		git_repository_free(cfg->repo);
	free(cfg);
}

git_repository *sov_config_repo(struct sov_config *cfg)
{
	return cfg->repo;
}

int sov_config_get_string(struct sov_config *cfg, const char *key,
			  const char *def, struct sov_buf *out)
{
	git_buf value = GIT_BUF_INIT;
	int err = git_config_get_string_buf(&value, cfg->snapshot, key);

	sov_buf_reset(out);
	if (err == GIT_ENOTFOUND) {
		if (def)
			sov_buf_addstr(out, def);
		return 0;
	}
	if (err < 0)
		return sov_error_git("config %s", key);
	sov_buf_addstr(out, value.ptr);
	git_buf_dispose(&value);
	return 1;
}

int sov_config_get_bool(struct sov_config *cfg, const char *key, int def, int *out)
{
	int err = git_config_get_bool(out, cfg->snapshot, key);

	if (err == GIT_ENOTFOUND) {
		*out = def;
		return 0;
	}
	if (err < 0)
		return sov_error_git("config %s: not a boolean", key);
	return 1;
}

int sov_config_get_int(struct sov_config *cfg, const char *key, int64_t def,
		       int64_t *out)
{
	int err = git_config_get_int64(out, cfg->snapshot, key);

	if (err == GIT_ENOTFOUND) {
		*out = def;
		return 0;
	}
	if (err < 0)
		return sov_error_git("config %s: not an integer", key);
	return 1;
}

int sov_config_normalize_root(const char *value, struct sov_buf *out)
{
	const char *s = value, *p;

	sov_buf_reset(out);
	if (*value == '/')
		return sov_error("config sovsync.root: '%s' is absolute; it must be a "
				 "directory inside the work tree", value);
	for (p = value; *p; p++)
		if (strchr(" \t\r\n\"'\\*?[", *p))
			return sov_error("config sovsync.root: '%s': white space, quotes and "
					 "the pattern characters \\ * ? [ are not supported",
					 value);
	while (*s) {
		const char *e = strchrnul(s, '/');
		size_t n = (size_t)(e - s);

		if (n == 2 && s[0] == '.' && s[1] == '.')
			return sov_error("config sovsync.root: '%s' has a '..' component; it "
					 "must be a directory inside the work tree", value);
		if (n && !(n == 1 && s[0] == '.')) {
			if (out->len)
				sov_buf_addch(out, '/');
			sov_buf_add(out, s, n);
		}
		s = *e ? e + 1 : e;
	}
	if (!out->len)
		return sov_error("config sovsync.root: '%s' names the top of the work tree; "
				 "it must be a directory inside it (default 'shared')", value);
	if (out->ptr[0] == '#' || out->ptr[0] == '!')
		return sov_error("config sovsync.root: '%s' cannot start with '%c'", value,
				 out->ptr[0]);
	return 0;
}

int sov_config_root(struct sov_config *cfg, struct sov_buf *out)
{
	struct sov_buf value = SOV_BUF_INIT;
	const char *workdir = cfg->repo ? git_repository_workdir(cfg->repo) : NULL;
	int ret = sov_config_get_string(cfg, "sovsync.root", "shared", &value);

	if (ret >= 0)
		ret = sov_config_normalize_root(value.ptr, out);
	if (ret >= 0 && workdir && sov_fs_check_under(workdir, out->ptr, SOV_FS_DIR) < 0)
		ret = sov_error_prefix("sovsync.root");
	sov_buf_release(&value);
	return ret < 0 ? -1 : 0;
}
