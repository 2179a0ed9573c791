/*
 * oslock.h - whole-file advisory locks that die with their process.
 *
 * flock(2) on POSIX, LockFileEx on Windows.  The lock belongs to the open
 * file: closing the descriptor (or the process ending, however it ends)
 * releases it, so a crash never leaves a stale lock.  On POSIX a child made
 * by fork() shares it (src/os/osdetach.h relies on it); on Windows it is
 * never inherited.
 */
#ifndef SOV_OSLOCK_H
#define SOV_OSLOCK_H

/*
 * Take an exclusive lock on the open file `fd`: wait for it when `wait`,
 * else fail at once.  Returns 0, or -1 with a message naming `what`: the
 * error code SOV_ELOCKED when another process holds it (only without
 * `wait`), SOV_EIO for any other failure.  The caller keeps `fd`.
 */
int sov_os_lock_fd(int fd, int wait, const char *what);

/* Release it before closing `fd` (closing alone releases it as well). */
void sov_os_unlock_fd(int fd);

#endif
