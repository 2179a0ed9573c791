/* version.h - the version of sovsync, and of its stored formats. */
#ifndef SOV_VERSION_H
#define SOV_VERSION_H

#define SOV_VERSION "0.1.0"

#endif
