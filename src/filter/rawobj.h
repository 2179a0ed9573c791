/*
 * rawobj.h - write already compressed blobs as loose objects without zlib.
 *
 * Git deflates every loose object it writes (core.looseCompression, level
 * 1 by default).  A stored form (frame.h) or a chunk frame (chunkstore.h)
 * is zstd output: zlib gains nothing on it (the 33 MB stored form of the
 * benchmark corpus grows by 0.03% at level 1 or 6) and costs 4-5 times
 * the SHA-1 of the object (`git hash-object -w`: 807
 * ms, 202 ms with level 0).  There is no Git setting scoped to some blobs,
 * so the filter writes these objects itself, before it answers Git, as
 * loose objects whose zlib stream uses stored blocks (level 0).  Git then
 * finds the object it was about to write and only freshens it
 * (write_object_file: "if we have it ... we do not bother writing"), so
 * the user's other objects keep Git's compression.  Reading them is
 * ordinary zlib; pack-objects re-deflates them when it packs them, as it
 * does any loose object.
 *
 * Like the chunk blobs, the object is written whenever the filter cleans,
 * also when Git only compares (git status, git diff on a modified file):
 * such an object is unreachable and `git gc` prunes it after
 * gc.pruneExpire.  Nothing is written where the filter cannot be sure to
 * write where Git looks and as Git would: GIT_OBJECT_DIRECTORY or
 * GIT_QUARANTINE_PATH set, core.sharedRepository set (group permissions;
 * in the config, `git -c` or GIT_CONFIG_KEY_<n>), or no repository; Git
 * then writes the object itself, as before.
 *
 * The file calls go through src/os/osfs.h (a hard link names the object on
 * Windows too, where Git for Windows reads it the same way).
 *
 * A struct sov_rawobj borrows its repository and owns its object database.
 */
#ifndef SOV_RAWOBJ_H
#define SOV_RAWOBJ_H

#include <stddef.h>

#include <git2.h>

#include "spool.h"

/* Stored forms below this size are left to Git (its deflate costs little). */
#define SOV_RAWOBJ_MIN_SIZE (64u * 1024)

struct sov_rawobj;

/*
 * A writer for `repo`'s object directory, or NULL when the filter should
 * not write there (see above; the reason goes to the trace, not an error).
 */
struct sov_rawobj *sov_rawobj_new(git_repository *repo);

/*
 * Store `len` bytes of `data` as a blob unless the repository has it
 * (loose or packed); its id in `*id`.  0 or -1 (error set).
 */
int sov_rawobj_write(struct sov_rawobj *w, const void *data, size_t len, git_oid *id);

/*
 * The same for everything written to a spool, if it is all in memory
 * (SOV_SPOOL_MEM_LIMIT): 0, 1 when it is not (nothing written: Git
 * writes it), or -1 (error set).
 */
int sov_rawobj_write_spool(struct sov_rawobj *w, struct sov_spool *spool, git_oid *id);

void sov_rawobj_free(struct sov_rawobj *w);

#endif
