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

MADEA="$OUT/madea-merged.pcapng"
if [ ! -s "$MADEA" ]; then
  # -a concatenates in argument order; truncated files contribute their complete packets.
  mergecap -a -w "$MADEA" ../shared/fixtures/madea/*.cap 2>/dev/null || true
fi
SYN="$OUT/synthetic-$SIZE.pcap"
[ -s "$SYN" ] || "$IOT" synth --devices 40 --size "$SIZE" -o "$SYN" --mac-list "$OUT/synthetic.devices.csv"

TSHARK_FIELDS=(-T fields -e frame.time_epoch -e eth.src -e eth.dst -e ip.src -e ip.dst -e frame.len -e dns.qry.name -e dns.a -e tls.handshake.extensions_server_name)

bench_one() { # name file devices
  local name=$1 file=$2 devices=$3
  local pkts bytes
  pkts=$(capinfos -c -M "$file" 2>/dev/null | awk -F: '/Number of packets/ {gsub(/ /,"",$2); print $2}')
  bytes=$(stat -c %s "$file")
  echo "== $name: $(basename "$file"): $pkts packets, $((bytes/1000000)) MB"
  {
    "$M" "tcpdump -r -w /dev/null" -- tcpdump -r "$file" -w /dev/null
    "$M" "tshark fields (seeds)" -- tshark -r "$file" "${TSHARK_FIELDS[@]}"
    "$M" "iotlens summary -j1" -- "$IOT" summary -q -j 1 --devices "$devices" "$file"
    "$M" "iotlens summary -j$(nproc)" -- "$IOT" summary -q --devices "$devices" "$file"
  } > "$OUT/$name.tsv" 2> "$OUT/$name.stderr" || true
  awk -F'\t' -v pkts="$pkts" -v bytes="$bytes" '
    { label[NR]=$1; sec[NR]=$2; rss[NR]=$3; code[NR]=$4 }
    END {
      printf "%-26s %9s %12s %9s %9s %6s\n", "tool", "seconds", "packets/s", "MB/s", "peakRSS", "exit"
      for (i=1;i<=NR;i++) printf "%-26s %9.3f %12.0f %9.1f %7.1fMB %6d\n", label[i], sec[i], pkts/sec[i], bytes/1e6/sec[i], rss[i], code[i]
      printf "ratios: iotlens -j1 is %.1fx tshark, %.2fx the time of tcpdump; with all cores %.1fx tshark\n", sec[2]/sec[3], sec[3]/sec[1], sec[2]/sec[4]
    }' "$OUT/$name.tsv"
}
bench_one madea "$MADEA" ../shared/fixtures/madea/Device_MAC_Name_Mapping.csv
bench_one synthetic "$SYN" "$OUT/synthetic.devices.csv"
