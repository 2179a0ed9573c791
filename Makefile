# sovsync - build, test, benchmark, install.
#
#   make                  build bin/sovsync and bin/git-sovsync
#   make test             install missing Debian packages, build, run every
#                         test with prove (unit tests also under ASan+UBSan)
#   make test SANITIZE=1  the whole suite against an ASan+UBSan build
#   make bench            benchmarks against plain Git / git-lfs / merge-file
#   make demo             the full sync cycle on local repositories
#   make lint             cppcheck over every C file (CI runs it)
#   make compile_commands compile_commands.json for clangd/clang-tidy
#   make install PREFIX=/usr/local DESTDIR=
#   make windows          bin/windows/sovsync.exe, cross-built (mk/windows.mk)
#   make test-windows     its unit and integration tests under wine64
#   make uninstall, make clean
#   V=1 shows full commands; WERROR=1 turns warnings into errors (CI).

PREFIX ?= $(HOME)/.local
DESTDIR ?=
CC ?= cc
PKG_CONFIG ?= pkg-config
PROVE ?= prove
PROVE_JOBS ?= 2
# Tests never read the user's own Git configuration: prove runs with a home
# of its own (integration scripts make theirs per script in tests/lib.sh).
TEST_HOME := $(abspath build/test-home)
TEST_ENV = HOME=$(TEST_HOME) XDG_CONFIG_HOME=$(TEST_HOME)/.config GIT_CONFIG_NOSYSTEM=1
# The operating system layer (src/os/): OS_DIR picks the folder of its
# implementations, posix (default) or win32 (the MinGW-w64 build,
# mk/windows.mk).  Nothing outside src/os/ tests the system with #ifdef.
OS_DIR ?= posix
# SOV_UI=0 leaves the dashboard server (src/ui/, libmicrohttpd) out:
# `sovsync ui` then says it is not in this build (src/cli/cli_ui_absent.c).
ifeq ($(OS_DIR),win32)
SOV_UI ?= 0
else
SOV_UI ?= 1
endif
# libcrypto: SHA-256/HMAC on POSIX (src/os/posix/oshash.c); Windows has
# BCrypt (OS_LIBS below).
PKGS = libgit2 jansson libzstd libcurl
ifneq ($(OS_DIR),win32)
PKGS += libcrypto
endif
ifeq ($(SOV_UI),1)
PKGS += libmicrohttpd
endif
# SOV_LAZY_LIBS=1 (POSIX): libcurl (the webhook) and libmicrohttpd
# (`sovsync ui`) are not linked; src/webhook/curlapi.c and src/ui/mhdapi.c
# load them by soname when first called, so that hooks, filters and drivers
# do not load twenty shared objects they never use (docs/BENCHMARKS.md,
# "Process start").  The Windows build links everything statically.
ifeq ($(OS_DIR),win32)
SOV_LAZY_LIBS ?= 0
else
SOV_LAZY_LIBS ?= 1
endif
ifeq ($(SOV_LAZY_LIBS),1)
LINK_PKGS = $(filter-out libcurl libmicrohttpd,$(PKGS))
LAZY_CFLAGS := -DSOV_LAZY_LIBS=1
LAZY_LIBS := -ldl
# The soname of the library compiled against, for dlopen().
soname = $(shell readelf -d "$$($(PKG_CONFIG) --variable=libdir $(1))/$(1).so" 2>/dev/null | \
	sed -n 's/.*(SONAME).*\[\(.*\)\].*/\1/p')
else
LINK_PKGS = $(PKGS)
LAZY_CFLAGS :=
LAZY_LIBS :=
endif

ifeq ($(SANITIZE),1)
B := build/san
BINDIR := build/san/bin
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
OPT ?= -O1 -g
else
B := build/obj
BINDIR := bin
SAN_FLAGS :=
OPT ?= -O2 -g
endif

