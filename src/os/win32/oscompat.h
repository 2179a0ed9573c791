/*
 * oscompat.h (Windows, MinGW-w64) - what the system headers lack on one
 * side of the operating system layer, so that code outside src/os/ is
 * written once; see src/os/posix/oscompat.h.
 *
 * The MinGW build defines __USE_MINGW_ANSI_STDIO=1 (C99 printf: %zu, %lld)
 * and _POSIX_THREAD_SAFE_FUNCTIONS (gmtime_r, localtime_r) on its command
 * line (Makefile, OS_CFLAGS), before any system header.
 */
#ifndef SOV_OSCOMPAT_H
#define SOV_OSCOMPAT_H

#include <fcntl.h>
#include <io.h>
#include <stddef.h>
#include <string.h>

/* A descriptor sovsync opens is never inherited by a child process. */
#ifndef O_CLOEXEC
#define O_CLOEXEC _O_NOINHERIT
#endif
/*
 * No such flags in the C runtime: sov_os_open() and sov_os_openat() (they
 * open through CreateFileW) take them and refuse a reparse point (symbolic
 * link, junction) for O_NOFOLLOW, open a directory for O_DIRECTORY.
 * Outside those two functions they are not to be used.
 */
#define O_NOFOLLOW 0x10000000
#define O_DIRECTORY 0x20000000
/* Pipes to children are serviced by threads (src/os/win32/osproc.c). */
#define O_NONBLOCK 0

/* printf-like functions: MinGW's C99 printf, not msvcrt's. */
#define SOV_PRINTF(fmt, first) __attribute__((format(gnu_printf, fmt, first)))

/* What a program's file name ends with (found by its name in PATH). */
#define SOV_OS_EXE_SUFFIX ".exe"

/* What separates the directories of PATH. */
#define SOV_OS_PATH_LIST_SEP ';'

/* The directory separators of paths the user or the system gives us. */
#define SOV_OS_IS_SEP(c) ((c) == '/' || (c) == '\\')

/* GNU extensions the C runtime lacks (src/os/win32/oscompat.c). */
char *sov_os_strchrnul(const char *s, int c);
void *sov_os_memmem(const void *hay, size_t hay_len, const void *needle, size_t len);
#define strchrnul sov_os_strchrnul
#define memmem sov_os_memmem

#endif
