package report

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"strings"
	"testing"
)

func TestStackedBarsGeometry(t *testing.T) {
	stacks := []stack{
		{Name: "First-party", Class: "p-first", Values: []int64{300, 0}},
		{Name: "Third-party", Class: "p-third", Values: []int64{100, 400}},
	}
	c, ok := stackedBars("By party and month", "", []string{"Jun 2025", "Jul 2025"}, stacks, humanBytes)
	if !ok {
		t.Fatal("nothing drawn")
	}
	// 400 is the largest total; the axis tops at 400 (step 100).
	if len(c.Bars) != 3 {
		t.Fatalf("%d bars, want 3 (zero values are not drawn)", len(c.Bars))
	}
	plotH := c.Height - plotTop - axisBottom
	base := plotTop + plotH
	first, third, july := c.Bars[0], c.Bars[1], c.Bars[2]
	if first.H != round1(plotH*300/400) || first.Y != round1(base-plotH*300/400) {
		t.Errorf("first-party bar %+v", first)
	}
	if third.Y+third.H != first.Y { // stacked on top
		t.Errorf("third-party bar does not sit on the first-party bar: %+v on %+v", third, first)
	}
	if july.H != round1(plotH) || july.X <= first.X {
		t.Errorf("July bar %+v", july)
	}
	if first.Tip != "Jun 2025 · First-party: 300 B (75.0%)" {
		t.Errorf("tooltip %q", first.Tip)
	}
	if len(c.Legend) != 2 || c.Legend[0].Class != "p-first" {
		t.Errorf("legend %+v", c.Legend)
	}
	wantTicks := []string{"0 B", "100 B", "200 B", "300 B", "400 B"}
	var ticks []string
	for _, tx := range c.Texts {
		if tx.Anchor == "end" {
			ticks = append(ticks, tx.Text)
		}
	}
	if strings.Join(ticks, ",") != strings.Join(wantTicks, ",") {
		t.Errorf("ticks %v, want %v", ticks, wantTicks)
	}
}

func TestHorizontalBars(t *testing.T) {
	items := []hbar{
		{Label: "api.example.com", Segments: []segment{{Value: 1000, Class: "c0"}}},
		{Label: "cdn.example.net", Segments: []segment{{Name: "WAN", Value: 250, Class: "c0"}, {Name: "LAN", Value: 250, Class: "c1"}}},
		{Label: "idle.example.org", Segments: []segment{{Value: 0, Class: "c0"}}},
	}
	c, ok := horizontalBars("Top domains", "", items, nil, humanBytes)
	if !ok {
		t.Fatal("nothing drawn")
	}
	if len(c.Bars) != 3 {
		t.Fatalf("%d bars, want 3", len(c.Bars))
	}
	full := c.Bars[0].W
	if c.Bars[1].W+c.Bars[2].W != full/2 || c.Bars[2].X != c.Bars[1].X+c.Bars[1].W {
		t.Errorf("segments %+v %+v of a %v bar", c.Bars[1], c.Bars[2], full)
	}
	if c.Bars[1].Tip != "cdn.example.net · WAN: 250 B (50.0%)" {
		t.Errorf("tooltip %q", c.Bars[1].Tip)
	}
	if c.Height != plotTop+3*barRowHeight+8 {
		t.Errorf("height %v", c.Height)
	}
	if _, ok := horizontalBars("empty", "", []hbar{{Label: "x"}}, nil, humanBytes); ok {
		t.Error("a chart of zeros was drawn")
	}
}

func TestTimeLines(t *testing.T) {
	starts := []int64{0, 3600, 7200}
	lines := []line{{Name: "sent", Class: "c0", Values: []int64{10, 20, 0}}, {Name: "received", Class: "c1", Values: []int64{0, 0, 0}}}
	c, ok := timeLines("Internet (WAN)", "", starts, 3600, lines, humanBytes)
	if !ok {
		t.Fatal("nothing drawn")
	}
	// The all-zero series is left out; the first series gets an area.
	if len(c.Paths) != 2 || !c.Paths[0].Area || c.Paths[1].Area || len(c.Legend) != 1 {
		t.Fatalf("paths %+v legend %+v", c.Paths, c.Legend)
	}
	plotW := c.Width - axisLeft - plotRight
	plotH := c.Height - plotTop - axisBottom
	// Axis tops at 20 (step 5): 10 is half way up, 20 at the top.
	want := "M" + num(axisLeft) + " " + num(plotTop+plotH/2) + " H" + num(axisLeft+plotW/3) +
		" V" + num(plotTop) + " H" + num(axisLeft+2*plotW/3) + " V" + num(plotTop+plotH) + " H" + num(axisLeft+plotW)
	if c.Paths[1].D != want {
		t.Errorf("path\n got %s\nwant %s", c.Paths[1].D, want)
	}
	if c.Paths[1].Tip != "sent: total 30 B, peak 20 B per interval" {
		t.Errorf("tooltip %q", c.Paths[1].Tip)
	}
	var hours []string
	for _, tx := range c.Texts {
		if tx.Anchor == "middle" {
			hours = append(hours, tx.Text)
		}
	}
	if strings.Join(hours, " ") != "00:00 01:00 02:00 03:00" {
		t.Errorf("time ticks %v", hours)
	}
}

