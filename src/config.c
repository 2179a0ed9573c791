/*
 * config.c - sovsync.* settings via libgit2; see config.h.
 */
#include "config.h"
#include "error.h"

#include <stdlib.h>

struct sov_config {
	git_repository *repo;
	git_config *snapshot;
};

int sov_config_open(struct sov_config **out, const char *dir)
{
	struct sov_config *cfg = sov_calloc(1, sizeof(*cfg));
	git_config *live = NULL;
	int err;

	*out = NULL;
	if (dir)
		err = git_repository_open_ext(&cfg->repo, dir, 0, NULL);
	else
		err = git_repository_open_ext(&cfg->repo, NULL,
					      GIT_REPOSITORY_OPEN_FROM_ENV, NULL);
	if (err == GIT_ENOTFOUND) {
		cfg->repo = NULL;
		err = git_config_open_default(&live);
	} else if (err == 0) {
		err = git_repository_config(&live, cfg->repo);
	}
	if (err == 0)
		err = git_config_snapshot(&cfg->snapshot, live);
	git_config_free(live);
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
