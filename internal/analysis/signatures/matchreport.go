package signatures

import (
	"cmp"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/iotlens/iotlens/internal/engine"
)

// MatchName is the matching analysis' name.
const MatchName = "match"

// MatchAnalysis checks each capture's flows of the profile's device
// against the compiled profile.
type MatchAnalysis struct{ M *Matcher }

// Name implements engine.Analysis.
func (a *MatchAnalysis) Name() string { return MatchName }

// Needs implements engine.Analysis.
func (a *MatchAnalysis) Needs() engine.Needs { return (&Analysis{}).Needs() }

// NewPartial implements engine.Analysis.
func (a *MatchAnalysis) NewPartial(fi engine.FileInfo) engine.Partial {
	p := &MatchPartial{m: a.M}
	if fi.Index >= 0 {
		p.tr = newTracker(a.M.device, fi, a.M.idle, false)
	}
	return p
}

// MatchPartial is one capture's tracker, then the per-capture results of
// a run of captures in input order.
type MatchPartial struct {
	m     *Matcher
	tr    *tracker
	files []*fileMatch
}

// Packet implements engine.Partial.
func (p *MatchPartial) Packet(ev *engine.Event) { p.tr.packet(ev) }

// Merge implements engine.Partial.
func (p *MatchPartial) Merge(next engine.Partial) {
	p.settle()
	n := next.(*MatchPartial)
	n.settle()
	p.files = append(p.files, n.files...)
}

// settle evaluates the capture once all its packets are in; its flows are
// then dropped, so memory holds one capture's flows at a time.
func (p *MatchPartial) settle() {
	if p.tr != nil {
		p.files = append(p.files, p.m.evaluate(p.tr.finish()))
		p.tr = nil
	}
}

// fileMatch is the result for one capture.
type fileMatch struct {
	file         string
	flows        int
	packets      int64
	hits         []policyHit // per rule
	interactions []interactionResult
	anomalies    map[anomalyKey]*anomalyAgg
	order        []anomalyKey
}

type policyHit struct {
	flows, packets int64
	first, last    int64
}

type interactionResult struct {
	episodes []episode
	best     int
}

type anomalyKey struct {
	direction, transport, app, remote, detail string
	port                                      int
}

type anomalyAgg struct {
	flows, packets int64
	first          int64
}

// evaluate matches every flow of a capture and detects the interactions.
func (m *Matcher) evaluate(tr *Trace) *fileMatch {
	fm := &fileMatch{file: tr.File, flows: len(tr.Flows), hits: make([]policyHit, len(m.rules)), anomalies: map[anomalyKey]*anomalyAgg{}}
	hits := make([][]stepHit, len(m.interactions))
	for _, f := range tr.Flows {
		fm.packets += f.Packets()
		dev, rem := end{ep: f.Device, device: true}, end{ep: f.Remote}
		var anyOut, anyIn bool
		for ri, r := range m.rules {
			out := f.PktsOut > 0 && m.matches(r, f, tr, dev, rem)
			in := f.PktsIn > 0 && m.matches(r, f, tr, rem, dev)
			if !out && !in {
				continue
			}
			h := &fm.hits[ri]
			h.flows++
			if out {
				h.packets += f.PktsOut
			}
			if in {
				h.packets += f.PktsIn
			}
			if h.first == 0 || f.First < h.first {
				h.first = f.First
			}
			h.last = max(h.last, f.Last)
			anyOut, anyIn = anyOut || out, anyIn || in
			if r.interaction >= 0 {
				hits[r.interaction] = append(hits[r.interaction], stepHit{t: f.First, step: r.step})
			}
		}
		if f.PktsOut > 0 && !anyOut {
			fm.anomaly("out", f, f.PktsOut, tr)
		}
		if f.PktsIn > 0 && !anyIn {
			fm.anomaly("in", f, f.PktsIn, tr)
		}
	}
	for ii, in := range m.interactions {
		eps, best := detect(hits[ii], m.window, needed(len(in.steps), m.minSteps))
		fm.interactions = append(fm.interactions, interactionResult{episodes: eps, best: best})
	}
	return fm
}

func (fm *fileMatch) anomaly(dir string, f *Flow, packets int64, tr *Trace) {
	k := KeyOf(tr, f)
	key := anomalyKey{direction: dir, transport: k.Transport, app: k.App, remote: k.Remote, detail: k.Detail, port: k.Port}
	a := fm.anomalies[key]
	if a == nil {
		a = &anomalyAgg{first: f.First}
		fm.anomalies[key] = a
		fm.order = append(fm.order, key)
	}
	a.flows++
	a.packets += packets
	a.first = min(a.first, f.First)
}