func TestTimeLinesGapDrawsZero(t *testing.T) {
	c, ok := timeLines("x", "", []int64{0, 7200}, 3600, []line{{Name: "sent", Class: "c0", Values: []int64{5, 5}}}, humanBytes)
	if !ok {
		t.Fatal("nothing drawn")
	}
	plotH := c.Height - plotTop - axisBottom
	if !strings.Contains(c.Paths[1].D, " V"+num(plotTop+plotH)+" H") {
		t.Errorf("the missing interval is not drawn at zero: %s", c.Paths[1].D)
	}
}

func TestNiceStepAndTimeStep(t *testing.T) {
	steps := []struct{ in, want float64 }{{0, 1}, {0.3, 1}, {3, 5}, {7, 10}, {12, 20}, {23, 25}, {2_400_000, 2_500_000}, {6e6, 1e7}}
	for _, c := range steps {
		if got := niceStep(c.in); got != c.want {
			t.Errorf("niceStep(%v) = %v, want %v", c.in, got, c.want)
		}
	}
	spans := []struct {
		span   int64
		step   int64
		layout string
	}{{600, 300, "15:04"}, {3 * 3600, 3600, "15:04"}, {86400, 6 * 3600, "Jan 2 15h"}, {30 * 86400, 7 * 86400, "Jan 2"}, {3 * 365 * 86400, 365 * 86400, "2006"}}
	for _, c := range spans {
		step, layout := timeStep(c.span)
		if step != c.step || layout != c.layout {
			t.Errorf("timeStep(%d) = %d %q, want %d %q", c.span, step, layout, c.step, c.layout)
		}
	}
}

func TestLabelStride(t *testing.T) {
	if got := labelStride(24, 18, 58); got != 4 {
		t.Errorf("24 months in 18-unit slots: every %d, want 4", got)
	}
	if got := labelStride(3, 100, 58); got != 1 {
		t.Errorf("wide slots: every %d", got)
	}
}

func TestNormalizeSeries(t *testing.T) {
	s := normalizeSeries(Series{Interval: 60, Starts: []int64{120, 0, 60}, TxWAN: []int64{3, 1, 2}, RxWAN: []int64{-5}})
	if fmt.Sprint(s.Starts, s.TxWAN, s.RxWAN, s.TxLAN) != "[0 60 120] [1 2 3] [0 0 0] [0 0 0]" {
		t.Errorf("sorted and padded: %v %v %v %v", s.Starts, s.TxWAN, s.RxWAN, s.TxLAN)
	}
	long := Series{Interval: 1}
	var total int64
	for i := range 2500 {
		long.Starts = append(long.Starts, int64(i))
		long.RxWAN = append(long.RxWAN, int64(i%7))
		total += int64(i % 7)
	}
	merged := normalizeSeries(long)
	if len(merged.Starts) != 834 || merged.Interval != 3 || sumOf(merged.RxWAN) != total || len(merged.TxLAN) != 834 {
		t.Errorf("merged: %d points every %d s, sum %d (want 834, 3, %d)", len(merged.Starts), merged.Interval, sumOf(merged.RxWAN), total)
	}
}

// FuzzSeriesChart: whatever a later analysis puts into a Series (unsorted,
// duplicate or overflowing times, short or negative values), the page
// renders without panicking, looping or foreign markup.
func FuzzSeriesChart(f *testing.F) {
	f.Add(int64(60), []byte{0, 0, 0, 0, 0, 0, 0, 0, 60, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0})
	f.Add(int64(1), bytes.Repeat([]byte{0xff, 0x7f}, 40))
	f.Add(int64(-3), []byte{1, 2, 3})
	f.Fuzz(func(t *testing.T, interval int64, data []byte) {
		var ints []int64
		for len(data) >= 8 && len(ints) < 3000 {
			ints = append(ints, int64(binary.LittleEndian.Uint64(data)))
			data = data[8:]
		}
		half := len(ints) / 2
		s := Series{Device: "d", Interval: interval, Starts: ints[:half], TxWAN: ints[half:], RxLAN: ints[:half]}
		m := &Model{Title: "fuzz", Generated: fixedGenerated, Devices: []Device{{Name: "d"}}, Series: []Series{s}}
		var buf bytes.Buffer
		if err := Write(&buf, m); err != nil {
			t.Fatal(err)
		}
		if _, problems := pageProblems(buf.Bytes(), m); len(problems) > 0 {
			t.Fatalf("%v", problems)
		}
	})
}
