#!/usr/bin/env bash
# Checks the `zoo-new-method` scaffold end to end, on a copy of the package in a temporary
# folder (the checkout, its zoo.json and its build folders are never touched):
#
#   0. the copy builds once, so SwiftPM holds a cached evaluation of Package.swift (a checkout
#      that had built before);
#   1. the plugin scaffolds a new head, `demo-head`, writing only new files, one entry appended
#      to zoo.json and the new target added to Package.swift's `// zoo.json method targets:` line;
#   2. a plain `swift build` (no purge-cache, no --disable-build-manifest-caching) sees and
#      compiles the new target;
#   3. `zoo list` shows demo-head as experimental and `zoo info` builds it through the registry;
#   4. the generated tests (DemoHeadTests) pass;
#   5. scaffolding the same name again, or another name into the same target, fails and
#      changes nothing.
#
# Usage: scripts/check-scaffold.sh      (CI runs it; a few minutes on 2 cores)
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/zoo-scaffold-check.XXXXXX")"
trap 'rm -rf "$work"' EXIT
copy="$work/zoo"
log="$work/step.log"
mkdir -p "$copy" "$work/tmp"
# SwiftPM leaves lock files named after the package path in TMPDIR; keep them in $work.
export TMPDIR="$work/tmp"

name=demo-head
target=DemoHead

fail() {
    echo "FAIL: $1"
    if [ -s "$log" ]; then
        echo "      last lines of its output:"
        grep -vE '^\[[0-9]+/[0-9]+\]' "$log" | tail -25 | sed 's/^/      /'
    fi
    exit 1
}

# ok MESSAGE: reports a passed check and the seconds since the previous one, so a slow CI run
# shows where the time went.
last_check=$SECONDS
ok() {
    echo "ok:   $1 [$((SECONDS - last_check))s]"
    last_check=$SECONDS
}

# step DESCRIPTION COMMAND...: runs COMMAND in the copy with its output in $log; fails on error.
step() {
    local description="$1"
    shift
    (cd "$copy" && "$@") >"$log" 2>&1 || fail "$description (\`$*\` exited with $?)"
}

# Checksums of every file of the copy except build products: what "changes nothing" compares.
snapshot() {
    (cd "$copy" && find . \( -path ./.build -o -path ./.swiftpm \) -prune -o -type f -print0 | sort -z | xargs -0 cksum)
}

# Git-tracked files and untracked files git does not ignore (no .build*, no local leftovers);
# a plain copy minus build folders when this is not a git checkout.
if git -C "$root" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    git -C "$root" ls-files -z --cached --others --exclude-standard |
        while IFS= read -r -d '' file; do [ -e "$root/$file" ] && printf '%s\0' "$file"; done |
        tar -C "$root" --null -T - -cf - | tar -C "$copy" -xf -
else
    tar -C "$root" --exclude='./.build*' --exclude='./.git' --exclude='./.swiftpm' -cf - . | tar -C "$copy" -xf -
fi
cp "$copy/zoo.json" "$work/zoo.json.original"
echo "Checking the scaffold in a copy at $copy"

# 0. Build once, as a checkout that had built before.
step "the copy builds before scaffolding" swift build
ok "swift build of the copy, before the scaffold"

# 1. Scaffold through the command plugin, as a researcher would.
step "the plugin scaffolds $name" \
    swift package --allow-writing-to-package-directory zoo-new-method --name "$name" --kind head --family retrieval \
    --title "A Demo Head" --authors "Ada Lovelace, Alan Turing" --year 2026
cp "$log" "$work/scaffold.log"
for file in "Sources/Methods/$target/$target.swift" "Sources/Methods/$target/${target}Module.swift" \
    "Tests/${target}Tests/${target}Tests.swift"; do
    [ -f "$copy/$file" ] || fail "the scaffold did not create $file"
done
ok "the plugin created Sources/Methods/$target (entry type and skeleton) and Tests/${target}Tests"
# Only additions: diff prints no '<' (removed or changed original) lines.
if diff "$work/zoo.json.original" "$copy/zoo.json" | grep -q '^<'; then
    fail "zoo.json was changed, not only appended to"
fi
grep -qE "^// zoo.json method targets: .*\\b$target\\b" "$copy/Package.swift" || fail "Package.swift's method-target line does not list $target"
[ "$(diff "$root/Package.swift" "$copy/Package.swift" | grep -c '^[<>]')" -eq 2 ] || fail "Package.swift changed beyond its method-target line"
grep -q "\"name\": \"$name\"" "$copy/zoo.json" || fail "zoo.json has no entry named $name"
ok "zoo.json gained the entry $name, every original line untouched"
for command in "swift build" "swift run zoo list $name" "swift test --filter ${target}Tests"; do
    grep -qF "$command" "$work/scaffold.log" || { cp "$work/scaffold.log" "$log"; fail "the next steps do not mention \`$command\`"; }
