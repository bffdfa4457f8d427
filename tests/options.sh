#!/bin/sh
# options.sh - every option a --help shows (gsched, gsched bench, gsched compare,
# gsched status: lists printed from the option tables of src/cmd and
# src/ui/tui_options.c) must be in the man page, gsched.1; and every one of them
# must be known to the parser as --help spells it.  Run by make check from the build directory.
gsched=$(cd "$(dirname "${GSCHED:-./src/gsched}")" && pwd)/$(basename "${GSCHED:-./src/gsched}")
man=${MANPAGE:-${srcdir:-.}/gsched.1}
if [ ! -x "$gsched" ] || [ ! -r "$man" ]; then
	echo "options: $gsched or $man is missing" >&2
	exit 99
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gsched-options.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT INT TERM

# The page as text: \- is a minus, font escapes go.
sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' -e 's/\\f(..//g' "$man" >"$tmp/man"

pass=0
fail=0
for cmd in "" bench compare status go; do
	# shellcheck disable=SC2086
	if ! "$gsched" $cmd --help >"$tmp/help" 2>&1; then
		echo "FAIL  gsched $cmd --help exits non-zero"
		fail=$((fail + 1))
		continue
	fi
	# cmdline_help's entries: "  -x, --name ARG  text" or "      --name ARG  text"
	grep -E '^(  -[A-Za-z0-9](, --[a-z][a-z-]*)?|      --[a-z][a-z-]*)( |$)' \
		"$tmp/help" | sed -E 's/^ +//; s/ {2,}.*//' >"$tmp/entries"
	if [ ! -s "$tmp/entries" ]; then
		echo "FAIL  gsched $cmd --help lists no options"
		fail=$((fail + 1))
		continue
	fi
	while IFS= read -r entry; do
		for opt in $(printf '%s\n' "$entry" | grep -oE -- '(^|[ ,])--?[A-Za-z0-9][a-z-]*' |
			tr -d ' ,'); do
			if grep -qE -- "(^|[^A-Za-z0-9-])$opt([^A-Za-z0-9-]|\$)" "$tmp/man"; then
				pass=$((pass + 1))
			else
				echo "FAIL  gsched ${cmd:+$cmd }--help shows $opt; gsched.1 does not"
				fail=$((fail + 1))
			fi
			# a known option meets --help's "takes no other options", or
			# refuses an empty value; neither runs anything
			if printf '%s\n' "$entry" | grep -q ' [A-Z]'; then
				set -- "$opt" ""
			else
				set -- "$opt" --help
			fi
			# shellcheck disable=SC2086
			(cd "$tmp" && exec "$gsched" $cmd "$@") </dev/null >/dev/null 2>"$tmp/err"
			if grep -q "unknown option" "$tmp/err"; then
				echo "FAIL  gsched ${cmd:+$cmd }$opt: $(head -n 1 "$tmp/err")"
				fail=$((fail + 1))
			fi
		done
	done <"$tmp/entries"
done

# One table of exit statuses: the statuses --help lists are those of
# gsched.1's EXIT STATUS and of the README's "Exit status", in that order.
readme=${README:-${srcdir:-.}/README}
"$gsched" --help | awk '/^Exit status/ { t = 1; next } t && /^  [0-9]/ { print $1 }
	t && /^[^ ]/ { t = 0 }' >"$tmp/st.help"
awk '/^\.SH EXIT STATUS/ { t = 1; next } t && /^\.SH/ { t = 0 }
	t && p && /^\.B / { print $2 } { p = t && /^\.TP/ }' "$man" >"$tmp/st.man"
awk '/^Exit status$/ { t = 1; next } t && /^[A-Z]/ && !/^One table/ { t = 0 }
	t && /^    [0-9]/ { print $1 }' "$readme" >"$tmp/st.readme"
for where in man readme; do
	if [ -s "$tmp/st.help" ] && cmp -s "$tmp/st.help" "$tmp/st.$where"; then
		pass=$((pass + 1))
	else
		echo "FAIL  the exit statuses of --help ($(echo $(cat "$tmp/st.help")))" \
			"are not those of the $where ($(echo $(cat "$tmp/st.$where")))"
		fail=$((fail + 1))
	fi
done

echo "options: $pass in the man page, $fail failed"
[ "$fail" -eq 0 ]
