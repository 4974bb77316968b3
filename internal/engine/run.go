package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/iotlens/iotlens/internal/capture"
	"github.com/iotlens/iotlens/internal/decode"
	"github.com/iotlens/iotlens/internal/flow"
	"github.com/iotlens/iotlens/internal/inventory"
	"github.com/iotlens/iotlens/internal/proto"
)

// Warning is a problem that did not stop the run: a truncated or damaged
// capture (every good frame before the damage was kept), or a malformed
// packet. It always names the file, and the byte offset when there is one.
type Warning struct {
	File   string
	Offset int64 // -1 when not about a place in the file
	Kind   string
	Msg    string
}

func (w Warning) String() string {
	if strings.HasPrefix(w.Msg, w.File+":") {
		return w.Msg // the message already names the file
	}
	if w.Offset >= 0 {
		return fmt.Sprintf("%s: offset %d: %s", w.File, w.Offset, w.Msg)
	}
	return fmt.Sprintf("%s: %s", w.File, w.Msg)
}

// Warning kinds.
const (
	WarnTruncated = "truncated"
	WarnCorrupt   = "corrupt"
	WarnOpen      = "unreadable"
	WarnMalformed = "malformed-packets"
)

// FileStats are the per-file counters of a run.
type FileStats struct {
	File      string
	Format    string
	Frames    int64
	WireBytes int64
	First     int64 // Unix ns of the first and last frame (0 when no frames)
	Last      int64
	Malformed int64
	Decode    decode.Stats
}

// Config is what a command hands the engine.
type Config struct {
	Files    []FileInfo
	Analyses []Analysis
	Workers  int // <= 0: one per CPU
	// OnWarning, if set, sees every warning in input order as files finish.
	OnWarning func(Warning)
	// OnFileDone, if set, sees each file's stats in input order (progress).
	OnFileDone func(done, total int, st FileStats)
}

// Result is a finished run.
type Result struct {
	Partials []Partial // merged partial per analysis, in Config.Analyses order
	Files    []FileStats
	Warnings []Warning
	Frames   int64
	Bytes    int64
	Elapsed  time.Duration
}

// Partial returns the merged partial of the analysis with the given name.
func (r *Result) Partial(name string, cfg *Config) Partial {
	for i, a := range cfg.Analyses {
		if a.Name() == name {
			return r.Partials[i]
		}
	}
	return nil
}

type fileResult struct {
	partials []Partial
	stats    FileStats
	warnings []Warning
}

