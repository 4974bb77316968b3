package main

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
	"github.com/spf13/cobra"

	"github.com/iotlens/iotlens/internal/output"
	"github.com/iotlens/iotlens/internal/synth"
)

func init() { register(newSynthCmd) }

func newSynthCmd() *cobra.Command {
	var (
		out, macList, size    string
		devices               int
		hours                 float64
		seed                  uint64
		hostile, compressible bool
	)
	cmd := &cobra.Command{
		Use:   "synth -o FILE [flags]",
		Short: "Generate a deterministic synthetic smart-home capture",
		Long: `synth writes a realistic, deterministic smart-home capture (classic pcap, Ethernet): a
gateway doing DHCP and DNS, and cameras, plugs, bulbs, speakers, hubs, thermostats, voice
assistants and a phone with DHCP, ARP, DNS with CNAME chains, TLS with SNI and certificates,
QUIC, NTP, mDNS, SSDP, MQTT, heartbeats, events and LAN chatter. The same flags always
give the same bytes. A "Name,MAC" device list is written beside it for --devices.

A name ending in .gz or .zst is compressed.`,
		Example: `  iotlens synth --devices 10 --hours 24 -o home.pcap
  iotlens synth --devices 40 --size 500MB -o bench.pcap      # benchmark input
  iotlens synth --hostile --hours 1 -o hostile.pcap.gz       # names with HTML/CSV metacharacters`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return usageError{fmt.Errorf("-o FILE is required")}
			}
			target, err := parseSize(size)
			if err != nil {
				return usageError{err}
			}
			opts := synth.Options{Devices: devices, Duration: time.Duration(hours * float64(time.Hour)),
				Seed: seed, TargetBytes: target, Hostile: hostile, Compressible: compressible}
			var truth synth.Truth
			err = output.WriteFile(out, func(w *bufio.Writer) error {
				return compressTo(w, out, func(cw io.Writer) error {
					var err error
					truth, err = synth.Generate(cw, opts)
					return err
				})
			})
			if err != nil {
				return err
			}
			if macList == "" {
				macList = trimCaptureExt(out) + ".devices.csv"
			}
			if err := output.WriteFile(macList, func(w *bufio.Writer) error { return synth.WriteMACList(w, truth) }); err != nil {
				return err
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "iotlens: wrote %s (%d packets, %d bytes, %d devices) and %s\n",
				out, truth.Packets, truth.Bytes, len(truth.Devices), macList)
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&out, "output", "o", "", "capture file to write (.pcap, .pcap.gz or .pcap.zst)")
	fl.StringVar(&macList, "mac-list", "", `where to write the "Name,MAC" device list (default: beside the capture)`)
	fl.IntVar(&devices, "devices", 8, "number of IoT devices (1-200)")
	fl.Float64Var(&hours, "hours", 1, "capture duration in hours")
	fl.StringVar(&size, "size", "", "generate until the file reaches this size (e.g. 500MB, 5GB); overrides --hours")
	fl.Uint64Var(&seed, "seed", 1, "random seed (same seed, same bytes)")
	fl.BoolVar(&hostile, "hostile", false, "add a device whose names carry HTML, CSV-formula and control characters")
	fl.BoolVar(&compressible, "compressible", false, "fill encrypted payloads with a pattern instead of random bytes (same lengths; tiny when gzipped)")
	return cmd
}

// compressTo wraps w in gzip or zstd when the file name asks for it.
func compressTo(w io.Writer, name string, write func(io.Writer) error) error {
	switch {
	case strings.HasSuffix(name, ".gz"):
		zw, _ := gzip.NewWriterLevel(w, gzip.BestCompression)
		if err := write(zw); err != nil {
			return err
		}
		return zw.Close()
	case strings.HasSuffix(name, ".zst"):
		zw, err := zstd.NewWriter(w)
		if err != nil {
			return err
		}
		if err := write(zw); err != nil {
			return err
		}
		return zw.Close()
	}
	return write(w)
}

func trimCaptureExt(name string) string {
	for _, ext := range []string{".gz", ".zst", ".pcapng", ".pcap", ".cap"} {
		name = strings.TrimSuffix(name, ext)
	}
	return name
}

// parseSize reads sizes such as 500MB, 5GB, 1.5GiB or plain bytes.
func parseSize(s string) (int64, error) {
	if s == "" {
		return 0, nil
	}
	units := []struct {
		suffix string
		mult   float64
	}{{"GIB", 1 << 30}, {"MIB", 1 << 20}, {"KIB", 1 << 10}, {"GB", 1e9}, {"MB", 1e6}, {"KB", 1e3}, {"G", 1e9}, {"M", 1e6}, {"K", 1e3}, {"B", 1}}
	up := strings.ToUpper(strings.TrimSpace(s))
	mult := 1.0
	for _, u := range units {
		if strings.HasSuffix(up, u.suffix) {
			up, mult = strings.TrimSpace(strings.TrimSuffix(up, u.suffix)), u.mult
			break
		}
	}
	var v float64
	if _, err := fmt.Sscanf(up, "%g", &v); err != nil || v <= 0 {
		return 0, fmt.Errorf("--size %q: want a size such as 500MB or 5GB", s)
	}
	return int64(v * mult), nil
}
