/*
 * osdetach.h - start work that outlives the caller (the webhook sender).
 *
 * The detached process belongs to nobody who would wait for it: not the
 * Git command that ran the hook, not its terminal (no signal from it, no
 * console), and none of the caller's pipes: its standard streams are the
 * null device, so whoever reads Git's output is never kept waiting.
 */
#ifndef SOV_OSDETACH_H
#define SOV_OSDETACH_H

/*
 * Start it, and return as soon as it runs on its own.
 *
 * POSIX: a new session and a grandchild that init adopts (fork twice, no
 * exec: a fork costs far less than starting the program again); in it the
 * variables named by `unset_env` (NULL-terminated, may be NULL) are unset,
 * pipes and sockets inherited from the caller are closed, SIGPIPE and
 * SIGHUP ignored, and fn(arg) runs; its return value (< 0: failure) is
 * the process's exit status.  Descriptors the caller holds, locks
 * included (src/os/oslock.h), stay open in it: a lock is handed down
 * without a gap.  `argv` is not used.
 *
 * Windows (no fork): this program is started again with `argv` (argv[0]
 * is replaced by the path of the running executable), the same variables
 * removed from its environment, DETACHED_PROCESS | CREATE_NEW_PROCESS_GROUP
 * and no handle inherited; `fn` is not called, and locks are not handed
 * down (the new process takes its own).
 *
 * Returns 0 once it runs, or -1 with a message (`what` names it).
 * The caller keeps ownership of everything it passes.
 */
int sov_os_detach(const char *what, const char *const *argv, const char *const *unset_env,
		  int (*fn)(void *arg), void *arg);

/* 1 when sov_os_detach() runs `fn` (POSIX), 0 when it starts `argv`. */
int sov_os_detach_calls_fn(void);

#endif
