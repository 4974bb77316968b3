package main

import (
	"fmt"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

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
	shard   string
	shards  []string    // hidden: set by `iotlens merge`
	enrich  enrichFlags // set by registerEnrichFlags on the commands that classify
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
	fl.StringVar(&f.shard, "shard", "", `process only shard K of N of the inputs ("K/N", 0-based; "auto" reads Slurm's
SLURM_ARRAY_TASK_ID/COUNT or Kubernetes' JOB_COMPLETION_INDEX with "auto/N") and write
the partial results to -o FILE; then "iotlens merge FILES -o OUT" writes the outputs`)
	fl.StringArrayVar(&f.shards, "from-shards", nil, "merge these partial-results files instead of reading captures")
	_ = fl.MarkHidden("from-shards")
}

func (f *commonFlags) pipelineOptions(cmd *cobra.Command, inputs []string) pipeline.Options {
	return pipeline.Options{Inputs: inputs, DevicesFile: f.devices, Device: f.device, MAC: f.mac, IP: f.ip,
		Workers: f.workers, Quiet: f.quiet, Stderr: cmd.ErrOrStderr(),
		Shard: f.shard, ShardOut: f.out, Command: cmd.Name(), Args: replayArgs(cmd, inputs), FromShards: f.shards}
}

// replayArgs is the command line `iotlens merge` replays: every flag the
// user set except the shard and output ones, then the inputs.
func replayArgs(cmd *cobra.Command, inputs []string) []string {
	var args []string
	cmd.Flags().Visit(func(fl *pflag.Flag) {
		switch fl.Name {
		case "shard", "output", "from-shards":
			return
		}
		if sv, ok := fl.Value.(pflag.SliceValue); ok {
			for _, v := range sv.GetSlice() {
				args = append(args, "--"+fl.Name+"="+v)
			}
			return
		}
		args = append(args, "--"+fl.Name+"="+fl.Value.String())
	})
	return append(args, inputs...)
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
