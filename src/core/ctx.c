/*
 * ctx.c - the repository context; see ctx.h.
 */
#include "ctx.h"
#include "error.h"

#include <stdlib.h>

#include "osenv.h"

int sov_ctx_open(struct sov_ctx *ctx, const char *dir, unsigned flags)
{
	const char *index_file = getenv("GIT_INDEX_FILE");
	char *saved = index_file ? sov_strdup(index_file) : NULL;
	int err;

	if (saved)
		sov_os_setenv("GIT_INDEX_FILE", NULL);
	if (dir)
		err = git_repository_open_ext(&ctx->repo, dir, 0, NULL);
	else
		err = git_repository_open_ext(&ctx->repo, NULL,
					      GIT_REPOSITORY_OPEN_FROM_ENV, NULL);
	if (saved) {
		sov_os_setenv("GIT_INDEX_FILE", saved);
		free(saved);
	}
	if (err == GIT_ENOTFOUND) {
		ctx->repo = NULL;
		git_error_clear();
		if (flags & SOV_CTX_REPO)
			return dir ? sov_error("%s: not a git repository", dir) :
				     sov_error("not in a git repository");
	} else if (err < 0) {
		return sov_error_git("cannot open the repository%s%s", dir ? " " : "",
				     dir ? dir : "");
	}
	if (sov_config_open_repo(&ctx->cfg, ctx->repo) < 0)
		return -1;
	return sov_ctx_load(ctx, flags & SOV_SET_ALL);
}

int sov_ctx_load(struct sov_ctx *ctx, unsigned groups)
{
	return sov_settings_load(&ctx->set, ctx->cfg, groups);
}

void sov_ctx_release(struct sov_ctx *ctx)
{
	sov_settings_release(&ctx->set);
	sov_config_free(ctx->cfg);
	git_repository_free(ctx->repo);
	ctx->cfg = NULL;
	ctx->repo = NULL;
}

const char *sov_ctx_workdir(const struct sov_ctx *ctx)
{
	return ctx->repo ? git_repository_workdir(ctx->repo) : NULL;
}