WARN := -Wall -Wextra -Wshadow -Wpointer-arith -Wstrict-prototypes \
	-Wmissing-prototypes -Wno-unused-parameter
ifeq ($(WERROR),1)
WARN += -Werror
endif

# Recursive (=) so that pkg-config runs only when a build needs it, after
# install/deps.sh has had its chance to install the packages.
PKG_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(PKGS))
PKG_LIBS = $(shell $(PKG_CONFIG) --libs $(LINK_PKGS))
# Windows: C99 printf (%zu) from MinGW's stdio, gmtime_r/localtime_r,
# the Windows 10 API (src/os/win32/).
ifeq ($(OS_DIR),win32)
OS_CFLAGS := -D__USE_MINGW_ANSI_STDIO=1 -D_POSIX_THREAD_SAFE_FUNCTIONS=200112L \
	-DWIN32_LEAN_AND_MEAN -D_WIN32_WINNT=0x0A00
OS_LIBS := -lbcrypt -lws2_32 -lshell32
else
OS_CFLAGS :=
OS_LIBS :=
endif
ALL_CFLAGS = -std=gnu11 -D_GNU_SOURCE $(OPT) $(WARN) $(SAN_FLAGS) -pthread $(SRC_INC) \
	$(OS_CFLAGS) $(LAZY_CFLAGS) $(SONAME_CFLAGS) $(PKG_CFLAGS) $(CFLAGS)
ALL_LDFLAGS = $(SAN_FLAGS) -pthread $(LDFLAGS)
LIBS = $(PKG_LIBS) $(OS_LIBS) $(LAZY_LIBS) -lm

ifeq ($(V),1)
Q :=
QUIET_CC =
QUIET_LINK =
QUIET_GEN =
else
Q := @
QUIET_CC = @echo '   CC     $@';
QUIET_LINK = @echo '   LINK   $@';
QUIET_GEN = @echo '   GEN    $@';
endif

