package signatures

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/iotlens/iotlens/internal/output"
)

// Run is an extraction with its context, as patterns.txt and
// patterns.json describe it.
type Run struct {
	Device Device
	Event  string
	Idle   time.Duration
	Traces []*Trace
	Result *Result
}

// PatternsFile is the patterns.json document.
type PatternsFile struct {
	Device      DeviceJSON    `json:"device"`
	Event       string        `json:"event"`
	Captures    []CaptureJSON `json:"captures"`
	MinSupport  int           `json:"min_support"`
	Tolerance   float64       `json:"tolerance"`
	IdleSeconds float64       `json:"idle_seconds"`
	Patterns    []PatternJSON `json:"patterns"`
	Rare        []PatternJSON `json:"rare"`
}

// DeviceJSON is the analysed device.
type DeviceJSON struct {
	Name string   `json:"name"`
	IPs  []string `json:"ips"`
	MAC  string   `json:"mac"`
}

// CaptureJSON is one capture (one occurrence of the event).
type CaptureJSON struct {
	File      string   `json:"file"`
	Flows     int      `json:"flows"`
	Gateways  []string `json:"gateways"`
	DeviceIPs []string `json:"device_ips"`
	DeviceMAC string   `json:"device_mac"`
	Dropped   int64    `json:"flows_dropped"`
}

// PatternJSON is one pattern. Kind is "step" (an ordered step of the
// event), "background" (LAN broadcast chatter) or "rare" (recurs in fewer
// captures than min_support).
type PatternJSON struct {
	ID            int         `json:"id"`
	Kind          string      `json:"kind"`
	Policy        string      `json:"policy"`
	Transport     string      `json:"transport"`
	Application   string      `json:"application"`
	Device        string      `json:"device"`
	Remote        string      `json:"remote"`
	Initiator     string      `json:"initiator"` // device or remote
	FixedPort     int         `json:"fixed_port"`
	FixedPortSide string      `json:"fixed_port_side"`
	InitiatorPort int         `json:"initiator_port"` // -1 when ephemeral
	Detail        string      `json:"detail"`
	SNI           []string    `json:"sni"`
	Support       int         `json:"support"`
	Captures      []string    `json:"captures"`
	Flows         int         `json:"flows"`
	Packets       Range       `json:"packets"`
	Bytes         Range       `json:"bytes"`
	PacketCounts  []Count     `json:"packet_counts"`
	ByteCounts    []Count     `json:"byte_counts"`
	Ports         []PortCount `json:"ports"`
	Addresses     []string    `json:"addresses"`
	Pairs         []Pair      `json:"packet_pairs"`
	Stable        bool        `json:"stable"`
	Bidirectional bool        `json:"bidirectional"`
	Order         float64     `json:"order"`
}

// File builds the patterns.json document.
func (r *Run) File() *PatternsFile {
	pf := &PatternsFile{Device: DeviceJSON{Name: r.Device.Name, IPs: []string{}}, Event: r.Event,
		MinSupport: r.Result.MinSupport, Tolerance: r.Result.Tolerance, IdleSeconds: idleSeconds(r.Idle),
		Patterns: []PatternJSON{}, Rare: []PatternJSON{}, Captures: []CaptureJSON{}}
	for _, ip := range r.Device.IPs {
		pf.Device.IPs = append(pf.Device.IPs, ip.String())
	}
	pf.Device.MAC = r.mac()
	for _, tr := range r.Traces {
		c := CaptureJSON{File: tr.File, Flows: len(tr.Flows), Gateways: []string{}, DeviceIPs: []string{}, DeviceMAC: tr.DeviceMAC, Dropped: tr.Dropped}
		for _, g := range tr.Gateways {
			c.Gateways = append(c.Gateways, g.String())
		}
		for _, ip := range tr.DeviceIPs {
			c.DeviceIPs = append(c.DeviceIPs, ip.String())
		}
		pf.Captures = append(pf.Captures, c)
	}
	for _, p := range r.Result.Patterns {
		kind := "step"
		if p.Background {
			kind = "background"
		}
		pf.Patterns = append(pf.Patterns, r.patternJSON(p, kind))
	}
	for _, p := range r.Result.Rare {
		pf.Rare = append(pf.Rare, r.patternJSON(p, "rare"))
	}
	return pf
}

func idleSeconds(d time.Duration) float64 { return time.Duration(idleNanos(d)).Seconds() }

func (r *Run) mac() string {
	if r.Device.HasMAC {
		return r.Device.MAC.String()
	}
	for _, tr := range r.Traces {
		if tr.DeviceMAC != "" {
			return tr.DeviceMAC
		}
	}
	return ""
}

