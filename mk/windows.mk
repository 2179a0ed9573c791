# mk/windows.mk - the native Windows build, cross-compiled with MinGW-w64
# (Debian's gcc-mingw-w64-x86-64), and its tests under Wine.  Included from
# the Makefile.
#
#   make windows        bin/windows/sovsync.exe, git-sovsync.exe (+ the DLLs it
#                       needs beyond Windows' own: none today)
#   make windows-unit   the unit tests as build/windows/unit/test_*.exe
#   make test-windows   both, then under prove: the unit tests run by wine64
#                       (tests/wine-unit.sh: with a git.exe proxy on PATH),
#                       and tests/t80*.sh, where Linux git drives the exe
#   make windows-deps   only the dependencies (install/windows-deps.sh)
#
# zstd, jansson, libgit2 (WinHTTP) and libcurl (Schannel) are static
# libraries cross-built from Debian's source packages by
# install/windows-deps.sh into a cache outside the work tree; SHA-256 and
# HMAC come from the system (bcrypt) through src/os/win32/, so the exe links
# neither OpenSSL nor, on Windows, libmicrohttpd (SOV_UI=0: `sovsync ui`
# says it is not in this build).  Everything links statically (-static):
# the exe needs only DLLs that every Windows has.
#
# The targets re-run make with OS_DIR=win32 (the Makefile picks the Windows
# sources of src/os/ and leaves src/ui/ out) and WIN_DEPS=<deps prefix>;
# objects go to build/windows/obj/.

WIN_HOST := x86_64-w64-mingw32
WIN_CC ?= $(WIN_HOST)-gcc-posix
WIN_AR ?= $(WIN_HOST)-ar
WIN_OBJDUMP ?= $(WIN_HOST)-objdump
WIN_B := build/windows
WIN_BINDIR := bin/windows
WIN_EXE := $(WIN_BINDIR)/sovsync.exe
# wine64 is not on PATH in Debian's package (/usr/lib/wine/wine64).
WINE64 ?= $(firstword $(shell command -v wine64 2>/dev/null) \
	$(wildcard /usr/lib/wine/wine64 /usr/lib64/wine/wine64))

.PHONY: windows windows-unit windows-deps test-windows win-exe win-unit win-test

windows-deps:
	@sh install/windows-deps.sh >/dev/null

windows:
	@prefix=$$(sh install/windows-deps.sh) && \
	$(MAKE) --no-print-directory OS_DIR=win32 WIN_DEPS="$$prefix" win-exe

windows-unit:
	@prefix=$$(sh install/windows-deps.sh) && \
	$(MAKE) --no-print-directory OS_DIR=win32 WIN_DEPS="$$prefix" win-exe win-unit

# The integration scripts of the Windows build, t8000-t8999: Linux git and
# the Linux sovsync (bin/) drive and check the exe under wine64 (found
# through SOVSYNC_WIN_EXE and SOVSYNC_WINE64); each skips, with the reason,
# when either is missing.  They run here, not in `make test`.
WIN_TESTS := $(sort $(wildcard tests/t8[0-9][0-9][0-9]-*.sh))
INTEGRATION := $(filter-out $(WIN_TESTS),$(INTEGRATION))

# The unit tests built and run under wine64 are all but these (override
# WIN_UNIT_EXCLUDE= to try them all).  tests/unit/win32/testcompat.h gives
# the others mkdtemp, setenv, pipe, utimensat, a POSIX remove() and child.h's
# second process for their scaffolding; a check only POSIX can make (a
# symbolic link, a file mode) is a TAP skip there, with its reason.  They run
# through tests/wine-unit.sh, which puts a git.exe on their PATH (tests/
# win32/gitproxy.c: each command handed to Linux git).
# - POSIX-only: test_dirwatch on purpose (inotify; tests/win32/test_dirwatch.c
#   is the Windows watcher's); test_run (its children are sh, cat and sleep,
#   which Wine does not have, and its cases are about POSIX signals: SIGPIPE,
#   SIGTERM ignored, kill(pid, 0); test_os runs the Windows spawner, its
#   quoting and its environment, with itself as the child); test_lazylib
#   (dlopen of libcurl; the Windows build links its libraries statically).
# No unit test runs a shell line (system()): Wine has no sh, the git.exe
# proxy serves git only.
WIN_UNIT_POSIX_ONLY := test_dirwatch test_lazylib test_run
WIN_UNIT_EXCLUDE ?= $(WIN_UNIT_POSIX_ONLY)

test-windows: all
	@if [ -z "$(WINE64)" ]; then \
		echo "test-windows: wine64 not found (sh install/deps.sh --windows installs it)" >&2; \
		exit 1; fi
	@prefix=$$(sh install/windows-deps.sh) && \
	$(MAKE) --no-print-directory OS_DIR=win32 WIN_DEPS="$$prefix" win-test

ifneq ($(WIN_DEPS),)
# --- inside the Windows make (OS_DIR=win32) ---------------------------------

WIN_PKG = PKG_CONFIG_LIBDIR=$(WIN_DEPS)/lib/pkgconfig PKG_CONFIG_PATH= \
	PKG_CONFIG_SYSROOT_DIR= $(PKG_CONFIG) --static