# src/ is grouped by pipeline, one folder each (docs/ARCHITECTURE.md):
# util/ core/ filter/ merge/ manifest/ webhook/ sync/ setup/ ui/ make the
# library; cli/ is the program's dispatcher and command mains.  Headers are
# included by name ("buf.h"): every folder is on the include path.
# src/os/$(OS_DIR)/ holds the layer's implementations and its oscompat.h.
SRC_DIRS := $(sort $(dir $(wildcard src/*/*.c src/*/*.h)))
ifneq ($(SOV_UI),1)
SRC_DIRS := $(filter-out src/ui/,$(SRC_DIRS))
endif
SRC_INC := $(patsubst %/,-I%,$(SRC_DIRS)) -Isrc/os/$(OS_DIR)
# The shared core: everything in src/ but src/cli/, with one OS folder.
LIB_SRC := $(filter-out src/cli/%,$(wildcard src/*/*.c)) $(wildcard src/os/$(OS_DIR)/*.c)
# The program: dispatcher plus the thin command mains.
PROG_SRC := $(wildcard src/cli/*.c filters/*.c merge-drivers/*.c hooks/*.c)
ifeq ($(SOV_UI),1)
PROG_SRC := $(filter-out src/cli/cli_ui_absent.c,$(PROG_SRC))
else
LIB_SRC := $(filter-out src/ui/%,$(LIB_SRC))
PROG_SRC := $(filter-out src/cli/cli_ui.c,$(PROG_SRC))
endif
UNIT_SRC := $(wildcard tests/unit/test_*.c)
ifneq ($(SOV_UI),1)
UNIT_SRC := $(filter-out tests/unit/test_ui.c,$(UNIT_SRC))
endif

LIB_OBJ := $(LIB_SRC:%.c=$(B)/%.o)
# The shared/ layout template, embedded at build time (src/core/template.h).
TEMPLATE_FILES := $(shell find shared -type f | LC_ALL=C sort)
TEMPLATE_OBJ := $(B)/gen/template.o
LIB_OBJ += $(TEMPLATE_OBJ)
# The pages of `sovsync ui` (ui/), embedded the same way (src/ui/ui.h).
UI_ASSET_FILES := $(shell find ui -type f \( -name '*.html' -o -name '*.js' -o -name '*.css' \
	-o -name '*.svg' \) | LC_ALL=C sort)
UI_ASSETS_OBJ := $(B)/gen/ui_assets.o
ifeq ($(SOV_UI),1)
LIB_OBJ += $(UI_ASSETS_OBJ)
endif
PROG_OBJ := $(PROG_SRC:%.c=$(B)/%.o)
UNIT_BIN := $(UNIT_SRC:%.c=$(B)/%)
LIB := $(B)/libsovsync.a
MAN := share/man/man1/sovsync.1 share/man/man1/git-sovsync.1

.PHONY: all unit test bench demo deps install uninstall clean check-deps fuzz fuzz-smoke \
	lint compile_commands
.DELETE_ON_ERROR:

ifeq ($(SANITIZE),1)
all: check-deps $(BINDIR)/sovsync $(BINDIR)/git-sovsync
else
all: check-deps $(BINDIR)/sovsync $(BINDIR)/git-sovsync $(MAN)
endif

check-deps:
	@$(PKG_CONFIG) --exists $(PKGS) || { \
		echo "sovsync: missing build dependencies ($(PKGS));" \
		     "run 'sh install/deps.sh' (make test and make demo do it)" >&2; \
		exit 1; }

deps:
	@sh install/deps.sh

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(QUIET_CC)$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

build/%/gen/template.c: install/gen-template.pl $(TEMPLATE_FILES)
	@mkdir -p $(dir $@)
	$(QUIET_GEN)perl install/gen-template.pl shared $(TEMPLATE_FILES) > $@

$(TEMPLATE_OBJ): $(B)/gen/template.c
	$(QUIET_CC)$(CC) $(ALL_CFLAGS) -c -o $@ $<

build/%/gen/ui_assets.c: install/gen-assets.pl $(UI_ASSET_FILES)
	@mkdir -p $(dir $@)
	$(QUIET_GEN)perl install/gen-assets.pl ui $(UI_ASSET_FILES) > $@

$(UI_ASSETS_OBJ): $(B)/gen/ui_assets.c
	$(QUIET_CC)$(CC) $(ALL_CFLAGS) -c -o $@ $<

ifeq ($(SOV_LAZY_LIBS),1)
$(B)/src/webhook/curlapi.o build/fuzz/obj/src/webhook/curlapi.o: SONAME_CFLAGS = \
	$(if $(call soname,libcurl),-DSOV_CURL_SONAME='"$(call soname,libcurl)"')
$(B)/src/ui/mhdapi.o build/fuzz/obj/src/ui/mhdapi.o: SONAME_CFLAGS = \
	$(if $(call soname,libmicrohttpd),-DSOV_MHD_SONAME='"$(call soname,libmicrohttpd)"')
endif

$(LIB): $(LIB_OBJ)
	@mkdir -p $(dir $@)
	$(Q)rm -f $@
	$(Q)$(AR) rcs $@ $^

$(BINDIR)/sovsync: $(PROG_OBJ) $(LIB)
	@mkdir -p $(dir $@)
	$(QUIET_LINK)$(CC) $(ALL_LDFLAGS) -o $@ $(PROG_OBJ) $(LIB) $(LIBS)

$(BINDIR)/git-sovsync: | $(BINDIR)/sovsync
	$(Q)ln -sf sovsync $@

share/man/man1/%.1: $(BINDIR)/sovsync
	@mkdir -p $(dir $@)
	$(QUIET_GEN)$(BINDIR)/sovsync help --man $* > $@

$(B)/tests/unit/%: tests/unit/%.c tests/unit/tap.h tests/unit/testrepo.h tests/unit/scratch.h $(LIB)
	@mkdir -p $(dir $@)
	$(QUIET_LINK)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(LIB) $(LIBS)

# Test tools, never installed: the "web app" writer of the webhook and
# full-cycle tests (tests/lib-httpd.sh finds it).
TOOLS := $(B)/tools/web-writer

$(B)/tools/%: tests/tools/%.c
	@mkdir -p $(dir $@)
	$(QUIET_LINK)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(LIBS)

unit: check-deps $(UNIT_BIN) $(TOOLS)

INTEGRATION := $(sort $(wildcard tests/t[0-9]*.sh))

# libFuzzer harnesses (tests/fuzz/<target>.c), built with clang against a
# separately compiled copy of the core with ASan+UBSan.  `make fuzz-smoke`
# runs each for FUZZ_SECONDS on a scratch copy of its seed corpus
# (tests/fuzz/corpus/<target>/); tests/t9900-fuzz-smoke.sh does the same
# under prove as part of `make test`.
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 20
FUZZ_SRC := $(wildcard tests/fuzz/*.c)
FUZZ_BIN := $(FUZZ_SRC:tests/fuzz/%.c=build/fuzz/%)
FUZZ_LIB_OBJ := $(LIB_SRC:%.c=build/fuzz/obj/%.o) build/fuzz/gen/template.o \
	build/fuzz/gen/ui_assets.o
FUZZ_CFLAGS = -std=gnu11 -D_GNU_SOURCE -g -O1 $(WARN) -Wno-unused-command-line-argument \
	-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all $(SRC_INC) \
	$(LAZY_CFLAGS) $(SONAME_CFLAGS) $(PKG_CFLAGS)

build/fuzz/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(QUIET_CC)$(FUZZ_CC) $(FUZZ_CFLAGS) -MMD -MP -c -o $@ $<

build/fuzz/gen/template.o: build/fuzz/gen/template.c
	$(QUIET_CC)$(FUZZ_CC) $(FUZZ_CFLAGS) -c -o $@ $<

build/fuzz/gen/ui_assets.o: build/fuzz/gen/ui_assets.c
	$(QUIET_CC)$(FUZZ_CC) $(FUZZ_CFLAGS) -c -o $@ $<

build/fuzz/%: tests/fuzz/%.c $(FUZZ_LIB_OBJ)
	@mkdir -p $(dir $@)
	$(QUIET_LINK)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_LIB_OBJ) $(LIBS)

.SECONDARY: $(FUZZ_LIB_OBJ)

fuzz: check-deps $(FUZZ_BIN)

fuzz-smoke: fuzz
	SOVSYNC_FUZZ_SECONDS=$(FUZZ_SECONDS) $(PROVE) tests/t9900-fuzz-smoke.sh

ifeq ($(SANITIZE),1)
# Everything, integration tests included, against the sanitized build (the
# fuzz smoke run, sanitized already, is part of the plain `make test`).
test: deps
	@$(MAKE) --no-print-directory SANITIZE=1 all unit
	@rm -rf $(TEST_HOME) && mkdir -p $(TEST_HOME)
	$(TEST_ENV) SOVSYNC_BIN=$(abspath $(BINDIR)) $(PROVE) -j$(PROVE_JOBS) \
		$(UNIT_BIN) $(filter-out tests/t9900-fuzz-smoke.sh,$(INTEGRATION))
else
test: deps
	@$(MAKE) --no-print-directory all unit fuzz
	@$(MAKE) --no-print-directory SANITIZE=1 unit
	@rm -rf $(TEST_HOME) && mkdir -p $(TEST_HOME)
	$(TEST_ENV) SOVSYNC_BIN=$(abspath $(BINDIR)) $(PROVE) -j$(PROVE_JOBS) \
		$(UNIT_BIN) $(UNIT_SRC:%.c=build/san/%) $(INTEGRATION)
endif

# Static analysis: cppcheck over every C file; a finding fails the build.
# install/cppcheck/jansson.cfg tells it jansson's iteration macros (system
# headers are not parsed); install/cppcheck/suppressions lists the false
# positives, each with its reason.
CPPCHECK ?= cppcheck
LINT_DIRS := src filters hooks merge-drivers tests/unit tests/fuzz tests/tools
CPPCHECK_FLAGS := -q -j$(PROVE_JOBS) --std=c11 -D_GNU_SOURCE $(SRC_INC) --library=posix \
	--library=install/cppcheck/jansson.cfg --suppressions-list=install/cppcheck/suppressions \
	--enable=warning,style,performance,portability --inline-suppr --error-exitcode=1 \
	--template='{file}:{line}: {severity}: {message} [{id}]'

# Library code never prints: only the programs (src/cli/, filters/,
# hooks/, merge-drivers/) write to stdout or stderr; the library leaves an
# error (src/util/error.h), hands a warning to sov_warn() or a progress
# line to the program's routine (src/util/progress.h).  A write to fd 1 or
# 2, by number or STD*_FILENO, directly or through sov_fs_write_all(), is
# a print.
LIB_PRINTS := '\<(printf|puts|putchar|perror|vprintf)[[:space:]]*\(|\<(fprintf|fputs|fputc|putc|vfprintf)[[:space:]]*\([[:space:]]*std(out|err)|\<(fwrite|fflush)[[:space:]]*\(.*\<std(out|err)\>|\<(dprintf|write|sov_fs_write_all)[[:space:]]*\([[:space:]]*([12]|STD(OUT|ERR)_FILENO)[[:space:]]*,'
# The one exception: src/util/trace.c writes only when the user asks for it
# with SOVSYNC_TRACE (to stderr, another fd or a file), like Git's trace.
LIB_PRINT_SRC := $(filter-out src/util/trace.c,$(LIB_SRC))

lint: deps
	$(CPPCHECK) $(CPPCHECK_FLAGS) $(LINT_DIRS)
	@if grep -nE $(LIB_PRINTS) $(LIB_PRINT_SRC); then \
		echo "lint: library code prints (above); only programs may" >&2; exit 1; fi

# The compilation database, written from this Makefile's own flags.
compile_commands: compile_commands.json

compile_commands.json: Makefile install/compile-commands.pl $(LIB_SRC) $(PROG_SRC) $(UNIT_SRC)
	$(QUIET_GEN)perl install/compile-commands.pl $(CURDIR) \
		"$(CC) $(ALL_CFLAGS)" $(LIB_SRC) $(PROG_SRC) $(UNIT_SRC) > $@

bench: deps
	@sh install/deps.sh --bench
	@$(MAKE) --no-print-directory all
	@log=$$(mktemp) && trap 'rm -f "$$log" "$$log.rc"' EXIT && \
	for b in bench/*.sh; do [ -f "$$b" ] || continue; \
		{ sh "$$b"; echo $$? >"$$log.rc"; } 2>&1 | tee -a "$$log"; \
		[ "$$(cat "$$log.rc")" = 0 ] || { sh bench/summary "$$log"; exit 1; }; \
	done && sh bench/summary "$$log"

demo: deps
	@$(MAKE) --no-print-directory all $(TOOLS)
	@sh tests/demo.sh

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(BINDIR)/sovsync $(DESTDIR)$(PREFIX)/bin/sovsync
	ln -sf sovsync $(DESTDIR)$(PREFIX)/bin/git-sovsync
	install -m 644 $(MAN) $(DESTDIR)$(PREFIX)/share/man/man1/

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/sovsync $(DESTDIR)$(PREFIX)/bin/git-sovsync
	rm -f $(addprefix $(DESTDIR)$(PREFIX)/share/man/man1/,$(notdir $(MAN)))

clean:
	rm -rf build bin share compile_commands.json

include mk/windows.mk

-include $(LIB_OBJ:.o=.d) $(PROG_OBJ:.o=.d) $(FUZZ_LIB_OBJ:.o=.d)
