/*
 * osdl.h - load a shared library when a command first needs it.
 *
 * libcurl (the webhook) and libmicrohttpd (`sovsync ui`) together pull in
 * some twenty shared objects; linked into the program, every hook, filter
 * and driver process would pay for loading and relocating them at start
 * although few of them ever send a webhook.  Where the build sets
 * SOV_LAZY_LIBS (POSIX), their modules (curlapi.c, mhdapi.c) look them up
 * here the first time they are called.  The Windows build links them
 * statically and has no caller of these functions.
 *
 * A loaded library stays loaded until the process exits.
 */
#ifndef SOV_OSDL_H
#define SOV_OSDL_H

/*
 * Load the library whose file name is `soname` ("libcurl.so.4"), searched
 * the system's way.  Its handle, or NULL with a message naming the file
 * and the loader's reason.
 */
void *sov_os_dl_open(const char *soname);

/*
 * The address of the function `name` in a library from sov_os_dl_open(),
 * or NULL with a message naming the library and the function.
 */
void (*sov_os_dl_sym(void *lib, const char *soname, const char *name))(void);

#endif
