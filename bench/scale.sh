#!/usr/bin/env bash
# Scale benchmark: a synthetic capture of SIZE (default 5GB) split into
# rotated files, analysed with all cores; prints time, throughput and peak
# RSS per command, and fails if peak RSS exceeds LIMIT_MB (default 300).
# Usage: bench/scale.sh [SIZE] [LIMIT_MB]. Work files go to bench/results/.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE=${1:-5GB}
LIMIT=${2:-300}
OUT=bench/results
mkdir -p "$OUT"
CGO_ENABLED=0 go build -o "$OUT/iotlens" ./cmd/iotlens
go build -o "$OUT/measure" ./bench/measure
IOT="$OUT/iotlens"; M="$OUT/measure"
DIR="$OUT/scale-$SIZE"
if [ ! -d "$DIR" ]; then
  mkdir -p "$DIR.tmp"
  # 10 rotated files of SIZE/10 each, different seeds (a month of a home, in pieces).
  per=$(( $(numfmt --from=si "${SIZE%B}") / 10 ))
  for i in $(seq 0 9); do
    "$IOT" synth --devices 60 --seed "$((i + 1))" --size "$per" -o "$DIR.tmp/part-$i.pcap" --mac-list "$DIR.tmp/devices-$i.csv" 2>/dev/null
  done
  mv "$DIR.tmp" "$DIR"
fi
bytes=$(du -sb "$DIR" | cut -f1)
echo "== $(ls "$DIR"/*.pcap | wc -l) files, $((bytes / 1000000)) MB"
printf '%-34s %9s %9s %9s %6s\n' command seconds MB/s peakRSS exit
fail=0
for cmd in summary destinations; do
  for j in 1 $(nproc); do
    line=$("$M" "$cmd -j$j" -- "$IOT" "$cmd" -q -j "$j" -o "$OUT/scale-out-$cmd" "$DIR")
    IFS=$'\t' read -r label sec rss code <<< "$line"
    printf '%-34s %9.2f %9.1f %7.1fMB %6s\n' "$label" "$sec" "$(echo "$bytes / 1000000 / $sec" | bc -l)" "$rss" "$code"
    if [ "${rss%.*}" -gt "$LIMIT" ] || [ "$code" != 0 ]; then fail=1; fi
  done
done
[ $fail = 0 ] && echo "peak RSS within ${LIMIT} MB" || { echo "FAILED: peak RSS over ${LIMIT} MB or a non-zero exit"; exit 1; }
