/*
 * synctip.h - the remote commit a clone last synced with, per remote and
 * branch, and the flag of a remote whose history was rewritten.
 *
 * .git/sovsync/synced-tips.json records, for each <remote>/<branch> the
 * sync cycle works with, the last remote commit it synced with: fetched and
 * found to contain the one recorded before, or pushed.  A remote tip that
 * does not contain it was rewritten (a force-push that removed a leaked
 * secret, a rewind): merging it would bring the dropped history back.  The
 * cycle then writes .git/sovsync/remote-rewritten.json (docs/FORMATS.md).
 *
 * Both files are written atomically (sov_json_write_file).  Callers hold
 * the sync lock (sync.h), so a read-modify-write needs no lock of its own.
 */
#ifndef SOV_SYNCTIP_H
#define SOV_SYNCTIP_H

#include <git2.h>

/*
 * The recorded tip of <remote>/<branch>: 1 with *oid set, 0 when none is
 * recorded, -1 when the file cannot be read or is damaged (the message
 * names it: a damaged record must not silently switch the check off).
 */
int sov_synctip_get(git_repository *repo, const char *remote, const char *branch,
		    git_oid *oid);

/* Record `oid` as the tip of <remote>/<branch> (no write if unchanged).  0 or -1. */
int sov_synctip_record(git_repository *repo, const char *remote, const char *branch,
		       const git_oid *oid);

/*
 * Write remote-rewritten.json: the remote and branch, the commit last
 * synced, the remote's new tip, and `message` (what the cycle reported).
 * 0 or -1.
 */
int sov_synctip_flag_rewrite(git_repository *repo, const char *remote,
			     const char *branch, const git_oid *synced,
			     const git_oid *tip, const char *message);

/* Remove remote-rewritten.json if present.  0, or -1 naming the file. */
int sov_synctip_clear_flag(git_repository *repo);

#endif
