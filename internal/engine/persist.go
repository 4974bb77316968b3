package engine

import (
	"bufio"
	"encoding/gob"
	"errors"
	"fmt"
	"io"
)

// A shard file holds one shard's merged partials so that `iotlens merge`
// can finish the run elsewhere: a magic line, the ShardMeta, the run's
// counters, then each analysis' partial, all gob-encoded. Partials are
// encoded as their exported state; types with unexported state implement
// gob.GobEncoder.
const shardMagic = "IOTLENS-PARTIAL 1\n"

// ShardMeta says which command made a shard file and over which files.
type ShardMeta struct {
	Command  string   // e.g. "destinations"
	Args     []string // the command line after the command name
	Shard    int      // 0-based
	Shards   int
	Files    []FileInfo // this shard's files, in order
	Analyses []string
}

type savedResult struct {
	Files    []FileStats
	Warnings []Warning
	Frames   int64
	Bytes    int64
}

// SaveShard writes a shard file.
func SaveShard(w io.Writer, meta ShardMeta, cfg *Config, res *Result) error {
	bw := bufio.NewWriter(w)
	if _, err := bw.WriteString(shardMagic); err != nil {
		return err
	}
	enc := gob.NewEncoder(bw)
	meta.Analyses = nil
	for _, a := range cfg.Analyses {
		meta.Analyses = append(meta.Analyses, a.Name())
	}
	if err := enc.Encode(meta); err != nil {
		return err
	}
	if err := enc.Encode(savedResult{res.Files, res.Warnings, res.Frames, res.Bytes}); err != nil {
		return err
	}
	for i, p := range res.Partials {
		if err := enc.Encode(p); err != nil {
			return fmt.Errorf("saving the %s partial: %w", cfg.Analyses[i].Name(), err)
		}
	}
	return bw.Flush()
}

// LoadShard reads a shard file written with the same analyses.
func LoadShard(r io.Reader, name string, analyses []Analysis) (ShardMeta, *Result, error) {
	var meta ShardMeta
	br := bufio.NewReader(r)
	magic := make([]byte, len(shardMagic))
	if _, err := io.ReadFull(br, magic); err != nil || string(magic) != shardMagic {
		return meta, nil, fmt.Errorf("%s: not an iotlens partial-results file (written with --shard)", name)
	}
	dec := gob.NewDecoder(br)
	if err := dec.Decode(&meta); err != nil {
		return meta, nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(meta.Analyses) != len(analyses) {
		return meta, nil, fmt.Errorf("%s: made by `iotlens %s` with analyses %v, which this merge does not run", name, meta.Command, meta.Analyses)
	}
	var saved savedResult
	if err := dec.Decode(&saved); err != nil {
		return meta, nil, fmt.Errorf("%s: %w", name, err)
	}
	res := &Result{Files: saved.Files, Warnings: saved.Warnings, Frames: saved.Frames, Bytes: saved.Bytes}
	for i, a := range analyses {
		if meta.Analyses[i] != a.Name() {
			return meta, nil, fmt.Errorf("%s: analysis %d is %s, want %s", name, i, meta.Analyses[i], a.Name())
		}
		p := a.NewPartial(FileInfo{Index: -1})
		if err := dec.Decode(p); err != nil {
			return meta, nil, fmt.Errorf("%s: the %s partial: %w", name, a.Name(), err)
		}
		if f, ok := p.(Finisher); ok {
			f.Finish()
		}
		res.Partials = append(res.Partials, p)
	}
	return meta, res, nil
}

// MergeShards folds shard results in shard order, exactly as the engine
// folds files: the outcome equals a single run over all the files.
func MergeShards(metas []ShardMeta, results []*Result) (*Result, error) {
	if len(results) == 0 {
		return nil, errors.New("no partial-results files to merge")
	}
	n := metas[0].Shards
	if len(results) != n {
		return nil, fmt.Errorf("%d partial-results files for %d shards: every shard 0..%d is needed", len(results), n, n-1)
	}
	for i, m := range metas {
		if m.Shard != i || m.Shards != n || m.Command != metas[0].Command {
			return nil, fmt.Errorf("shard files do not form one run: file %d is shard %d/%d of %q", i, m.Shard, m.Shards, m.Command)
		}
	}
	out := results[0]
	for _, r := range results[1:] {
		for i, p := range r.Partials {
			out.Partials[i].Merge(p)
		}
		out.Files = append(out.Files, r.Files...)
		out.Warnings = append(out.Warnings, r.Warnings...)
		out.Frames += r.Frames
		out.Bytes += r.Bytes
		out.Elapsed += r.Elapsed
	}
	return out, nil
}

// SelectShard returns shard k of n: a contiguous block of the ordered file
// list, blocks balanced by file size. Contiguity keeps each device's files
// in time order across shards; MergeShards restores the exact single-run
// result because partials are merged in file order.
func SelectShard(files []FileInfo, sizes []int64, k, n int) []FileInfo {
	var total int64
	for _, s := range sizes {
		total += s
	}
	var out []FileInfo
	var before int64
	for i, f := range files {
		mid := before + sizes[i]/2 // a file belongs to the shard holding its middle byte
		shard := int(0)
		if total > 0 {
			shard = int(mid * int64(n) / total)
		} else {
			shard = i * n / max(len(files), 1)
		}
		if shard >= n {
			shard = n - 1
		}
		if shard == k {
			out = append(out, f)
		}
		before += sizes[i]
	}
	return out
}

// PeekShard reads only the ShardMeta of a shard file (which command, which
// arguments, which shard), so `iotlens merge` knows how to finish the run.
func PeekShard(r io.Reader, name string) (ShardMeta, error) {
	var meta ShardMeta
	br := bufio.NewReader(r)
	magic := make([]byte, len(shardMagic))
	if _, err := io.ReadFull(br, magic); err != nil || string(magic) != shardMagic {
		return meta, fmt.Errorf("%s: not an iotlens partial-results file (written with --shard)", name)
	}
	if err := gob.NewDecoder(br).Decode(&meta); err != nil {
		return meta, fmt.Errorf("%s: %w", name, err)
	}
	return meta, nil
}
