package report

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// Chart is one inline SVG figure, already laid out: the template only
// prints coordinates. Colours are CSS classes (c0..c9 and the party
// classes), so no attribute ever carries a value from traffic except the
// escaped tooltip and label text.
type Chart struct {
	ID     string
	Kind   string // "stacked-bars", "bars" or "lines"
	Title  string
	Note   string
	Width  float64
	Height float64
	Grid   []gridLine
	Bars   []bar
	Paths  []seriesPath
	Texts  []svgText
	Legend []legendItem
}

type gridLine struct {
	X1, Y1, X2, Y2 float64
}

type bar struct {
	X, Y, W, H float64
	Class      string
	Tip        string
}

type seriesPath struct {
	D     string
	Class string
	Area  bool
	Tip   string
}

type svgText struct {
	X, Y   float64
	Text   string
	Anchor string // start, middle, end
	Class  string
}

type legendItem struct {
	Label string
	Class string
}

// Layout constants, in SVG user units (the figure scales to its box).
const (
	chartWidth   = 520.0
	plotTop      = 12.0
	plotRight    = 12.0
	axisLeft     = 64.0
	axisBottom   = 30.0
	barRowHeight = 22.0
	labelWidth   = 190.0
	labelRunes   = 30
)

// stack is one coloured series of a stacked bar chart.
type stack struct {
	Name   string
	Class  string
	Values []int64 // one per x label
}

// stackedBars draws one vertical bar per x label, its stacks on top of one
// another. ok is false when there is nothing to draw.
func stackedBars(title, note string, xLabels []string, stacks []stack, format func(int64) string) (Chart, bool) {
	totals := make([]int64, len(xLabels))
	for _, s := range stacks {
		for i := range min(len(s.Values), len(totals)) {
			totals[i] += s.Values[i]
		}
	}
	maxTotal := maxOf(totals)
	if maxTotal <= 0 {
		return Chart{}, false
	}
	c := Chart{Kind: "stacked-bars", Title: title, Note: note, Width: chartWidth, Height: 260}
	plotH := c.Height - plotTop - axisBottom
	top := c.yAxis(float64(maxTotal), plotH, format)
	slot := (c.Width - axisLeft - plotRight) / float64(len(xLabels))
	barW := math.Min(56, slot*0.7)
	every := labelStride(len(xLabels), slot, 58)
	for i, label := range xLabels {
		x := axisLeft + slot*float64(i) + (slot-barW)/2
		y := plotTop + plotH
		for _, s := range stacks {
			var v int64
			if i < len(s.Values) {
				v = s.Values[i]
			}
			if v <= 0 {
				continue
			}
			h := plotH * float64(v) / top
			y -= h
			c.Bars = append(c.Bars, bar{X: round1(x), Y: round1(y), W: round1(barW), H: round1(math.Max(h, 0.5)), Class: s.Class,
				Tip: label + " · " + s.Name + ": " + format(v) + " (" + percent(v, totals[i]) + ")"})
		}
		if i%every == 0 {
			c.Texts = append(c.Texts, svgText{X: round1(x + barW/2), Y: round1(plotTop + plotH + 18), Text: label, Anchor: "middle", Class: "axis"})
		}
	}
	for _, s := range stacks {
		if sumOf(s.Values) > 0 {
			c.Legend = append(c.Legend, legendItem{Label: s.Name, Class: s.Class})
		}
	}
	return c, true
}

// hbar is one row of a horizontal bar chart; segments stack left to right.
type hbar struct {
	Label    string
	Segments []segment
}

type segment struct {
	Name  string // shown in the tooltip, empty for a single-segment bar
	Value int64
	Class string
}

// horizontalBars draws one labelled row per item, longest first as given.
func horizontalBars(title, note string, items []hbar, legend []legendItem, format func(int64) string) (Chart, bool) {
	var maxTotal int64
	for _, it := range items {
		maxTotal = max(maxTotal, segmentsTotal(it.Segments))
	}
	if maxTotal <= 0 {
		return Chart{}, false
	}
	c := Chart{Kind: "bars", Title: title, Note: note, Width: chartWidth, Legend: legend,
		Height: plotTop + barRowHeight*float64(len(items)) + 8}
	valueRoom := 64.0
	plotW := c.Width - labelWidth - valueRoom
	for i, it := range items {
		y := plotTop + barRowHeight*float64(i)
		total := segmentsTotal(it.Segments)
		x := labelWidth
		for _, s := range it.Segments {
			if s.Value <= 0 {
				continue
			}
			w := math.Max(plotW*float64(s.Value)/float64(maxTotal), 1)
			tip := it.Label + ": " + format(s.Value)
			if s.Name != "" {
				tip = it.Label + " · " + s.Name + ": " + format(s.Value) + " (" + percent(s.Value, total) + ")"
			}
			c.Bars = append(c.Bars, bar{X: round1(x), Y: round1(y + 3), W: round1(w), H: barRowHeight - 6, Class: s.Class, Tip: tip})
			x += w
		}
		c.Texts = append(c.Texts,
			svgText{X: labelWidth - 8, Y: round1(y + barRowHeight/2 + 4), Text: shorten(visible(it.Label), labelRunes), Anchor: "end", Class: "label"},
			svgText{X: round1(x + 6), Y: round1(y + barRowHeight/2 + 4), Text: format(total), Anchor: "start", Class: "value"})
	}
	return c, true
}

// line is one series of a time chart.
type line struct {
	Name   string
	Class  string
	Values []int64
}

