package main

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/iotlens/iotlens/internal/oui"
)

func init() { register(newVersionCmd) }

func newVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version, Go version and embedded data versions",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			version, commit := "(devel)", ""
			if bi, ok := debug.ReadBuildInfo(); ok {
				if bi.Main.Version != "" {
					version = bi.Main.Version
				}
				for _, s := range bi.Settings {
					if s.Key == "vcs.revision" {
						commit = s.Value
					}
				}
			}
			date, n := oui.Registry()
			fmt.Fprintf(cmd.OutOrStdout(), "iotlens %s %s\n%s %s/%s\nIEEE MAC registry: %d entries (%s)\n",
				version, commit, runtime.Version(), runtime.GOOS, runtime.GOARCH, n, date)
			return nil
		},
	}
}
