package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/iotlens/iotlens/internal/analysis/signatures"
	"github.com/iotlens/iotlens/internal/decode"
	"github.com/iotlens/iotlens/internal/engine"
	"github.com/iotlens/iotlens/internal/output"
	"github.com/iotlens/iotlens/internal/pipeline"
	"github.com/iotlens/iotlens/internal/profile"
)

func init() { register(newMatchCmd) }

func newMatchCmd() *cobra.Command {
	var f commonFlags
	var profilePath string
	var window, idle time.Duration
	var minSteps float64
	var aliases []string
	cmd := &cobra.Command{
		Use:   "match --profile profile.yaml [flags] CAPTURES...",
		Short: "Which policies and interactions of a firewall profile occur in captures, and what no policy allows",
		Long: `match reads a smart-home-firewall profile (profile.yaml, as written by 'iotlens signatures' or
by hand; !include references are resolved) and checks every flow of the profile's device
(device-info ipv4/ipv6/mac, or --ip/--mac) in the captures against its policies. It reports:

  interactions  per capture, each occurrence of an interaction: at least --min-steps of its
                steps seen in their order within --window (times of the first and last step),
                or the best partial match when there is none;
  policies      how many flows and packets each policy allowed, in how many captures;
  anomalies     the device's traffic no policy allows, grouped by direction, protocol, remote
                host, port and DNS/HTTP/DHCP detail, with counts.

Host aliases: gateway is learned from DHCP and the device's DNS server in each capture (or
--alias gateway=IP); phone needs --alias phone=IP; local/external split private and public
addresses. Fields a capture cannot show (tls, mqtt, coap details) are listed and not checked.`,
		Example: `  iotlens match --profile sig/profile.yaml uclouvain-shhcp/TpLinkPlug/
  iotlens match --profile profile.yaml --alias phone=192.168.1.110 --format json -o match.json captures/
  iotlens match --profile profile.yaml --ip 192.168.1.124 --min-steps 0.8 boot.pcap`,
		Args: minArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := f.checkFormat("table", "csv", "json"); err != nil {
				return err
			}
			if profilePath == "" {
				return usageError{errors.New("--profile FILE is required")}
			}
			if minSteps <= 0 || minSteps > 1 || window <= 0 || idle <= 0 {
				return usageError{errors.New("--min-steps must be in (0, 1], --window and --idle above zero")}
			}
			mopt, err := matchOptions(&f, aliases)
			if err != nil {
				return err
			}
			prof, err := profile.LoadResolved(profilePath)
			if err != nil {
				return err
			}
			mopt.Window, mopt.MinSteps, mopt.Idle = window, minSteps, idle
			m, err := signatures.Compile(prof, mopt)
			if err != nil {
				return fmt.Errorf("%s: %w", profilePath, err)
			}
			opts := f.pipelineOptions(cmd, args)
			if opts.Device == "" && (opts.IP != "" || opts.MAC != "") {
				opts.Device = m.Device().Name
			}
			opts.Analyses = []engine.Analysis{&signatures.MatchAnalysis{M: m}}
			out, err := pipeline.Run(cmd.Context(), opts)
			if err != nil {
				return err
			}
			rep := out.Partial(signatures.MatchName).(*signatures.MatchPartial).Report()
			if err := writeMatch(cmd.OutOrStdout(), f.out, f.format, rep); err != nil {
				return err
			}
			if !f.quiet {
				fmt.Fprintln(cmd.ErrOrStderr(), "iotlens: match: "+rep.Summary())
				if len(rep.Unchecked) > 0 {
					fmt.Fprintf(cmd.ErrOrStderr(), "iotlens: note: fields not checked (not visible in captures): %s\n", strings.Join(rep.Unchecked, ", "))
				}
			}
			return f.strictCheck(out)
		},
	}
	f.register(cmd, "write to this file instead of standard output", []string{"table", "csv", "json"})
	fl := cmd.Flags()
	fl.StringVar(&profilePath, "profile", "", "smart-home-firewall profile.yaml to match")
	fl.DurationVar(&window, "window", signatures.DefaultWindow, "time from the first to the last step of one interaction occurrence")
	fl.Float64Var(&minSteps, "min-steps", signatures.DefaultMinSteps, "share of an interaction's steps that must occur, in order, for a detection (0-1]")
	fl.DurationVar(&idle, "idle", signatures.DefaultIdle, "a flow silent this long ends")
	fl.StringArrayVar(&aliases, "alias", nil, "host alias address, NAME=IP (repeatable): phone=192.168.1.110, gateway=192.168.1.1")
	return cmd
}

// matchOptions reads --ip/--mac (overriding device-info) and --alias.
func matchOptions(f *commonFlags, aliases []string) (signatures.MatchOptions, error) {
	var o signatures.MatchOptions
	if f.devices != "" {
		return o, usageError{errors.New("--devices is not used by match: the profile names the device (override with --ip/--mac)")}
	}
	if f.ip != "" {
		ip, err := netip.ParseAddr(f.ip)
		if err != nil {
			return o, usageError{fmt.Errorf("--ip %q: %w", f.ip, err)}
		}
		o.IPs = []netip.Addr{ip}
	}
	if f.mac != "" {
		mac, err := decode.ParseMAC(f.mac)
		if err != nil {
			return o, usageError{fmt.Errorf("--mac %q: %w", f.mac, err)}
		}
		o.MAC = &mac
	}
	for _, a := range aliases {
		name, addr, ok := strings.Cut(a, "=")
		ip, err := netip.ParseAddr(addr)
		if !ok || name == "" || err != nil {
			return o, usageError{fmt.Errorf("--alias %q: expected NAME=IP", a)}
		}
		if o.Aliases == nil {
			o.Aliases = map[string][]netip.Addr{}
		}
		o.Aliases[name] = append(o.Aliases[name], ip)
	}
	return o, nil
}

func writeMatch(stdout io.Writer, path, format string, rep *signatures.MatchReport) error {
	render := func(w io.Writer) error {
		switch format {
		case "csv":
			cw := output.NewCSV(w, false)
			if err := cw.Write(signatures.CSVHeader); err != nil {
				return err
			}
			for _, rec := range rep.CSVRecords() {
				if err := cw.Write(rec); err != nil {
					return err
				}
			}
			return cw.Flush()
		case "json":
			return output.JSON(w, rep)
		}
		return matchTables(w, rep)
	}
	if path == "" {
		return render(stdout)
	}
	return output.WriteFile(path, func(w *bufio.Writer) error { return render(w) })
}

func matchTables(w io.Writer, rep *signatures.MatchReport) error {
	titles, headers, rows := rep.Tables()
	for i := range titles {
		if i > 0 {
			if _, err := fmt.Fprintln(w); err != nil {
				return err
			}
		}
		if _, err := fmt.Fprintf(w, "%s (%d)\n", titles[i], len(rows[i])); err != nil {
			return err
		}
		if err := output.Table(w, headers[i], rows[i], 60); err != nil {
			return err
		}
	}
	return nil
}