// timeLines draws step lines (each interval holds its value from its start
// to the next), with the area under the first series shaded.
func timeLines(title, note string, starts []int64, interval int64, lines []line, format func(int64) string) (Chart, bool) {
	var maxV int64
	for _, l := range lines {
		maxV = max(maxV, maxOf(l.Values))
	}
	if maxV <= 0 || len(starts) == 0 || interval <= 0 {
		return Chart{}, false
	}
	t0, t1 := starts[0], starts[len(starts)-1]+interval
	if t1 <= t0 || t1-t0 <= 0 || t1 < starts[len(starts)-1] { // unsorted or overflowing times
		return Chart{}, false
	}
	c := Chart{Kind: "lines", Title: title, Note: note, Width: chartWidth, Height: 220}
	plotH := c.Height - plotTop - axisBottom
	top := c.yAxis(float64(maxV), plotH, format)
	plotW := c.Width - axisLeft - plotRight
	xOf := func(t int64) float64 { return axisLeft + plotW*float64(t-t0)/float64(t1-t0) }
	yOf := func(v int64) float64 { return plotTop + plotH - plotH*float64(v)/top }
	for _, l := range lines {
		if sumOf(l.Values) == 0 {
			continue
		}
		d := stepPath(starts, interval, l.Values, xOf, yOf)
		tip := l.Name + ": total " + format(sumOf(l.Values)) + ", peak " + format(maxOf(l.Values)) + " per interval"
		c.Paths = append(c.Paths, seriesPath{D: d, Class: l.Class, Tip: tip})
		c.Legend = append(c.Legend, legendItem{Label: l.Name, Class: l.Class})
	}
	if len(c.Paths) > 0 {
		first := c.Paths[0]
		area := first.D + " V" + num(plotTop+plotH) + " H" + num(xOf(t0)) + " Z"
		c.Paths = append([]seriesPath{{D: area, Class: first.Class, Area: true, Tip: first.Tip}}, c.Paths...)
	}
	c.timeAxis(t0, t1, xOf, plotTop+plotH)
	return c, true
}

func stepPath(starts []int64, interval int64, values []int64, xOf func(int64) float64, yOf func(int64) float64) string {
	var sb strings.Builder
	for i, t := range starts {
		var v int64
		if i < len(values) {
			v = values[i]
		}
		y := num(yOf(v))
		switch {
		case i == 0:
			sb.WriteString("M" + num(xOf(t)) + " " + y)
		case t != starts[i-1]+interval: // a gap: nothing was measured, draw zero
			sb.WriteString(" V" + num(yOf(0)) + " H" + num(xOf(t)) + " V" + y)
		default:
			sb.WriteString(" V" + y)
		}
		sb.WriteString(" H" + num(xOf(t+interval)))
	}
	return sb.String()
}

// yAxis adds horizontal grid lines with tick labels for values up to maxV
// and returns the value at the top of the plot.
func (c *Chart) yAxis(maxV, plotH float64, format func(int64) string) float64 {
	step := niceStep(maxV / 4)
	top := step * math.Ceil(maxV/step)
	for v := 0.0; v <= top+step/2; v += step {
		y := round1(plotTop + plotH - plotH*v/top)
		c.Grid = append(c.Grid, gridLine{X1: axisLeft, Y1: y, X2: c.Width - plotRight, Y2: y})
		c.Texts = append(c.Texts, svgText{X: axisLeft - 6, Y: y + 4, Text: format(int64(v)), Anchor: "end", Class: "axis"})
	}
	return top
}

// timeAxis labels the x axis at round times (UTC).
func (c *Chart) timeAxis(t0, t1 int64, xOf func(int64) float64, y float64) {
	step, layout := timeStep(t1 - t0)
	first := (t0 + step - 1) / step * step
	for t, n := first, 0; t <= t1 && n < 12; t, n = t+step, n+1 {
		label := time.Unix(t, 0).UTC().Format(layout)
		c.Texts = append(c.Texts, svgText{X: round1(xOf(t)), Y: y + 18, Text: label, Anchor: "middle", Class: "axis"})
	}
}

// timeStep picks a tick spacing giving at most 6 ticks over span seconds.
func timeStep(span int64) (int64, string) {
	steps := []struct {
		s      int64
		layout string
	}{
		{60, "15:04"}, {300, "15:04"}, {900, "15:04"}, {1800, "15:04"}, {3600, "15:04"}, {3 * 3600, "15:04"},
		{6 * 3600, "Jan 2 15h"}, {12 * 3600, "Jan 2 15h"}, {86400, "Jan 2"}, {7 * 86400, "Jan 2"},
		{30 * 86400, "Jan 2006"}, {91 * 86400, "Jan 2006"}, {365 * 86400, "2006"},
	}
	for _, s := range steps {
		if span/s.s <= 5 {
			return s.s, s.layout
		}
	}
	last := steps[len(steps)-1]
	return last.s * (span/last.s/5 + 1), last.layout
}

// niceStep rounds v up to 1, 2, 2.5 or 5 times a power of ten.
func niceStep(v float64) float64 {
	if v <= 0 {
		return 1
	}
	exp := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if v <= m*exp {
			return math.Max(m*exp, 1)
		}
	}
	return 10 * exp
}

// labelStride labels every n-th bar so that labels do not overlap.
func labelStride(n int, slot, labelW float64) int {
	if slot >= labelW || n == 0 {
		return 1
	}
	return int(math.Ceil(labelW / slot))
}

func segmentsTotal(s []segment) int64 {
	var t int64
	for _, x := range s {
		t += max(x.Value, 0)
	}
	return t
}

func maxOf(v []int64) int64 {
	var m int64
	for _, x := range v {
		m = max(m, x)
	}
	return m
}

func sumOf(v []int64) int64 {
	var s int64
	for _, x := range v {
		s += x
	}
	return s
}

func round1(v float64) float64 { return math.Round(v*10) / 10 }

// num prints a coordinate with at most one decimal.
func num(v float64) string { return strconv.FormatFloat(round1(v), 'f', -1, 64) }
