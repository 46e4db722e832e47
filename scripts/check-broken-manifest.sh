#!/usr/bin/env bash
# Checks that a broken zoo.json fails `swift build` with an error that names zoo.json and the
# right line, and that the intact zoo.json builds. Works on a copy of the package in a temporary
# folder, so the checkout and its build folders are never touched.
#
# Usage: scripts/check-broken-manifest.sh        (CI runs it; it takes a few minutes the first time)
#
# It builds the ZooCatalog target, the one whose build plugin validates zoo.json, rather than the
# whole package, so that unrelated compile errors elsewhere cannot hide or fake a result.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/zoo-manifest-check.XXXXXX")"
trap 'rm -rf "$work"' EXIT
copy="$work/zoo"
mkdir -p "$copy"
tar -C "$root" --exclude='./.build*' --exclude='./.git' --exclude='./.swiftpm' --exclude='./runs' -cf - . | tar -C "$copy" -xf -
pristine="$work/zoo.json.pristine"
cp "$copy/zoo.json" "$pristine"

failures=0
log="$work/build.log"

build() {
    # --manifest-cache none: Package.swift reads zoo.json, and SwiftPM's manifest cache is keyed
    # by Package.swift's text alone, so a cached evaluation could hide a changed zoo.json.
    (cd "$copy" && swift build --manifest-cache none --target ZooCatalog) >"$log" 2>&1
}

# line_of PATTERN [AFTER]: the first line matching PATTERN (a fixed string) after line AFTER.
line_of() {
    awk -v pattern="$1" -v after="${2:-0}" 'NR > after && index($0, pattern) { print NR; exit }' "$pristine"
}

# expect_failure DESCRIPTION LINE MESSAGE: zoo.json is already broken; the build must fail with
# `zoo.json:LINE:` and MESSAGE on one line.
expect_failure() {
    local description="$1" line="$2" message="$3"
    if build; then
        echo "FAIL: $description: swift build succeeded"
        failures=$((failures + 1))
    elif grep -F "zoo.json:$line:" "$log" | grep -F "error:" | grep -qF "$message"; then
        echo "ok:   $description -> $(grep -F "zoo.json:$line:" "$log" | grep -F "error:" | head -1 | sed "s|$copy/||")"
    else
        echo "FAIL: $description: expected 'zoo.json:$line: ... error: ... $message' in the build output:"
        grep -E "error|zoo.json" "$log" | head -10 | sed 's/^/      /'
        failures=$((failures + 1))
    fi
    cp "$pristine" "$copy/zoo.json"
}

# edit LINE SED-EXPRESSION: applies a sed substitution to one line of the copy's zoo.json.
edit() {
    sed "$1s/$2/" "$pristine" >"$copy/zoo.json"
}

echo "Checking zoo.json validation in a copy at $copy"
if build; then
    echo "ok:   the intact zoo.json builds"
else
    echo "FAIL: the intact zoo.json does not build:"
    grep -E "error" "$log" | head -20 | sed 's/^/      /'
    exit 1
fi

seqtransf=$(line_of '"name": "clip4clip-seqtransf"')
edit "$seqtransf" '"clip4clip-seqtransf"/clip4clip-seqtransf'
expect_failure "invalid JSON (an unquoted string)" "$seqtransf" "invalid JSON"

xclip=$(line_of '"name": "xclip"')
xclip_kind=$(line_of '"kind":' "$xclip")
edit "$xclip_kind" '"head"/"hed"'
expect_failure "an unknown kind" "$xclip_kind" 'unknown kind "hed"'

tight=$(line_of '"name": "clip4clip-tighttransf"')
edit "$tight" 'clip4clip-tighttransf/clip4clip-seqtransf'
expect_failure "a duplicate name" "$tight" 'duplicate name "clip4clip-seqtransf"'

hinton=$(line_of '"name": "hinton-kd"')
edit "$hinton" 'hinton-kd/Hinton_KD'
expect_failure "bad name syntax" "$hinton" 'invalid name "Hinton_KD"'

# Papers that build on each other in a cycle: X-CLIP on Hinton KD and Hinton KD on X-CLIP. Package.swift
# drops the edge that closes the cycle so that the package loads; the generator reports it.
xclip_depends=$(line_of '"dependsOn":' "$xclip")
hinton_entry=$(line_of '"entry": "HintonKDEntry"' "$hinton")
sed -e "${xclip_depends}s/\"CLIP4Clip\"\]/\"CLIP4Clip\", \"HintonKD\"]/" \
    -e "${hinton_entry}s/\"entry\": \"HintonKDEntry\",/\"entry\": \"HintonKDEntry\", \"dependsOn\": [\"XCLIP\"],/" \
    "$pristine" >"$copy/zoo.json"
expect_failure "papers depending on each other in a cycle" "$xclip_depends" "dependsOn forms a cycle"

# A built (not planned) entry whose folder is gone: move X-CLIP's folder out of the copy.
xclip_target=$(line_of '"target":' "$xclip")
mv "$copy/Sources/Methods/XCLIP" "$work/XCLIP.moved"
expect_failure "a built entry whose Sources/Methods folder is missing" "$xclip_target" "Sources/Methods/XCLIP does not exist"
mv "$work/XCLIP.moved" "$copy/Sources/Methods/XCLIP"

if build; then
    echo "ok:   the restored zoo.json builds again"
else
    echo "FAIL: the restored zoo.json does not build"
    failures=$((failures + 1))
fi

if [ "$failures" -ne 0 ]; then
    echo "$failures check(s) failed"
    exit 1
fi
echo "All zoo.json checks passed."
