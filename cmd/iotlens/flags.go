package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/iotlens/iotlens/internal/pipeline"
)

// commonFlags are the flags shared by every analysis command, with the same
// names everywhere.
type commonFlags struct {
	out     string
	devices string
	device  string
	mac     string
	ip      string
	format  string
	workers int
	strict  bool
	quiet   bool
}

func (f *commonFlags) register(cmd *cobra.Command, outHelp string, formats []string) {
	fl := cmd.Flags()
	fl.StringVarP(&f.out, "output", "o", "", outHelp)
	fl.StringVar(&f.devices, "devices", "", `device inventory: "Name,MAC" lines, MADEA Device_MAC_Name_Mapping.csv,
UCLouvain devices.yaml, IoT Sentinel _iotdevice-mac.txt, or a CSV with name/mac/ip columns`)
	fl.StringVar(&f.device, "device", "", "analyse one device by name (with --mac and/or --ip)")
	fl.StringVar(&f.mac, "mac", "", "MAC address of --device")
	fl.StringVar(&f.ip, "ip", "", "IP address of --device")
	if len(formats) > 0 {
		fl.StringVar(&f.format, "format", formats[0], fmt.Sprintf("output format: %v", formats))
	}
	fl.IntVarP(&f.workers, "jobs", "j", 0, "files processed in parallel (default: one per CPU)")
	fl.BoolVar(&f.strict, "strict", false, "exit with code 3 when any capture was damaged or had warnings")
	fl.BoolVarP(&f.quiet, "quiet", "q", false, "no progress, warnings or closing line on stderr")
}

func (f *commonFlags) pipelineOptions(cmd *cobra.Command, inputs []string) pipeline.Options {
	return pipeline.Options{Inputs: inputs, DevicesFile: f.devices, Device: f.device, MAC: f.mac, IP: f.ip,
		Workers: f.workers, Quiet: f.quiet, Stderr: cmd.ErrOrStderr()}
}

func (f *commonFlags) checkFormat(allowed ...string) error {
	for _, a := range allowed {
		if f.format == a {
			return nil
		}
	}
	return usageError{fmt.Errorf("--format %q: choose one of %v", f.format, allowed)}
}

// strictCheck turns warnings into exit code 3 when --strict is set.
func (f *commonFlags) strictCheck(out *pipeline.Outcome) error {
	if f.strict && len(out.Result.Warnings) > 0 {
		return warningsError{len(out.Result.Warnings)}
	}
	return nil
}
