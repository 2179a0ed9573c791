/*
 * repo.c - sovsync's directory inside .git; see repo.h.
 */
#include "repo.h"
#include "error.h"
#include "fs.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "osfs.h"
#include "oslock.h"

int sov_repo_state_path(git_repository *repo, const char *name, struct sov_buf *out)
{
	const char *common = git_repository_commondir(repo);

	sov_buf_reset(out);
	sov_buf_addstr(out, common);
	if (out->len && !SOV_OS_IS_SEP(out->ptr[out->len - 1]))
		sov_buf_addch(out, '/');
	sov_buf_addstr(out, "sovsync");
	if (sov_fs_mkdirs(out->ptr, 0700) < 0)
		return -1;
	if (name && *name)
		sov_buf_addf(out, "/%s", name);
	return 0;
}

int sov_repo_lock(git_repository *repo, const char *name, int wait)
{
	struct sov_buf path = SOV_BUF_INIT;
	int fd = -1;

	if (sov_repo_state_path(repo, NULL, &path) < 0)
		goto out;
	sov_buf_addf(&path, "/%s.lock", name);
	fd = sov_os_open(path.ptr, O_RDWR | O_CREAT, 0600);
	if (fd < 0) {
		sov_error_errno("%s: cannot open lock", path.ptr);
		goto out;
	}
	if (sov_os_lock_fd(fd, wait, path.ptr) < 0) {
		close(fd);
		fd = -1;
	}
out:
	sov_buf_release(&path);
	return fd;
}

void sov_repo_unlock(int fd)
{
	if (fd >= 0)
		close(fd);	/* closing the descriptor drops the lock */
}
