package main

import (
	"errors"
	"fmt"
	"net/netip"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/iotlens/iotlens/internal/analysis/signatures"
	"github.com/iotlens/iotlens/internal/decode"
	"github.com/iotlens/iotlens/internal/engine"
	"github.com/iotlens/iotlens/internal/pipeline"
)

func init() { register(newSignaturesCmd) }

func newSignaturesCmd() *cobra.Command {
	var f commonFlags
	var minSupport int
	var tolerance float64
	var idle time.Duration
	var event, mudURL string
	cmd := &cobra.Command{
		Use:   "signatures --device NAME --ip IP [--mac MAC] -o DIR CAPTURES...",
		Short: "Event signature of a device: recurring flows, firewall profile and MUD file",
		Long: `signatures takes captures of one device event (each capture is one occurrence: a boot, a
toggle, a stream) and finds the flows that recur across them: same protocol, remote host (its
DNS name or TLS server name when it has one), fixed port and application data (DNS question,
HTTP method and path, DHCP message type, packet and byte counts within --tolerance), plus the
request/response packet-length pairs they repeat (PingPong).

It writes into DIR:
  patterns.txt   the patterns, for a person to read
  patterns.json  the same, for programs
  profile.yaml   a smart-home-firewall profile: the recurring flows as the ordered steps of the
                 interaction named after the event, other traffic as single policies
  mud.json       an RFC 8520 MUD file with the device's from-device and to-device ACLs

Check a profile against other captures with 'iotlens match'.`,
		Example: `  iotlens signatures --device tplink-plug --ip 192.168.1.135 -o sig uclouvain-shhcp/TpLinkPlug/boot/
  iotlens signatures --device cam --mac 1c:61:b4:c3:0e:95 --min-support 2 --event boot -o sig boot1.pcap boot2.pcap boot3.pcap`,
		Args: minArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dev, err := signatureDevice(&f)
			if err != nil {
				return err
			}
			if f.out == "" {
				return usageError{errors.New("-o DIR is required: the folder for patterns.txt, patterns.json, profile.yaml and mud.json")}
			}
			if tolerance < 0 || minSupport < 0 || idle < 0 {
				return usageError{errors.New("--tolerance, --min-support and --idle cannot be negative")}
			}
			opts := f.pipelineOptions(cmd, args)
			opts.Analyses = []engine.Analysis{&signatures.Analysis{Device: dev, Idle: idle}}
			out, err := pipeline.Run(cmd.Context(), opts)
			if err != nil {
				return err
			}
			traces := out.Partial(signatures.Name).(*signatures.Partial).Traces()
			if event == "" {
				event = signatures.EventName(tracePaths(traces))
			}
			run := &signatures.Run{Device: dev, Event: event, Idle: idle, Traces: traces,
				Result: signatures.Extract(traces, signatures.Options{MinSupport: minSupport, Tolerance: tolerance})}
			_, skipped, err := run.WriteAll(f.out, mudURL)
			if err != nil {
				return err
			}
			reportSignatures(cmd, &f, run, skipped)
			return f.strictCheck(out)
		},
	}
	f.register(cmd, "folder for patterns.txt, patterns.json, profile.yaml and mud.json", nil)
	fl := cmd.Flags()
	fl.IntVar(&minSupport, "min-support", 0, "captures a pattern must occur in (default: all of them)")
	fl.Float64Var(&tolerance, "tolerance", 0.2, "relative difference allowed between packet and byte counts of one pattern")
	fl.DurationVar(&idle, "idle", signatures.DefaultIdle, "a flow silent this long ends; the next packet starts a new flow")
	fl.StringVar(&event, "event", "", `name of the event (default: the captures' folder when they share one, else "event")`)
	fl.StringVar(&mudURL, "mud-url", "", "mud-url of the MUD file (default: a placeholder under https://example.com/mud/)")
	return cmd
}

// signatureDevice reads --device, --ip and --mac: the device must have a
// name and at least one address.
func signatureDevice(f *commonFlags) (signatures.Device, error) {
	dev := signatures.Device{Name: f.device}
	if f.device == "" || f.ip == "" && f.mac == "" {
		return dev, usageError{errors.New("give the device as --device NAME with --ip IP and/or --mac MAC")}
	}
	if f.devices != "" {
		return dev, usageError{errors.New("--devices is not used by signatures: give --device, --ip and --mac")}
	}
	if f.ip != "" {
		for _, s := range strings.Split(f.ip, ",") {
			ip, err := netip.ParseAddr(strings.TrimSpace(s))
			if err != nil {
				return dev, usageError{fmt.Errorf("--ip %q: %w", s, err)}
			}
			dev.IPs = append(dev.IPs, ip)
		}
		f.ip = dev.IPs[0].String() // the inventory takes one address
	}
	if f.mac != "" {
		mac, err := decode.ParseMAC(f.mac)
		if err != nil {
			return dev, usageError{fmt.Errorf("--mac %q: %w", f.mac, err)}
		}
		dev.MAC, dev.HasMAC = mac, true
	}
	return dev, nil
}

func tracePaths(traces []*signatures.Trace) []string {
	out := make([]string, len(traces))
	for i, tr := range traces {
		out[i] = tr.File
	}
	return out
}

// reportSignatures says what was written, and warns about captures in
// which the device never appears (they cannot support any pattern).
func reportSignatures(cmd *cobra.Command, f *commonFlags, run *signatures.Run, skipped []string) {
	res := run.Result
	fmt.Fprintf(cmd.OutOrStdout(), "%d patterns recur in >= %d of %d captures (%d ordered steps of %q), %d rarer flow groups; written to %s\n",
		len(res.Patterns), res.MinSupport, res.Captures, len(res.Steps()), run.Event, len(res.Rare), filepath.Join(f.out, "{"+strings.Join(signatures.OutputFiles, ",")+"}"))
	if f.quiet {
		return
	}
	for _, tr := range run.Traces {
		if len(tr.Flows) == 0 {
			fmt.Fprintf(cmd.ErrOrStderr(), "iotlens: warning: %s: no traffic of %s (check --ip/--mac)\n", tr.File, run.Device.Name)
		}
	}
	for _, s := range skipped {
		fmt.Fprintf(cmd.ErrOrStderr(), "iotlens: note: mud.json leaves out %s\n", s)
	}
}
