package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/iotlens/iotlens/internal/pipeline"
)

func init() { register(newMergeCmd) }

func newMergeCmd() *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   "merge PARTIALS... -o OUT",
		Short: "Merge the partial results of sharded runs into the final outputs",
		Long: `Large studies run one iotlens per shard (a Slurm job array, a Kubernetes Indexed Job):

  iotlens destinations --shard 2/4 -o part-2.iotl --devices devices.csv captures/

Each shard reads a contiguous, size-balanced block of the ordered capture list and writes its
partial results. merge folds them in shard order, exactly as one machine folds files, and then
writes the same outputs the command would have written on one machine. The command and its
flags are recorded in the partial files; every shard of the run is needed.`,
		Example: `  iotlens merge part-*.iotl -o out/destinations
  iotlens merge results/shard-0.iotl results/shard-1.iotl -o summary.csv`,
		Args: minArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return usageError{fmt.Errorf("-o OUT is required")}
			}
			meta, err := pipeline.ReadShardMeta(args[0])
			if err != nil {
				return err
			}
			replay := append([]string{meta.Command}, meta.Args...)
			for _, a := range args {
				replay = append(replay, "--from-shards="+a)
			}
			replay = append(replay, "-o", out)
			root := newRootCmd()
			root.SetArgs(replay)
			root.SetOut(cmd.OutOrStdout())
			root.SetErr(cmd.ErrOrStderr())
			return root.ExecuteContext(cmd.Context())
		},
	}
	cmd.Flags().StringVarP(&out, "output", "o", "", "where the command writes its outputs (file or folder, as for the command)")
	return cmd
}
