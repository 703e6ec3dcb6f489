#!/usr/bin/env bash
# Builds the SCIM parser fuzzers with clang++ (libFuzzer + ASan + UBSan) and
# runs each for a bounded time, starting from a small seed corpus.
#
#   tests/fuzz/run-fuzzers.sh [OUT_DIR] [SECONDS]    e.g. build/fuzz 20 (the defaults)
#   tests/fuzz/run-fuzzers.sh SECONDS [OUT_DIR]
#
# Exits non-zero if a fuzzer finds a crash; the input that caused it is left in
# OUT_DIR/artifacts/ (replay: OUT_DIR/fuzz_filter OUT_DIR/artifacts/<file>).
# Without clang++ or libFuzzer it prints a skip message and exits 0, unless
# MUSTER_REQUIRE_SERVERS=1, when that is an error. FUZZ_CXX overrides the compiler.
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
out=build/fuzz
seconds=20
if [[ "${1:-}" =~ ^[0-9]+$ ]]; then
    seconds=$1
    out=${2:-$out}
else
    out=${1:-$out}
    seconds=${2:-$seconds}
fi
if ! [[ "$seconds" =~ ^[0-9]+$ ]] || ((seconds == 0)); then
    echo "run-fuzzers: SECONDS must be a positive whole number, got '$seconds'" >&2
    exit 2
fi

skip() {
    if [[ "${MUSTER_REQUIRE_SERVERS:-0}" == 1 ]]; then
        echo "run-fuzzers: $1 (MUSTER_REQUIRE_SERVERS=1, so this fails the run)" >&2
        exit 1
    fi
    echo "run-fuzzers: skipped: $1"
    exit 0
}

cxx=${FUZZ_CXX:-}
if [[ -z "$cxx" ]]; then
    for candidate in clang++ clang++-16 clang++-15 clang++-14; do
        if command -v "$candidate" >/dev/null; then
            cxx=$candidate
            break
        fi
    done
fi
[[ -n "$cxx" ]] && command -v "$cxx" >/dev/null || skip "clang++ not found"

mkdir -p "$out"
out=$(cd "$out" && pwd)

# A compiler without the libFuzzer runtime (libclang-rt-*-dev) cannot link.
cat >"$out/probe.cpp" <<'CPP'
#include <cstddef>
#include <cstdint>
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t*, std::size_t) { return 0; }
CPP
if ! "$cxx" -fsanitize=fuzzer "$out/probe.cpp" -o "$out/probe" 2>"$out/probe.log"; then
    skip "$cxx cannot link libFuzzer (see $out/probe.log)"
fi
rm -f "$out/probe.cpp" "$out/probe" "$out/probe.log"

# Keep in step with muster_fuzz_parser_sources in tests/fuzz/CMakeLists.txt.
parser_sources=(
    core/src/error.cpp
    scim/src/filter_lexer.cpp
    scim/src/filter_grammar.cpp
    scim/src/filter_parser.cpp
    scim/src/filter_print.cpp
    scim/src/path_parser.cpp
    scim/src/utf8.cpp
)
flags=(-std=c++20 -O1 -g -fno-omit-frame-pointer
       -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
       -Wall -Wextra -Werror
       -I"$repo/core/include" -I"$repo/scim/include" -I"$repo/scim/src")

echo "run-fuzzers: building with $cxx into $out"
mkdir -p "$out/obj"
objects=()
for source in "${parser_sources[@]}"; do
    object="$out/obj/$(echo "$source" | tr / _).o"
    "$cxx" "${flags[@]}" -c "$repo/$source" -o "$object"
    objects+=("$object")
done
for fuzzer in fuzz_filter fuzz_patch_path; do
    "$cxx" "${flags[@]}" "$repo/tests/fuzz/$fuzzer.cpp" "${objects[@]}" -o "$out/$fuzzer"
done

# Seeds: one input per line. Files are rewritten on every run; inputs that
# libFuzzer adds to the corpus directories are kept for the next run.
write_seeds() {
    local dir=$1 n=0 line
    mkdir -p "$dir"
    while IFS= read -r line; do
        n=$((n + 1))
        printf '%s' "$line" >"$dir/seed-$n"
    done
}
write_seeds "$out/corpus/fuzz_filter" <<'SEEDS'
userName eq "bjensen"
name.familyName co "O'Malley"
urn:ietf:params:scim:schemas:core:2.0:User:userName sw "J"
title pr and userType eq "Employee"
userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")
emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]
urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "26118915"
meta.lastModified gt "2011-05-13T04:42:34Z"
a eq -1.5e3 or b ge 9223372036854775807 and c lt null or d EQ TRUE
x eq "caf\u00e9 \uD83D\uDE00 \"q\" \\ \/ \b\f\n\r\t Zoë"
((a pr) and not (b pr or c le 0.25))
SEEDS
write_seeds "$out/corpus/fuzz_patch_path" <<'SEEDS'
members[value eq "2819c223-7f76-453a-919d-413861904646"]
emails[type eq "work"].value
name.familyName
urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber
urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager
addresses[type eq "work" and (primary eq true or not (region pr))].streetAddress
SEEDS

mkdir -p "$out/artifacts"
failed=0
for fuzzer in fuzz_filter fuzz_patch_path; do
    log="$out/$fuzzer.log"
    echo "run-fuzzers: $fuzzer for ${seconds}s (log: $log)"
    # -max_len above the parsers' 8 KiB input limit, so the limit is exercised too.
    if UBSAN_OPTIONS=print_stacktrace=1 "$out/$fuzzer" \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=9000 \
        -dict="$repo/tests/fuzz/scim.dict" -artifact_prefix="$out/artifacts/$fuzzer-" \
        -print_final_stats=1 "$out/corpus/$fuzzer" >"$log" 2>&1; then
        grep -E '^#[0-9]+[[:space:]]+DONE' "$log" || tail -n 1 "$log"
    else
        echo "run-fuzzers: $fuzzer FAILED; last lines of $log:" >&2
        tail -n 40 "$log" >&2
        failed=1
    fi
done
exit "$failed"
