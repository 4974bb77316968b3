package pipeline

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/iotlens/iotlens/internal/engine"
	"github.com/iotlens/iotlens/internal/output"
)

// ParseShard reads "K/N" (0-based K), "auto" or "auto/N". auto takes the
// shard from Slurm job arrays (SLURM_ARRAY_TASK_ID - SLURM_ARRAY_TASK_MIN of
// SLURM_ARRAY_TASK_COUNT) or a Kubernetes Indexed Job (JOB_COMPLETION_INDEX,
// with N from "auto/N" or IOTLENS_SHARDS). "" means no sharding (n = 0).
func ParseShard(s string) (k, n int, err error) {
	if s == "" {
		return 0, 0, nil
	}
	if s == "auto" || strings.HasPrefix(s, "auto/") {
		return autoShard(strings.TrimPrefix(strings.TrimPrefix(s, "auto"), "/"))
	}
	ks, ns, ok := strings.Cut(s, "/")
	k, err1 := strconv.Atoi(ks)
	n, err2 := strconv.Atoi(ns)
	if !ok || err1 != nil || err2 != nil || n < 1 || k < 0 || k >= n {
		return 0, 0, fmt.Errorf("--shard %q: want K/N with 0 <= K < N (e.g. 0/4), auto or auto/N", s)
	}
	return k, n, nil
}

func autoShard(count string) (int, int, error) {
	env := func(name string) (int, bool) {
		v, err := strconv.Atoi(os.Getenv(name))
		return v, err == nil
	}
	if id, ok := env("SLURM_ARRAY_TASK_ID"); ok {
		n, okN := env("SLURM_ARRAY_TASK_COUNT")
		base, _ := env("SLURM_ARRAY_TASK_MIN")
		if !okN {
			return 0, 0, errors.New("--shard auto: SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not")
		}
		return ParseShard(fmt.Sprintf("%d/%d", id-base, n))
	}
	if idx, ok := env("JOB_COMPLETION_INDEX"); ok {
		if count == "" {
			count = os.Getenv("IOTLENS_SHARDS")
		}
		if count == "" {
			return 0, 0, errors.New("--shard auto: JOB_COMPLETION_INDEX is set; give the shard count as --shard auto/N or IOTLENS_SHARDS")
		}
		return ParseShard(fmt.Sprintf("%d/%s", idx, count))
	}
	return 0, 0, errors.New("--shard auto: no SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX in the environment")
}

func fileSizes(files []engine.FileInfo) []int64 {
	sizes := make([]int64, len(files))
	for i, f := range files {
		if st, err := os.Stat(f.Path); err == nil {
			sizes[i] = st.Size()
		}
	}
	return sizes
}

func writeShard(path string, meta engine.ShardMeta, cfg *engine.Config, res *engine.Result) error {
	if path == "" {
		return errors.New("--shard needs -o FILE for the partial results")
	}
	return output.WriteFile(path, func(w *bufio.Writer) error { return engine.SaveShard(w, meta, cfg, res) })
}

// mergeShards loads the shard files, orders them by shard number and folds
// them; it returns the merged result and every shard's files in order.
func mergeShards(o Options, cfg *engine.Config) (*engine.Result, []engine.FileInfo, error) {
	type loaded struct {
		meta engine.ShardMeta
		res  *engine.Result
	}
	var all []loaded
	for _, path := range o.FromShards {
		f, err := os.Open(path)
		if err != nil {
			return nil, nil, err
		}
		meta, res, err := engine.LoadShard(f, path, cfg.Analyses)
		f.Close()
		if err != nil {
			return nil, nil, err
		}
		all = append(all, loaded{meta, res})
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].meta.Shard < all[j].meta.Shard })
	var metas []engine.ShardMeta
	var results []*engine.Result
	var files []engine.FileInfo
	for _, l := range all {
		metas = append(metas, l.meta)
		results = append(results, l.res)
		files = append(files, l.meta.Files...)
	}
	res, err := engine.MergeShards(metas, results)
	if err != nil {
		return nil, nil, err
	}
	if !o.Quiet {
		fmt.Fprintf(o.Stderr, "iotlens: merged %d shards: %d files, %d packets, %d warnings\n", len(all), len(res.Files), res.Frames, len(res.Warnings))
	}
	return res, files, nil
}

// ReadShardMeta returns the command and arguments recorded in a shard file.
func ReadShardMeta(path string) (engine.ShardMeta, error) {
	f, err := os.Open(path)
	if err != nil {
		return engine.ShardMeta{}, err
	}
	defer f.Close()
	return engine.PeekShard(f, path)
}