// Run processes every file and merges the partials in input order. It stops
// early only when ctx is cancelled.
func Run(ctx context.Context, cfg Config) (*Result, error) {
	start := time.Now()
	workers := cfg.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	var needs Needs
	for _, a := range cfg.Analyses {
		needs |= a.Needs()
	}
	jobs := make(chan int)
	results := make([]chan fileResult, len(cfg.Files))
	for i := range results {
		results[i] = make(chan fileResult, 1)
	}
	// Bound the partials alive at once: a worker may run at most `window`
	// files ahead of the merge.
	window := make(chan struct{}, 2*workers)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				results[i] <- processFile(ctx, &cfg.Files[i], cfg.Analyses, needs)
			}
		}()
	}
	go func() {
		defer close(jobs)
		for i := range cfg.Files {
			select {
			case window <- struct{}{}:
			case <-ctx.Done():
				return
			}
			select {
			case jobs <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	res := &Result{}
	for i := range cfg.Files {
		var fr fileResult
		select {
		case fr = <-results[i]:
		case <-ctx.Done():
			wg.Wait()
			return nil, ctx.Err()
		}
		<-window
		mergeFile(res, fr, &cfg)
		if cfg.OnFileDone != nil {
			cfg.OnFileDone(i+1, len(cfg.Files), fr.stats)
		}
	}
	wg.Wait()
	if len(cfg.Files) == 0 {
		for _, a := range cfg.Analyses {
			res.Partials = append(res.Partials, a.NewPartial(FileInfo{Index: -1}))
		}
	}
	for _, p := range res.Partials {
		if f, ok := p.(Finisher); ok {
			f.Finish()
		}
	}
	res.Elapsed = time.Since(start)
	return res, ctx.Err()
}

func mergeFile(res *Result, fr fileResult, cfg *Config) {
	if res.Partials == nil {
		res.Partials = fr.partials
	} else {
		for j, p := range fr.partials {
			res.Partials[j].Merge(p)
		}
	}
	res.Files = append(res.Files, fr.stats)
	res.Frames += fr.stats.Frames
	res.Bytes += fr.stats.WireBytes
	for _, w := range fr.warnings {
		res.Warnings = append(res.Warnings, w)
		if cfg.OnWarning != nil {
			cfg.OnWarning(w)
		}
	}
}

// processFile is one worker's pass over one file.
func processFile(ctx context.Context, fi *FileInfo, analyses []Analysis, needs Needs) fileResult {
	fr := fileResult{stats: FileStats{File: fi.Path}}
	for _, a := range analyses {
		fr.partials = append(fr.partials, a.NewPartial(*fi))
	}
	rd, err := capture.Open(fi.Path)
	if errors.Is(err, capture.ErrEmptyFile) {
		return fr // an empty file is an empty capture: nothing to report
	}
	if err != nil {
		fr.warnings = append(fr.warnings, openWarning(fi.Path, err))
		return fr
	}
	defer rd.Close()
	fr.stats.Format = string(rd.Format())
	if c := rd.Compression(); c != "" {
		fr.stats.Format += "+" + c
	}
	p := newPass(fi, fr.partials, needs)
	for n := 0; ; n++ {
		if n&0xfff == 0 && ctx.Err() != nil {
			break
		}
		f, err := rd.Next()
		if err != nil {
			if !errors.Is(err, io.EOF) {
				fr.warnings = append(fr.warnings, readWarning(fi.Path, err))
			}
			break
		}
		p.frame(f, &fr.stats)
	}
	p.finish(&fr.stats)
	if fr.stats.Malformed > 0 {
		fr.warnings = append(fr.warnings, Warning{File: fi.Path, Offset: -1, Kind: WarnMalformed,
			Msg: fmt.Sprintf("%d malformed packets (counted, headers decoded as far as possible)", fr.stats.Malformed)})
	}
	return fr
}

// openWarning reports a capture that could not be opened: cut inside its
// header (truncated), or unreadable.
func openWarning(path string, err error) Warning {
	var ce *capture.Error
	if errors.As(err, &ce) {
		return readWarning(path, err)
	}
	return Warning{File: path, Offset: -1, Kind: WarnOpen, Msg: err.Error()}
}

func readWarning(path string, err error) Warning {
	var ce *capture.Error
	if errors.As(err, &ce) {
		kind := WarnCorrupt
		msg := ce.Msg + "; frames before it were kept"
		if ce.Truncated {
			kind = WarnTruncated
			msg = "file ends in the middle of a packet (" + ce.Msg + "); every complete packet before it was kept"
		}
		return Warning{File: path, Offset: ce.Offset, Kind: kind, Msg: msg}
	}
	return Warning{File: path, Offset: -1, Kind: WarnCorrupt, Msg: err.Error()}
}

// pass is the per-file packet loop state.
type pass struct {
	fi       *FileInfo
	partials []Partial
	dec      *decode.Decoder
	dis      *dissector
	pkt      decode.Packet
	ev       Event
}

func newPass(fi *FileInfo, partials []Partial, needs Needs) *pass {
	return &pass{fi: fi, partials: partials, dec: decode.NewDecoder(decode.DefaultOptions()), dis: newDissector(needs)}
}

func (p *pass) frame(f *capture.Frame, st *FileStats) {
	st.Frames++
	st.WireBytes += int64(f.WireLen)
	if st.First == 0 || f.Time < st.First {
		st.First = f.Time
	}
	if f.Time > st.Last {
		st.Last = f.Time
	}
	if err := p.dec.Decode(f, &p.pkt); err != nil {
		st.Malformed++
	}
	ev := &p.ev
	ev.reset()
	ev.File, ev.Frame, ev.Packet = p.fi, f, &p.pkt
	ev.Proto = proto.Classify(&p.pkt)
	ev.SrcLocal, ev.DstLocal = true, true
	if p.pkt.IsIP() {
		ev.SrcLocal = inventory.IsLocal(p.pkt.SrcIP)
		ev.DstLocal = inventory.IsLocal(p.pkt.DstIP) || (p.pkt.HasDstMAC && p.pkt.DstMAC.IsGroup())
		ev.Flow, ev.FromLo, ev.HasFlow = flow.KeyOf(&p.pkt)
	}
	p.dis.run(ev)
	for _, part := range p.partials {
		part.Packet(ev)
	}
}

func (p *pass) finish(st *FileStats) {
	p.dis.flush()
	st.Decode = p.dec.Stats()
}
