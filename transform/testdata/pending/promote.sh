#!/bin/sh
# promote.sh [case...]: for each pending case (default: all), try asyncgen;
# if it translates, build both ways, compare the output (also under
# ASYNCGO_CHAOS), and on success move the case into <repo>/testdata.
# Run from anywhere; prints one status line per case.
set -u
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$repo" && go build -o "$tmp/asyncgen" ./cmd/asyncgen) || exit 1
cases=${*:-$(cd "$here" && ls -d */ | tr -d /)}
for c in $cases; do
	d=$here/$c
	[ -f "$d/main.go" ] || continue
	if ! (cd "$d" && "$tmp/asyncgen" . >"$tmp/diag" 2>&1); then
		echo "PENDING  $c: $(head -1 "$tmp/diag")"
		continue
	fi
	if ! (cd "$d" && go build -o "$tmp/ref" -tags asyncsrc . && go build -o "$tmp/gen" . && go vet . ) >"$tmp/diag" 2>&1; then
		echo "BUILDERR $c: $(head -3 "$tmp/diag")"
		continue
	fi
	if [ -f "$d/compiled.golden" ]; then
		"$tmp/ref" >/dev/null 2>&1
		cp "$d/compiled.golden" "$tmp/want"; rw=0
	else
		"$tmp/ref" >"$tmp/want" 2>/dev/null; rw=$?
	fi
	"$tmp/gen" >"$tmp/got" 2>"$tmp/err"; rg=$?
	ok=1
	if [ $rw != $rg ] || ! cmp -s "$tmp/want" "$tmp/got"; then ok=0; echo "DIFFERS  $c (exit $rw vs $rg)"; diff "$tmp/want" "$tmp/got" | head -10; fi
	for seed in 1 7 42; do
		[ $ok = 1 ] || break
		ASYNCGO_CHAOS=$seed:3 "$tmp/gen" >"$tmp/got" 2>/dev/null; rg=$?
		if [ $rw != $rg ] || ! cmp -s "$tmp/want" "$tmp/got"; then ok=0; echo "CHAOS    $c seed $seed"; diff "$tmp/want" "$tmp/got" | head -10; fi
	done
	if [ $ok = 1 ]; then
		if [ -e "$repo/testdata/$c" ]; then echo "EXISTS   $c"; continue; fi
		mv "$d" "$repo/testdata/$c" && echo "PROMOTED $c"
	else
		rm -f "$d"/*_async.go
	fi
done
