package pipeline

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/iotlens/iotlens/internal/engine"
)

// progress prints warnings as they come, a live status line when stderr is a
// terminal, and one closing summary line.
type progress struct {
	w          io.Writer
	quiet, tty bool
	start      time.Time
	totalBytes int64
	doneBytes  int64
	frames     int64
	sizes      []int64
	lastDraw   time.Time
}

func newProgress(w io.Writer, files []engine.FileInfo, quiet bool) *progress {
	p := &progress{w: w, quiet: quiet, start: time.Now(), tty: isTerminal(w)}
	for _, f := range files {
		var n int64
		if st, err := os.Stat(f.Path); err == nil {
			n = st.Size()
		}
		p.sizes = append(p.sizes, n)
		p.totalBytes += n
	}
	return p
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

func (p *progress) warning(w engine.Warning) {
	if p.quiet {
		return
	}
	p.clearLine()
	fmt.Fprintf(p.w, "warning: %s\n", w)
}

func (p *progress) fileDone(done, total int, st engine.FileStats) {
	p.frames += st.Frames
	if done-1 < len(p.sizes) {
		p.doneBytes += p.sizes[done-1]
	}
	if p.quiet || !p.tty || (time.Since(p.lastDraw) < 200*time.Millisecond && done < total) {
		return
	}
	p.lastDraw = time.Now()
	el := time.Since(p.start).Seconds()
	rate := float64(p.frames) / max(el, 1e-9)
	eta := "?"
	if p.doneBytes > 0 {
		left := el * float64(p.totalBytes-p.doneBytes) / float64(p.doneBytes)
		eta = time.Duration(left * float64(time.Second)).Round(time.Second).String()
	}
	fmt.Fprintf(p.w, "\r\x1b[K%d/%d files  %d packets  %.0f packets/s  ETA %s", done, total, p.frames, rate, eta)
}

func (p *progress) clearLine() {
	if p.tty && !p.lastDraw.IsZero() {
		fmt.Fprint(p.w, "\r\x1b[K")
	}
}

func (p *progress) finish(r *engine.Result) {
	if p.quiet {
		return
	}
	p.clearLine()
	fmt.Fprintf(p.w, "iotlens: %d files, %d packets, %d bytes, %d warnings, %s\n",
		len(r.Files), r.Frames, r.Bytes, len(r.Warnings), Elapsed(r.Elapsed))
}
