/*
 * osproc.h - child processes: start, feed, capture, time out, wait.
 *
 * The engine under sov_run() (src/util/run.c, which keeps the argument
 * vectors and the `git` helpers): POSIX forks and execs, services the
 * pipes with poll(2), stops a timed-out child's process group (SIGTERM,
 * then SIGKILL); Windows starts it with CreateProcessW from a command line
 * quoted by sov_os_quote_arg(), services the pipes with threads, and stops
 * a timed-out child's job object (every process it started).
 */
#ifndef SOV_OSPROC_H
#define SOV_OSPROC_H

#include "buf.h"

struct sov_run;

/* sov_run(), as documented in src/util/run.h. */
int sov_os_run(const struct sov_run *run);

/*
 * Append `arg` to `cmdline` quoted for the Windows C runtime's parser
 * (CommandLineToArgvW and the MSVCRT/UCRT argv rules): as it is when it has
 * no space, tab, newline, vertical tab or double quote and is not empty;
 * otherwise in double quotes, a double quote escaped with a backslash,
 * backslashes doubled where they come before a double quote (the closing
 * one included) and left alone elsewhere.  A space goes in front of every
 * argument but the first (cmdline empty).  Portable: the unit tests run
 * it everywhere.
 */
void sov_os_quote_arg(struct sov_buf *cmdline, const char *arg);

/*
 * The inverse, for the tests and for Windows' own parser being absent:
 * split `cmdline` into arguments by the same rules (the program name,
 * first, taken as CommandLineToArgvW takes it).  `args` gets
 * NUL-separated arguments; returns their number.
 */
size_t sov_os_split_cmdline(const char *cmdline, struct sov_buf *args);

/*
 * main()'s arguments, and getenv()'s values, as UTF-8.  POSIX: nothing to
 * do.  Windows: the C runtime hands main() the arguments, and getenv() the
 * variables, in the ANSI code page, which loses any character outside it
 * (a path Git passes to a driver, a user name in HOME): the arguments are
 * taken again from GetCommandLineW(), and every variable with a character
 * beyond ASCII is put back into the C runtime's copy as UTF-8 (children
 * still get it in UTF-16).  Call first thing in main().  The new vector
 * lives until the process ends.  0, or -1 with a message (the arguments
 * are left as they were).
 */
int sov_os_utf8_argv(int *argc, char ***argv);

/* This process's id. */
long sov_os_getpid(void);

/* Processors online (at least 1). */
int sov_os_cpu_count(void);

/*
 * A write to a closed pipe fails with EPIPE instead of killing the
 * process (SIGPIPE ignored; nothing to do on Windows).
 */
void sov_os_ignore_sigpipe(void);

/*
 * Put the descriptor in binary mode (_setmode(fd, _O_BINARY) on Windows,
 * nothing to do on POSIX): the filter process and the drivers speak bytes
 * on stdin/stdout, "\n" must stay one byte.  0 or -1 with a message.
 */
int sov_os_set_binary(int fd);

#endif