// MatchReport is the outcome of matching a profile against captures.
type MatchReport struct {
	Device        string         `json:"device"`
	WindowSeconds float64        `json:"window_seconds"`
	MinSteps      float64        `json:"min_steps"`
	Detections    []DetectionRow `json:"detections"`
	Policies      []PolicyRow    `json:"policies"`
	Anomalies     []AnomalyRow   `json:"anomalies"`
	Unchecked     []string       `json:"unchecked_fields"`
}

// DetectionRow is one detected occurrence of an interaction in a capture,
// or (Detected false) the best partial match of an interaction a capture
// did not show.
type DetectionRow struct {
	File         string `json:"file"`
	Interaction  string `json:"interaction"`
	Detected     bool   `json:"detected"`
	Start        string `json:"start"`
	End          string `json:"end"`
	StepsMatched int    `json:"steps_matched"`
	StepsNeeded  int    `json:"steps_needed"`
	StepsTotal   int    `json:"steps_total"`
}

// PolicyRow is how often a policy (single or interaction step) allowed
// traffic, over all captures.
type PolicyRow struct {
	Policy      string `json:"policy"`
	Interaction string `json:"interaction"`
	Flows       int64  `json:"flows"`
	Packets     int64  `json:"packets"`
	Captures    int    `json:"captures"`
	First       string `json:"first"`
	Last        string `json:"last"`
}

// AnomalyRow is traffic of the device that no policy allows, grouped by
// direction, protocol, remote host, port and application data.
type AnomalyRow struct {
	Direction   string `json:"direction"` // out: sent by the device; in: received
	Transport   string `json:"transport"`
	Application string `json:"application"`
	Remote      string `json:"remote"`
	Port        int    `json:"port"`
	Detail      string `json:"detail"`
	Flows       int64  `json:"flows"`
	Packets     int64  `json:"packets"`
	Captures    int    `json:"captures"`
	First       string `json:"first"`
}

// Report merges the captures' results.
func (p *MatchPartial) Report() *MatchReport {
	p.settle()
	m := p.m
	r := &MatchReport{Device: m.device.Name, WindowSeconds: time.Duration(m.window).Seconds(), MinSteps: m.minSteps,
		Detections: []DetectionRow{}, Policies: []PolicyRow{}, Anomalies: []AnomalyRow{}, Unchecked: m.Unchecked}
	if r.Unchecked == nil {
		r.Unchecked = []string{}
	}
	for _, fm := range p.files {
		r.Detections = append(r.Detections, m.detectionRows(fm)...)
	}
	for ri, rule := range m.rules {
		row := PolicyRow{Policy: rule.name}
		if rule.interaction >= 0 {
			row.Interaction = m.interactions[rule.interaction].name
		}
		var first, last int64
		for _, fm := range p.files {
			h := fm.hits[ri]
			if h.flows == 0 {
				continue
			}
			row.Flows += h.flows
			row.Packets += h.packets
			row.Captures++
			if first == 0 || h.first < first {
				first = h.first
			}
			last = max(last, h.last)
		}
		row.First, row.Last = FormatTime(first), FormatTime(last)
		r.Policies = append(r.Policies, row)
	}
	r.Anomalies = mergeAnomalies(p.files)
	return r
}

func (m *Matcher) detectionRows(fm *fileMatch) []DetectionRow {
	var rows []DetectionRow
	for ii, in := range m.interactions {
		res := fm.interactions[ii]
		base := DetectionRow{File: fm.file, Interaction: in.name, StepsTotal: len(in.steps), StepsNeeded: needed(len(in.steps), m.minSteps)}
		if len(res.episodes) == 0 {
			base.StepsMatched = res.best
			rows = append(rows, base)
			continue
		}
		for _, ep := range res.episodes {
			row := base
			row.Detected, row.StepsMatched = true, ep.matched
			row.Start, row.End = FormatTime(ep.start), FormatTime(ep.end)
			rows = append(rows, row)
		}
	}
	return rows
}

func mergeAnomalies(files []*fileMatch) []AnomalyRow {
	agg := map[anomalyKey]*AnomalyRow{}
	firsts := map[anomalyKey]int64{}
	var order []anomalyKey
	for _, fm := range files {
		for _, k := range fm.order {
			a := fm.anomalies[k]
			row := agg[k]
			if row == nil {
				row = &AnomalyRow{Direction: k.direction, Transport: k.transport, Application: k.app, Remote: k.remote, Port: k.port, Detail: k.detail}
				agg[k] = row
				order = append(order, k)
				firsts[k] = a.first
			}
			row.Flows += a.flows
			row.Packets += a.packets
			row.Captures++
			firsts[k] = min(firsts[k], a.first)
		}
	}
	out := make([]AnomalyRow, 0, len(order))
	for _, k := range order {
		row := agg[k]
		row.First = FormatTime(firsts[k])
		out = append(out, *row)
	}
	slices.SortStableFunc(out, func(a, b AnomalyRow) int { return cmp.Compare(b.Packets, a.Packets) })
	return out
}

