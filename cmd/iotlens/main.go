// Command iotlens turns packet captures of smart-home and IoT devices into
// the answers IoT measurement studies publish: per-device traffic, where each
// device sends data, how chatty it is when idle, and which backends it uses.
//
// This file and the cmd_*.go files are thin: flags in, a call into
// internal/, results out. Exit codes: 0 ok, 1 error, 2 usage, 3 finished
// with warnings under --strict.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"
)

// Exit codes, documented in the README and in `iotlens --help`.
const (
	exitOK       = 0
	exitError    = 1
	exitUsage    = 2
	exitWarnings = 3
)

// usageError marks errors in how the command was called (exit code 2).
type usageError struct{ error }

// warningsError marks a run that finished with warnings under --strict.
type warningsError struct{ n int }

func (w warningsError) Error() string {
	return fmt.Sprintf("%d warnings and --strict is set", w.n)
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	root := newRootCmd()
	err := root.ExecuteContext(ctx)
	os.Exit(exitCode(err))
}

// exitCode reports err on stderr and maps it to the process exit code.
func exitCode(err error) int {
	code := exitCodeOf(err)
	if err != nil {
		fmt.Fprintln(os.Stderr, "iotlens:", err)
	}
	if code == exitUsage {
		fmt.Fprintln(os.Stderr, "Run 'iotlens --help' or 'iotlens COMMAND --help' for usage.")
	}
	return code
}

func exitCodeOf(err error) int {
	var ue usageError
	var we warningsError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &we):
		return exitWarnings
	case errors.As(err, &ue):
		return exitUsage
	}
	return exitError
}

func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:   "iotlens",
		Short: "Fast analysis of smart-home / IoT packet captures",
		Long: `iotlens reads packet captures of smart-home and IoT devices (pcap, pcapng, gzip or
zstd compressed, whole folders or file lists) in one fast pass and tells you, per device,
how much it talks, to whom and over which protocols.

Devices come from an inventory (--devices: a "Name,MAC" list, the MADEA
Device_MAC_Name_Mapping.csv, a UCLouvain devices.yaml, ...), from --device/--mac/--ip,
from file names like 2025-07-01_12.30.00_192.168.1.50.pcap, or are discovered from
the traffic itself (ARP, DHCP, mDNS, SSDP, MAC vendor).

Exit codes: 0 ok, 1 error, 2 usage error, 3 finished with warnings under --strict.`,
		Example: `  # Try it on the built-in sample: writes a report folder
  iotlens demo -o out

  # Per-device traffic summary of a whole-LAN capture folder
  iotlens summary --devices Device_MAC_Name_Mapping.csv captures/

  # Same, as CSV, failing (exit 3) if any capture is damaged
  iotlens summary --format csv --strict -o summary.csv captures/`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return usageError{err} })
	addProfiling(root)
	for _, newCmd := range commands {
		root.AddCommand(newCmd())
	}
	return root
}

// commands holds every subcommand's constructor. Each cmd_<verb>.go file
// registers its own in an init function, so adding a command touches no
// other file.
var commands []func() *cobra.Command

func register(newCmd func() *cobra.Command) { commands = append(commands, newCmd) }

// exactArgs/minArgs wrap cobra's validators so that wrong argument counts
// exit with the usage code.
func minArgs(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := cobra.MinimumNArgs(n)(cmd, args); err != nil {
			return usageError{err}
		}
		return nil
	}
}

func noArgs(cmd *cobra.Command, args []string) error {
	if err := cobra.NoArgs(cmd, args); err != nil {
		return usageError{err}
	}
	return nil
}