func (r *Run) patternJSON(p *Pattern, kind string) PatternJSON {
	k := p.Key
	j := PatternJSON{ID: p.ID, Kind: kind, Policy: p.PolicyName, Transport: k.Transport, Application: k.App,
		Device: k.Device, Remote: k.Remote, Initiator: "device", FixedPort: k.Port, FixedPortSide: "remote",
		InitiatorPort: k.InitPort, Detail: k.Detail, SNI: nonNil(p.SNI), Support: p.Support, Flows: len(p.Occurrences),
		Packets: p.Packets, Bytes: p.Bytes, PacketCounts: p.PacketCounts, ByteCounts: p.ByteCounts, Ports: p.Ports,
		Addresses: nonNil(p.Addresses), Pairs: p.Pairs, Stable: p.Stable, Bidirectional: p.Bidirectional, Order: p.Order}
	if k.DeviceServes {
		j.Initiator, j.FixedPortSide = "remote", "device"
	}
	if j.Ports == nil {
		j.Ports = []PortCount{}
	}
	if j.Pairs == nil {
		j.Pairs = []Pair{}
	}
	for _, c := range p.Captures {
		j.Captures = append(j.Captures, r.Traces[c].File)
	}
	return j
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// WriteJSON writes patterns.json.
func (r *Run) WriteJSON(w io.Writer) error { return output.JSON(w, r.File()) }

// WriteText writes patterns.txt: one block per pattern, the event's steps
// first, for a person to read. Strings from the traffic are made
// terminal-safe.
func (r *Run) WriteText(w io.Writer) error {
	ew := &errWriter{w: w}
	res := r.Result
	ew.printf("iotlens signatures: device %s", safe(r.Device.Name))
	if ids := r.identity(); ids != "" {
		ew.printf(" (%s)", ids)
	}
	ew.printf(", event %q\n", safe(r.Event))
	files := make([]string, len(r.Traces))
	for i, tr := range r.Traces {
		files[i] = safe(filepath.Base(tr.File))
	}
	ew.printf("Captures (%d): %s\n", len(r.Traces), strings.Join(files, ", "))
	ew.printf("A pattern recurs in at least %d of %d captures (--min-support); packet and byte counts of one pattern "+
		"agree within %.0f %%; a flow ends after %gs idle.\n", res.MinSupport, res.Captures, 100*res.Tolerance, idleSeconds(r.Idle))
	steps := res.Steps()
	ew.printf("\n== Event %q: %d ordered steps ==\n", safe(r.Event), len(steps))
	for i, p := range steps {
		r.block(ew, p, fmt.Sprintf("step %d", i+1))
	}
	var bg []*Pattern
	for _, p := range res.Patterns {
		if p.Background {
			bg = append(bg, p)
		}
	}
	if len(bg) > 0 {
		ew.printf("\n== Background (LAN broadcast and multicast, recurring, not ordered): %d ==\n", len(bg))
		for _, p := range bg {
			r.block(ew, p, "background")
		}
	}
	if len(res.Rare) > 0 {
		ew.printf("\n== Seen in fewer than %d captures (allowed, not part of the event): %d ==\n", res.MinSupport, len(res.Rare))
		for _, p := range res.Rare {
			r.block(ew, p, "rare")
		}
	}
	return ew.err
}

func (r *Run) identity() string {
	var parts []string
	for _, ip := range r.Device.IPs {
		parts = append(parts, ip.String())
	}
	if m := r.mac(); m != "" {
		parts = append(parts, m)
	}
	return strings.Join(parts, ", ")
}

func (r *Run) block(ew *errWriter, p *Pattern, role string) {
	k := p.Key
	init, resp := k.Device, k.Remote
	if k.DeviceServes {
		init, resp = resp, init
	}
	ew.printf("\nPattern %d (%s, policy %s)\n", p.ID, role, safe(p.PolicyName))
	ew.printf("  Hosts:        %s -> %s\n", safe(init), safe(resp))
	proto := strings.ToUpper(k.Transport)
	if k.App != k.Transport {
		proto += ", " + k.App
	}
	if k.Detail != "" {
		proto += " (" + safe(k.Detail) + ")"
	}
	ew.printf("  Protocol:     %s\n", proto)
	if len(p.SNI) > 0 {
		ew.printf("  TLS SNI:      %s\n", safe(strings.Join(p.SNI, ", ")))
	}
	if len(p.Ports) > 0 {
		var ports []string
		for i, pc := range p.Ports {
			if i == 6 {
				ports = append(ports, fmt.Sprintf("... %d more", len(p.Ports)-6))
				break
			}
			ports = append(ports, fmt.Sprintf("%d (%s, %s)", pc.Port, pc.Side, plural(pc.Flows, "flow")))
		}
		ew.printf("  Ports:        %s\n", strings.Join(ports, ", "))
		fixed := fmt.Sprintf("%d on %s", k.Port, safe(resp))
		if k.InitPort >= 0 {
			fixed += fmt.Sprintf("; %d on %s", k.InitPort, safe(init))
		}
		ew.printf("  Fixed port:   %s\n", fixed)
	}
	ew.printf("  Packets:      %s per flow %s\n", rangeText(p.Packets), countsText(p.PacketCounts))
	ew.printf("  Bytes:        %s per flow %s\n", rangeText(p.Bytes), countsText(p.ByteCounts))
	var caps []string
	for _, c := range p.Captures {
		caps = append(caps, safe(filepath.Base(r.Traces[c].File)))
	}
	ew.printf("  Support:      %d/%d captures (%s), %s\n", p.Support, r.Result.Captures, strings.Join(caps, ", "), plural(len(p.Occurrences), "flow"))
	if len(p.Pairs) > 0 {
		var prs []string
		for _, pr := range p.Pairs {
			prs = append(prs, fmt.Sprintf("%d->%d (%d/%d)", pr.Request, pr.Response, pr.Support, r.Result.Captures))
		}
		ew.printf("  Packet pairs: %s\n", strings.Join(prs, ", "))
	}
	if len(p.Addresses) > 0 {
		ew.printf("  Addresses:    %s\n", safe(strings.Join(p.Addresses, ", ")))
	}
}

// countsText renders a histogram as "[2 x3, 4 x1]" (value x flows).
func countsText(cs []Count) string {
	var parts []string
	for i, c := range cs {
		if i == 8 {
			parts = append(parts, "...")
			break
		}
		parts = append(parts, fmt.Sprintf("%d x%d", c.Value, c.Flows))
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

func safe(s string) string { return output.TerminalSafe(s, 200) }

type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) printf(format string, args ...any) {
	if e.err == nil {
		_, e.err = fmt.Fprintf(e.w, format, args...)
	}
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