// FormatTime renders Unix ns as RFC 3339 UTC with milliseconds ("" for 0).
func FormatTime(ns int64) string {
	if ns == 0 {
		return ""
	}
	return time.Unix(0, ns).UTC().Format("2006-01-02T15:04:05.000Z")
}

// CSVHeader is the header of the flat CSV form of a report: one row per
// detection, policy and anomaly, told apart by the kind column.
var CSVHeader = []string{"kind", "file", "name", "interaction", "detected", "steps_matched", "steps_needed", "steps_total",
	"direction", "transport", "application", "remote", "port", "detail", "flows", "packets", "captures", "first", "last"}

// CSVRecords renders the report as CSV records under CSVHeader.
func (r *MatchReport) CSVRecords() [][]string {
	var out [][]string
	i := func(v int64) string { return strconv.FormatInt(v, 10) }
	for _, d := range r.Detections {
		out = append(out, []string{"detection", d.File, d.Interaction, d.Interaction, strconv.FormatBool(d.Detected),
			i(int64(d.StepsMatched)), i(int64(d.StepsNeeded)), i(int64(d.StepsTotal)), "", "", "", "", "", "", "", "", "", d.Start, d.End})
	}
	for _, p := range r.Policies {
		out = append(out, []string{"policy", "", p.Policy, p.Interaction, "", "", "", "", "", "", "", "", "", "",
			i(p.Flows), i(p.Packets), i(int64(p.Captures)), p.First, p.Last})
	}
	for _, a := range r.Anomalies {
		out = append(out, []string{"anomaly", "", "", "", "", "", "", "", a.Direction, a.Transport, a.Application, a.Remote,
			i(int64(a.Port)), a.Detail, i(a.Flows), i(a.Packets), i(int64(a.Captures)), a.First, ""})
	}
	return out
}

// Summary is a one-line count of what was found.
func (r *MatchReport) Summary() string {
	detected := 0
	for _, d := range r.Detections {
		if d.Detected {
			detected++
		}
	}
	var anomalies int64
	for _, a := range r.Anomalies {
		anomalies += a.Packets
	}
	used := 0
	for _, p := range r.Policies {
		if p.Flows > 0 {
			used++
		}
	}
	return fmt.Sprintf("%d interaction detections, %d/%d policies matched, %d packets in %d anomaly groups",
		detected, used, len(r.Policies), anomalies, len(r.Anomalies))
}

// portText renders a port, "" when the protocol has none.
func portText(p int) string {
	if p < 0 {
		return ""
	}
	return strconv.Itoa(p)
}

// Tables renders the report as the three terminal tables' headers and
// cells: detections, policies, anomalies.
func (r *MatchReport) Tables() (sections []string, headers [][]string, rows [][][]string) {
	var det, pol, ano [][]string
	for _, d := range r.Detections {
		yes := "no"
		if d.Detected {
			yes = "yes"
		}
		det = append(det, []string{shortPath(d.File), d.Interaction, yes, fmt.Sprintf("%d/%d (need %d)", d.StepsMatched, d.StepsTotal, d.StepsNeeded), d.Start, d.End})
	}
	for _, p := range r.Policies {
		pol = append(pol, []string{p.Policy, strconv.FormatInt(p.Flows, 10), strconv.FormatInt(p.Packets, 10), strconv.Itoa(p.Captures), p.First, p.Last})
	}
	for _, a := range r.Anomalies {
		proto := a.Transport
		if a.Application != a.Transport {
			proto += "/" + a.Application
		}
		ano = append(ano, []string{a.Direction, proto, a.Remote, portText(a.Port), a.Detail, strconv.FormatInt(a.Flows, 10),
			strconv.FormatInt(a.Packets, 10), strconv.Itoa(a.Captures), a.First})
	}
	return []string{"Interactions", "Policies", "Anomalies (traffic no policy allows)"},
		[][]string{{"CAPTURE", "INTERACTION", "DETECTED", "STEPS IN ORDER", "START", "END"},
			{"POLICY", "FLOWS", "PACKETS", "CAPTURES", "FIRST", "LAST"},
			{"DIR", "PROTOCOL", "REMOTE", "PORT", "DETAIL", "FLOWS", "PACKETS", "CAPTURES", "FIRST"}},
		[][][]string{det, pol, ano}
}

// shortPath keeps the last three elements of a capture path for the
// terminal table (CSV and JSON carry the whole path).
func shortPath(p string) string {
	parts := strings.Split(filepath.ToSlash(p), "/")
	if len(parts) <= 3 {
		return p
	}
	return ".../" + strings.Join(parts[len(parts)-3:], "/")
}
