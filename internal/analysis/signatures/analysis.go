package signatures

import (
	"time"

	"github.com/iotlens/iotlens/internal/engine"
)

// Name is the extraction analysis' name.
const Name = "signatures"

// DefaultIdle is the flow idle timeout: the seed ended an event's capture
// at the first 5-second gap, so an exchange silent for longer is a new one.
const DefaultIdle = 5 * time.Second

// Analysis builds one Trace of the device's flows per capture.
type Analysis struct {
	Device Device
	Idle   time.Duration // flow idle timeout; DefaultIdle when zero
}

// Name implements engine.Analysis.
func (a *Analysis) Name() string { return Name }

// Needs implements engine.Analysis: names come from DNS and TLS/QUIC
// ClientHellos; DHCP, HTTP and SSDP name the exchanges.
func (a *Analysis) Needs() engine.Needs {
	return engine.NeedDNS | engine.NeedClientHello | engine.NeedDHCP | engine.NeedHTTP | engine.NeedSSDP
}

// NewPartial implements engine.Analysis.
func (a *Analysis) NewPartial(fi engine.FileInfo) engine.Partial {
	if fi.Index < 0 {
		return &Partial{}
	}
	return &Partial{tr: newTracker(a.Device, fi, idleNanos(a.Idle), true)}
}

func idleNanos(d time.Duration) int64 {
	if d <= 0 {
		d = DefaultIdle
	}
	return int64(d)
}

// Partial is one capture's tracker, then (merged) the traces of a run of
// captures in input order.
type Partial struct {
	tr     *tracker
	traces []*Trace
}

// Packet implements engine.Partial.
func (p *Partial) Packet(ev *engine.Event) { p.tr.packet(ev) }

// Merge implements engine.Partial: next's capture follows this one.
func (p *Partial) Merge(next engine.Partial) {
	p.settle()
	n := next.(*Partial)
	n.settle()
	p.traces = append(p.traces, n.traces...)
}

// settle closes the capture's open flows once all its packets are in.
func (p *Partial) settle() {
	if p.tr != nil {
		p.traces = append(p.traces, p.tr.finish())
		p.tr = nil
	}
}

// Traces returns one trace per capture, in input order.
func (p *Partial) Traces() []*Trace {
	p.settle()
	return p.traces
}
