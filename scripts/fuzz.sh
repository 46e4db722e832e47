#!/usr/bin/env bash
# Builds zoo-fuzz with libFuzzer and AddressSanitizer and fuzzes the parsers of outside bytes.
#
#   scripts/fuzz.sh [--seconds N] [TARGET...]     (default: 60 s each, every target)
#
# Each target starts from its seeds (Fuzz/corpus/TARGET, never written) plus what earlier runs
# found (.build/fuzz/corpus/TARGET, kept between runs). A crash, a hang (10 s per input) or an
# out-of-memory (2 GiB) stops the script with a non-zero exit; libFuzzer writes the input to
# .build/fuzz/findings/TARGET-crash-*, which `zoo-fuzz replay TARGET FILE` reproduces in an
# ordinary build. Ends with one line per target: runs, executions/s, corpus size, coverage.
# docs/fuzzing.md says more.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=60
targets=()
while [ $# -gt 0 ]; do
    case "$1" in
        --seconds) seconds="${2:?--seconds needs a number}"; shift 2 ;;
        -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        -*) echo "fuzz.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
        *) targets+=("$1"); shift ;;
    esac
done
case "$seconds" in ''|*[!0-9]*) echo "fuzz.sh: --seconds takes a whole number of seconds, not '$seconds'" >&2; exit 2 ;; esac

scratch=.build/fuzz
binary="$scratch/debug/zoo-fuzz"
echo "== building zoo-fuzz with -sanitize=fuzzer,address (into $scratch)"
# SwiftPM also links the build plugin's tool (ZooCatalogGenerator) with these flags while it
# plans; that link fails (libFuzzer's main wants a fuzz callback) and zoo-fuzz does not need the
# tool, so its three lines of linker noise are dropped. Whether zoo-fuzz itself linked is judged
# by the binary, removed first so that a stale one cannot pass for it.
rm -f "$binary"
swift build --scratch-path "$scratch" --product zoo-fuzz \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -DZOO_FUZZING 2>&1 \
    | grep -v -e "Cannot export local symbol" -e "internal error in format_file_lineno" -e "link.* command failed with exit code" || true
[ -x "$binary" ] || { echo "fuzz.sh: the build did not produce $binary (run the swift build line above by hand to see why)" >&2; exit 1; }

# The list comes from an ordinary (replay) build when there is one, else from the corpus folders.
if [ ${#targets[@]} -eq 0 ]; then
    for folder in Fuzz/corpus/*/; do targets+=("$(basename "$folder")"); done
fi

mkdir -p "$scratch/findings"
summary=()
failed=0
for target in "${targets[@]}"; do
    [ -d "Fuzz/corpus/$target" ] || { echo "fuzz.sh: no seed corpus Fuzz/corpus/$target (targets: $(ls Fuzz/corpus | tr '\n' ' '))" >&2; exit 2; }
    work="$scratch/corpus/$target"
    mkdir -p "$work"
    log="$scratch/findings/$target.log"
    echo "== $target: $seconds s"
    # Swift's backtracer would spend seconds on each crash; libFuzzer prints its own report.
    # Leak detection is off: the Swift runtime keeps caches alive on purpose.
    set +e
    SWIFT_BACKTRACE=enable=no ZOO_FUZZ_TARGET="$target" "$binary" \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -detect_leaks=0 -print_final_stats=1 \
        -artifact_prefix="$scratch/findings/$target-" "$work" "Fuzz/corpus/$target" > "$log" 2>&1
    status=$?
    set -e
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
    speed=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
    coverage=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*' || echo "?")
    files=$(find "$work" -type f | wc -l)
    if [ $status -ne 0 ]; then
        failed=1
        echo "fuzz.sh: $target FAILED (exit $status); the report:" >&2
        grep -A 30 -m 1 "==ERROR\|Fatal error\|deadly signal\|timeout after\|out-of-memory" "$log" >&2 || tail -40 "$log" >&2
        ls "$scratch/findings/$target-"* 2>/dev/null | grep -v '\.log$' >&2 || true
    fi
    summary+=("$(printf '%-12s %-6s %10s runs %8s exec/s %6s corpus files %6s coverage' "$target" \
        "$([ $status -eq 0 ] && echo clean || echo FAILED)" "$runs" "$speed" "$files" "$coverage")")
done

echo "== summary ($seconds s each)"
printf '%s\n' "${summary[@]}"
exit $failed
