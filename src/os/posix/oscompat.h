/*
 * oscompat.h (POSIX) - what the system headers lack on one side of the
 * operating system layer, so that code outside src/os/ is written once.
 *
 * The Makefile puts src/os/$(OS_DIR)/ on the include path: this file, or
 * src/os/win32/oscompat.h, is the one "oscompat.h".  Included by error.h,
 * so every module sees it.  Nothing here allocates or owns anything.
 */
#ifndef SOV_OSCOMPAT_H
#define SOV_OSCOMPAT_H

#include <fcntl.h>

/* Files are bytes on every system: open(2) flags carry O_BINARY anyway. */
#ifndef O_BINARY
#define O_BINARY 0
#endif

/* printf-like functions: the format checks of the C library in use. */
#define SOV_PRINTF(fmt, first) __attribute__((format(printf, fmt, first)))

/* What a program's file name ends with (found by its name in PATH). */
#define SOV_OS_EXE_SUFFIX ""

/* What separates the directories of PATH. */
#define SOV_OS_PATH_LIST_SEP ':'

/* The directory separators of paths the user or the system gives us. */
#define SOV_OS_IS_SEP(c) ((c) == '/')

#endif
