#!/usr/bin/env bash
# install.sh - release check: `make install DESTDIR=STAGE` from a
# configured build tree gives a working gsched, the headers, the library and a
# gsched.pc that a small program builds against (pkg-config with
# PKG_CONFIG_SYSROOT_DIR, as for a staged or cross install); `make uninstall`
# takes every file away again.
#
#   tests/install.sh [BUILDDIR]     (default: the current directory)
#
# Run by .ci/run after the main build (not by make check: it installs).  Prints
# one line per check; exits 1 on the first failure.
set -euo pipefail

builddir=${1:-.}
builddir=$(cd "$builddir" && pwd)
srcdir=$(cd "$(dirname "$0")/.." && pwd)
stage=$(mktemp -d "${TMPDIR:-/tmp}/gsched-install.XXXXXX")
trap 'rm -rf "$stage"' EXIT

fail() {
	echo "install: FAILED: $*" >&2
	exit 1
}
ok() {
	echo "install: ok: $*"
}

make -s -C "$builddir" install DESTDIR="$stage" >"$stage.log" 2>&1 ||
	{ cat "$stage.log"; rm -f "$stage.log"; fail "make install DESTDIR=$stage"; }
rm -f "$stage.log"
ok "make install DESTDIR=$stage"

# Where things went depends on configure's --prefix/--libdir: find them.
find_one() {
	local f
	f=$(find "$stage" -path "$1" -print | head -n 1)
	[ -n "$f" ] || fail "no $1 in the staged install"
	echo "$f"
}
bin=$(find_one '*/bin/gsched')
hdr=$(find_one '*/include/gsched.h')
obs=$(find_one '*/include/gsched/observe.h')
pc=$(find_one '*/pkgconfig/gsched.pc')
so=$(find_one '*/lib*/libgsched.so')
libdir=$(dirname "$so")
ok "files: ${bin#$stage} ${hdr#$stage} ${obs#$stage} ${so#$stage} ${pc#$stage}"
find "$stage" -path '*/share/doc/*recording.md' | grep -q . || fail "docs/recording.md not installed"

# The program runs from the staged tree (its library found by LD_LIBRARY_PATH).
out=$(LD_LIBRARY_PATH=$libdir "$bin" --version) || fail "staged gsched --version"
[[ $out == "gsched "* ]] || fail "staged gsched --version printed '$out'"
LD_LIBRARY_PATH=$libdir "$bin" bench spawn -n 1000 --rounds 1 >/dev/null ||
	fail "staged gsched bench spawn"
ok "staged gsched runs: $out"

# A program that uses the public headers, built with what gsched.pc says.
export PKG_CONFIG_SYSROOT_DIR=$stage
export PKG_CONFIG_PATH=$(dirname "$pc")
export PKG_CONFIG_LIBDIR=$(dirname "$pc")
flags=$(pkg-config --cflags --libs gsched) || fail "pkg-config --cflags --libs gsched"
ver=$(pkg-config --modversion gsched)
ok "pkg-config gsched $ver: $flags"
cat >"$stage/prog.c" <<'PROG'
#include <gsched.h>
#include <gsched/observe.h>
#include <stdio.h>

static gs_waitgroup wg;
static gs_chan *ch;

static void
worker(void *arg)
{
	long v = (long)arg;
	gs_chan_send(ch, &v);
	gs_wg_done(&wg);
}

static void
main_g(void *arg)
{
	long sum = 0, v;
	(void)arg;
	ch = gs_chan_make(sizeof(long), 16);
	gs_wg_add(&wg, 100);
	for (long i = 1; i <= 100; i++)
		gs_go(worker, (void *)i);
	for (int i = 0; i < 100; i++) {
		gs_chan_recv(ch, &v);
		sum += v;
	}
	gs_wg_wait(&wg);
	gs_chan_free(ch);
	printf("sum %ld on %d Ps\n", sum, gs_gomaxprocs());
}

int
main(void)
{
	int rc = gs_run(main_g, NULL, &(gs_config){ .procs = 2 });
	return rc == 0 ? 0 : 1;
}
PROG
# shellcheck disable=SC2086
${CC:-cc} -std=gnu11 -Wall -Wextra -Werror -o "$stage/prog" "$stage/prog.c" $flags ||
	fail "building a program against the staged gsched.pc"
out=$(LD_LIBRARY_PATH=$libdir "$stage/prog") || fail "the program built against gsched.pc"
[ "$out" = "sum 5050 on 2 Ps" ] || fail "the program printed '$out'"
ok "a program built with pkg-config runs: $out"

make -s -C "$builddir" uninstall DESTDIR="$stage" >/dev/null 2>&1 || fail "make uninstall"
rm -f "$stage/prog" "$stage/prog.c"
left=$(find "$stage" -type f | sed "s|^$stage||")
[ -z "$left" ] || fail "make uninstall left: $left"
ok "make uninstall removes every file"
echo "install: all checks passed"