done
grep -qF "purge-cache" "$work/scaffold.log" && { cp "$work/scaffold.log" "$log"; fail "the next steps still mention purge-cache"; }
ok "the scaffold printed the next steps (build, zoo list, swift test)"

# 2. A plain build. SwiftPM cached its evaluation of Package.swift in step 0 (and the plugin run);
# the changed target line is what makes it re-read zoo.json.
step "the package builds with the new target" swift build
grep -qE "Compiling $target |Compiling $target$|\\[[0-9]+/[0-9]+\\] Compiling $target" "$log" || fail "swift build did not compile target $target"
ok "a plain swift build compiled target $target"

# 3. The CLI lists it and the registry builds it.
step "zoo list shows $name" swift run zoo list "$name"
awk -v name="$name" '$1 == name && $4 == "experimental" { found = 1 } END { exit !found }' "$log" ||
    fail "zoo list does not show $name with status experimental"
ok "zoo list: $(grep -E "^$name " "$log" | tr -s ' ')"
step "zoo info builds $name through the registry" swift run zoo info "$name"
grep -qE '^ *Parameters +1 \(tiny: 1\)' "$log" || fail "zoo info does not report the head's parameter count"
ok "zoo info: built $name from its config and tiny config ($(grep -E '^ *Parameters' "$log" | tr -s ' ' | sed 's/^ //'))"

# 4. The generated tests pass, and they are real tests (not zero of them).
step "the generated tests pass" swift test --filter "${target}Tests"
count=$(grep -oE 'Test run with [0-9]+ tests' "$log" | grep -oE '[0-9]+' | tail -1 || true)
[ "${count:-0}" -ge 3 ] || fail "swift test --filter ${target}Tests ran ${count:-0} tests, expected at least 3"
grep -qE 'Test run with [0-9]+ tests.* passed' "$log" || fail "the generated tests did not pass"
ok "swift test --filter ${target}Tests: $count tests passed"

# 5. A second run refuses before writing anything.
before="$(snapshot)"
if (cd "$copy" && swift package --allow-writing-to-package-directory zoo-new-method \
    --name "$name" --kind head --family retrieval) >"$log" 2>&1; then
    fail "scaffolding $name a second time succeeded"
fi
grep -q "already has an entry named \"$name\"" "$log" || fail "the second run did not say that $name exists"
[ "$(snapshot)" = "$before" ] || fail "the refused second run changed files"
ok "a second run with the same name fails and changes nothing: $(grep -o "zoo.json already has an entry named \"$name\" (line [0-9]*)" "$log")"
if (cd "$copy" && swift run zoo-scaffold --package-path . --name demo-head-two --target "$target" \
    --kind head --family retrieval) >"$log" 2>&1; then
    fail "scaffolding another name into the existing target $target succeeded"
fi
grep -q "target $target is already used" "$log" || fail "swift run zoo-scaffold did not say that $target is taken"
[ "$(snapshot)" = "$before" ] || fail "the refused run of zoo-scaffold changed files"
ok "swift run zoo-scaffold into the existing target $target fails and changes nothing"

# 6. The other skeletons (a loss, a retrieval model, a classifier) build, register and pass their
# tests too, after one plain build.
for spec in "demo-loss loss classification DemoLoss" "demo-retrieval model retrieval DemoRetrieval" \
    "demo-classifier model classification DemoClassifier"; do
    set -- $spec
    step "zoo-scaffold creates $1 ($2, $3)" swift run zoo-scaffold --package-path . --name "$1" --kind "$2" --family "$3" \
        --title "A Demo" --authors "Ada Lovelace" --year 2026
done
step "the package builds with the three new targets" swift build
step "their generated tests pass" swift test --filter "DemoLossTests|DemoRetrievalTests|DemoClassifierTests"
count=$(grep -oE 'Test run with [0-9]+ tests' "$log" | grep -oE '[0-9]+' | tail -1 || true)
[ "${count:-0}" -ge 9 ] || fail "the three new targets ran ${count:-0} tests, expected at least 9"
grep -qE 'Test run with [0-9]+ tests.* passed' "$log" || fail "the generated tests of the three new targets did not pass"
step "zoo info prints demo-retrieval's effective configuration" swift run zoo info demo-retrieval
grep -qE 'Effective config' "$log" || fail "zoo info does not print demo-retrieval's effective configuration"
ok "a loss, a retrieval model and a classifier scaffold, build with a plain swift build and pass their $count tests"

echo "All scaffold checks passed."
