#!/usr/bin/env bash
# Benchmark: iotlens versus the tshark field extraction the seed pipelines rely
# on, and tcpdump's raw read as the ceiling, on the same inputs in one run:
#   1. all MADEA fixtures merged into one capture (../shared/fixtures/madea)
#   2. a synthetic capture of at least 500 MB made by `iotlens synth`
# Prints packets/s, MB/s, peak RSS and the ratios. Needs tshark, tcpdump and
# mergecap (apt-get install tshark tcpdump). Usage: bench/compare.sh [SIZE]
# (SIZE of the synthetic input, default 500MB). Work files go to bench/results/.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE=${1:-500MB}
OUT=bench/results
mkdir -p "$OUT"
for tool in tshark tcpdump mergecap; do
  command -v "$tool" >/dev/null || { echo "compare.sh: $tool not found (apt-get install tshark tcpdump)"; exit 1; }
done
CGO_ENABLED=0 go build -o "$OUT/iotlens" ./cmd/iotlens
go build -o "$OUT/measure" ./bench/measure
IOT="$OUT/iotlens"; M="$OUT/measure"
export MEASURE_RUNS=${MEASURE_RUNS:-3} # fastest of 3 runs per tool (tshark too)

MADEA="$OUT/madea-merged.pcapng"
if [ ! -s "$MADEA" ]; then
  # mergecap stops at a file cut mid-packet, so first copy each file's complete
  # packets with editcap (which keeps them and only complains), then concatenate.
  tmpd=$(mktemp -d)
  for f in ../shared/fixtures/madea/*.cap; do editcap "$f" "$tmpd/$(basename "$f").pcapng" 2>/dev/null || true; done
  mergecap -a -w "$MADEA" "$tmpd"/*.pcapng
  rm -rf "$tmpd"
fi
SYN="$OUT/synthetic-$SIZE.pcap"
[ -s "$SYN" ] || "$IOT" synth --devices 40 --size "$SIZE" -o "$SYN" --mac-list "$OUT/synthetic.devices.csv"

TSHARK_FIELDS=(-T fields -e frame.time_epoch -e eth.src -e eth.dst -e ip.src -e ip.dst -e frame.len -e dns.qry.name -e dns.a -e tls.handshake.extensions_server_name)

# bench_one NAME DEVICES FILE... : every tool reads all FILEs (in sequence for
# tcpdump and tshark; iotlens takes them all at once, in parallel with -j).
bench_one() {
  local name=$1 devices=$2; shift 2
  local pkts=0 bytes=0 n
  for f in "$@"; do
    n=$( (capinfos -c -M "$f" 2>/dev/null || true) | awk -F: '/Number of packets/ {gsub(/ /,"",$2); print $2}')
    pkts=$((pkts + ${n:-0})); bytes=$((bytes + $(stat -c %s "$f")))
  done
  echo "== $name: $# file(s), $pkts packets, $((bytes/1000000)) MB"
  local list; list=$(printf '%q ' "$@")
  {
    "$M" "tcpdump -r -w /dev/null" -- bash -c "for f in $list; do tcpdump -r \$f -w /dev/null 2>/dev/null; done"
    "$M" "tshark fields (seeds)" -- bash -c "for f in $list; do tshark -r \$f ${TSHARK_FIELDS[*]} 2>/dev/null; done"
    "$M" "iotlens summary -j1" -- "$IOT" summary -q -j 1 --devices "$devices" "$@"
    "$M" "iotlens summary -j$(nproc)" -- "$IOT" summary -q --devices "$devices" "$@"
    MEASURE_FRESH="$OUT/dest-$name" "$M" "iotlens destinations -j1" -- "$IOT" destinations -q -j 1 --devices "$devices" -o "$OUT/dest-$name" "$@"
    "$M" "destinations -j1 re-run" -- "$IOT" destinations -q -j 1 --devices "$devices" -o "$OUT/dest-$name" "$@"
  } > "$OUT/$name.tsv" 2> "$OUT/$name.stderr" || true
  awk -F'\t' -v pkts="$pkts" -v bytes="$bytes" '
    { label[NR]=$1; sec[NR]=$2; rss[NR]=$3; code[NR]=$4 }
    END {
      printf "%-26s %9s %12s %9s %9s %6s\n", "tool", "seconds", "packets/s", "MB/s", "peakRSS", "exit"
      for (i=1;i<=NR;i++) printf "%-26s %9.3f %12.0f %9.1f %7.1fMB %6d\n", label[i], sec[i], pkts/sec[i], bytes/1e6/sec[i], rss[i], code[i]
      printf "ratios: iotlens -j1 is %.1fx tshark, %.2fx the time of tcpdump; with all cores %.1fx tshark\n", sec[2]/sec[3], sec[3]/sec[1], sec[2]/sec[4]
      printf "        destinations takes %.2fx the time of summary (-j1) writing a new OUT, %.2fx re-run into the same OUT\n", sec[5]/sec[3], sec[6]/sec[3]
    }' "$OUT/$name.tsv"
}
MAPPING=../shared/fixtures/madea/Device_MAC_Name_Mapping.csv
bench_one madea-merged "$MAPPING" "$MADEA"
bench_one madea-19-files "$MAPPING" ../shared/fixtures/madea/*.cap
bench_one synthetic "$OUT/synthetic.devices.csv" "$SYN"
