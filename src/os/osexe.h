/*
 * osexe.h - the form of a path that Git's shell accepts (the running
 * program's own path is sov_os_self_exe(), src/os/osfs.h).
 *
 * `sovsync install` writes its absolute path into the hook scripts and the
 * filter and driver commands of the git config, which Git runs with its
 * sh: /bin/sh on POSIX systems, Git for Windows' MSYS2 sh on Windows, where
 * "C:\Program Files\sovsync\sovsync.exe" must be written with forward
 * slashes ("C:/Program Files/sovsync/sovsync.exe", single-quoted by the
 * caller), a form the Windows API accepts as well.
 *
 * Implemented in src/os/posix/exe.c and src/os/win32/exe.c.
 */
#ifndef SOV_OS_EXE_H
#define SOV_OS_EXE_H

#include "buf.h"

/* `path` in the form Git's sh runs it by (`out` replaced); the same path. */
void sov_os_sh_path(const char *path, struct sov_buf *out);

/*
 * A shell expression for the current directory in the form sovsync
 * writes paths (libgit2's work tree form): "$PWD" on POSIX; on Windows
 * "$(pwd -W)", because Git for Windows' sh keeps $PWD as /c/... where the
 * program writes C:/...  Hook scripts compare a recorded path with it.
 */
const char *sov_os_sh_pwd(void);

#endif