WIN_PKGS := libgit2 jansson libzstd libcurl
# libcurl is static: its headers must not ask for __declspec(dllimport)
# (its CMake build leaves CURL_STATICLIB out of libcurl.pc).
WIN_PKG_CFLAGS := $(shell $(WIN_PKG) --cflags $(WIN_PKGS)) -DCURL_STATICLIB
WIN_PKG_LIBS := $(shell $(WIN_PKG) --libs $(WIN_PKGS))
# The Makefile's OS_CFLAGS for OS_DIR=win32 (C99 printf and gmtime_r from
# MinGW-w64's headers, the Windows 10 API); these two where it has none.
WIN_OS_CFLAGS = $(if $(OS_CFLAGS),$(OS_CFLAGS),-D__USE_MINGW_ANSI_STDIO=1 \
	-D_POSIX_THREAD_SAFE_FUNCTIONS=200112L)
WIN_CFLAGS = -std=gnu11 -D_GNU_SOURCE $(WIN_OS_CFLAGS) $(OPT) $(WARN) -pthread $(SRC_INC) \
	$(WIN_PKG_CFLAGS) $(CFLAGS)
WIN_LDFLAGS = -static -pthread $(LDFLAGS)
WIN_LIBS = $(WIN_PKG_LIBS) $(OS_LIBS) -lbcrypt -lws2_32 -ladvapi32 -lm

WIN_LIB_OBJ := $(patsubst $(B)/%,$(WIN_B)/obj/%,$(LIB_OBJ))
WIN_PROG_OBJ := $(PROG_SRC:%.c=$(WIN_B)/obj/%.o)
WIN_LIB := $(WIN_B)/obj/libsovsync.a
WIN_UNIT_BIN := $(patsubst tests/unit/%.c,$(WIN_B)/unit/%.exe,\
	$(filter-out $(WIN_UNIT_EXCLUDE:%=tests/unit/%.c),$(UNIT_SRC)))
# Where MinGW-w64 keeps the DLLs of its own runtime, should the exe want one.
WIN_DLL_DIRS := $(wildcard /usr/lib/gcc/$(WIN_HOST)/*-posix /usr/$(WIN_HOST)/lib \
	$(WIN_DEPS)/bin)

$(WIN_B)/obj/gen/%.o: $(WIN_B)/obj/gen/%.c
	$(QUIET_CC)$(WIN_CC) $(WIN_CFLAGS) -c -o $@ $<

$(WIN_B)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(QUIET_CC)$(WIN_CC) $(WIN_CFLAGS) -MMD -MP -c -o $@ $<

$(WIN_LIB): $(WIN_LIB_OBJ)
	@mkdir -p $(dir $@)
	$(Q)rm -f $@
	$(Q)$(WIN_AR) rcs $@ $^

# The exe, then every DLL it imports that is not part of Windows (found
# beside MinGW-w64's runtime or the dependencies) copied next to it.
$(WIN_EXE): $(WIN_PROG_OBJ) $(WIN_LIB)
	@mkdir -p $(dir $@)
	$(QUIET_LINK)$(WIN_CC) $(WIN_LDFLAGS) -o $@ $(WIN_PROG_OBJ) $(WIN_LIB) $(WIN_LIBS)
	$(Q)for dll in $$($(WIN_OBJDUMP) -p $@ | sed -n 's/^[[:space:]]*DLL Name: //p'); do \
		for dir in $(WIN_DLL_DIRS); do \
			if [ -f "$$dir/$$dll" ]; then cp "$$dir/$$dll" $(dir $@); break; fi; \
		done; \
	done

$(WIN_B)/unit/%.exe: tests/unit/%.c tests/unit/tap.h tests/unit/testrepo.h tests/unit/scratch.h \
		tests/unit/win32/testcompat.h $(WIN_LIB)
	@mkdir -p $(dir $@)
	$(QUIET_LINK)$(WIN_CC) $(WIN_CFLAGS) -include tests/unit/win32/testcompat.h \
		$(WIN_LDFLAGS) -o $@ $< $(WIN_LIB) $(WIN_LIBS)

# `git sovsync` finds git-sovsync.exe on PATH (Windows has no symbolic
# links to count on): a copy.
$(WIN_BINDIR)/git-sovsync.exe: $(WIN_EXE)
	$(Q)cp $< $@

# The git.exe that the unit tests run under Wine (tests/wine-unit.sh).
$(WIN_B)/wbin/git.exe: tests/win32/gitproxy.c
	@mkdir -p $(dir $@)
	$(QUIET_LINK)$(WIN_CC) -O1 -o $@ $< -lws2_32

win-exe: $(WIN_EXE) $(WIN_BINDIR)/git-sovsync.exe
win-unit: $(WIN_UNIT_BIN) $(WIN_B)/wbin/git.exe

win-test: win-exe win-unit
	@$(if $(strip $(WIN_UNIT_EXCLUDE)),echo "test-windows: unit tests left out (mk/windows.mk says why):" \
		"$(WIN_UNIT_EXCLUDE)";) :
	SOVSYNC_WINE64="$(WINE64)" $(PROVE) -j$(PROVE_JOBS) --exec "sh tests/wine-unit.sh" \
		$(WIN_UNIT_BIN)
	SOVSYNC_WINE64="$(WINE64)" SOVSYNC_WIN_EXE=$(abspath $(WIN_EXE)) \
		SOVSYNC_BIN=$(abspath $(BINDIR)) $(PROVE) -j$(PROVE_JOBS) $(WIN_TESTS)

-include $(WIN_LIB_OBJ:.o=.d) $(WIN_PROG_OBJ:.o=.d)
endif
