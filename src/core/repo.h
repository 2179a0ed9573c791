/*
 * repo.h - where sovsync keeps its local bookkeeping in a repository.
 *
 * Local, untracked state (metrics, the conflict queue, the webhook outbox,
 * locks) lives in "<common git dir>/sovsync/", shared by all worktrees of a
 * clone and never committed.  Every file there is written atomically.
 */
#ifndef SOV_REPO_H
#define SOV_REPO_H

#include <git2.h>

#include "buf.h"

/*
 * Set `out` to "<common dir>/sovsync/<name>" (name may be NULL or "" for the
 * directory itself), creating the directory (mode 0700) if needed.
 * Returns 0 or -1.
 */
int sov_repo_state_path(git_repository *repo, const char *name, struct sov_buf *out);

/*
 * An advisory lock (src/os/oslock.h: flock, LockFileEx) on
 * "<common dir>/sovsync/<name>.lock", for the
 * read-modify-write of one bookkeeping file.  Waits when `wait` is set, else
 * fails at once when another process holds it.  Returns the lock's file
 * descriptor (release with sov_repo_unlock) or -1: with the error code
 * SOV_ELOCKED when it is held (only without `wait`), another code when the
 * lock file cannot be opened or locked (SOV_EIO: a read-only file system).  The lock dies with the
 * process, so a crash never leaves a stale lock behind.
 */
int sov_repo_lock(git_repository *repo, const char *name, int wait);
void sov_repo_unlock(int fd);

#endif
