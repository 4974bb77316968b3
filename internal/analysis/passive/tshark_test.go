package passive

import (
	"context"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/iotlens/iotlens/internal/testutil/tshark"

	"github.com/iotlens/iotlens/internal/engine"
	"github.com/iotlens/iotlens/internal/testutil"
)

// tsharkFrames returns the frame numbers matching a display filter.
func tsharkFrames(t *testing.T, file, filter string) map[int]bool {
	t.Helper()
	frames := map[int]bool{}
	for _, row := range tshark.Fields(t, file, filter, "frame.number") {
		if n, err := strconv.Atoi(strings.TrimSpace(row[0])); err == nil {
			frames[n] = true
		}
	}
	return frames
}

// verdictRecorder is an analysis that keeps the filter verdict of every
// frame of one file.
type verdictRecorder struct {
	filter Filter
	got    map[int]Verdict
}

func (r *verdictRecorder) Name() string        { return "verdicts" }
func (r *verdictRecorder) Needs() engine.Needs { return 0 }
func (r *verdictRecorder) NewPartial(engine.FileInfo) engine.Partial {
	return &verdictPartial{r: r, judge: NewJudge(&r.filter)}
}

type verdictPartial struct {
	r     *verdictRecorder
	judge *Judge
}

func (p *verdictPartial) Packet(ev *engine.Event) { p.r.got[ev.Frame.Number] = p.judge.Judge(ev) }
func (p *verdictPartial) Merge(engine.Partial)    {}

// TestFilteredPresetMatchesTshark: on every MADEA capture the frames the
// seed's "filtered" preset keeps are exactly those tshark 4.0 keeps with
// the seed's display filter (TCP sequence analysis included), and the
// frames iotlens calls DNS are tshark's `dns`.
func TestFilteredPresetMatchesTshark(t *testing.T) {
	tshark.Require(t)
	files, _ := filepath.Glob(filepath.Join(testutil.FixturesDir(t), "madea", "*.cap"))
	if len(files) == 0 {
		t.Fatal("no MADEA captures")
	}
	const base = `!(tcp.analysis.retransmission || tcp.analysis.ack_lost_segment || tcp.analysis.duplicate_ack) && (ip || ipv6) && !(dhcp || dhcpv6 || icmp || icmpv6 || igmp)`
	for _, file := range files {
		rec := &verdictRecorder{filter: Filter{Preset: PresetFilteredWithDNS}, got: map[int]Verdict{}}
		_, err := engine.Run(context.Background(), engine.Config{Files: []engine.FileInfo{{Path: file}}, Analyses: []engine.Analysis{rec}, Workers: 1})
		if err != nil {
			t.Fatal(err)
		}
		keep, dns := tsharkFrames(t, file, base), tsharkFrames(t, file, "dns")
		var baseDiff, dnsDiff []int
		for n, v := range rec.got {
			if v.Base != keep[n] {
				baseDiff = append(baseDiff, n)
			}
			if v.DNS != dns[n] {
				dnsDiff = append(dnsDiff, n)
			}
		}
		if len(baseDiff) > 0 || len(dnsDiff) > 0 {
			t.Errorf("%s: %d frames judged differently from tshark's filter (e.g. %v), %d DNS differences (e.g. %v)",
				filepath.Base(file), len(baseDiff), first(baseDiff), len(dnsDiff), first(dnsDiff))
		}
	}
}

func first(s []int) []int {
	if len(s) > 5 {
		return s[:5]
	}
	return s
}
