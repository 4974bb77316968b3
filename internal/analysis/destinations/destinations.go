// Package destinations is the destination analysis (iotlens destinations):
// where each device sends data, month by month. For every flow between a
// LAN host and the Internet it records the remote address, the name that
// address had when the flow began (package names: DNS with CNAME chains,
// SNI, QUIC, HTTP Host, certificate, PTR), and the flow's packets, bytes and
// TLS/QUIC client fingerprints. It also records every name each device
// looked up or asked for (the seed's unique_domains).
//
// Names learned in earlier files name flows in later ones: a file's flows
// whose address had no name yet are kept "pending" and named when the
// partial is merged after the earlier files' partials (whose latest names
// are exactly the names at the start of this file).
//
// A flow that spans rotated files (a long-lived MQTT or TLS connection) is
// one flow, as in the merged capture: flows still open at the end of a file
// are remembered (Carried), flows seen right from the start of the next
// file are kept aside (Early), and the merge joins the two halves under
// the key the flow had in the earlier file.
package destinations

import (
	"net/netip"
	"time"

	"github.com/iotlens/iotlens/internal/decode"
	"github.com/iotlens/iotlens/internal/engine"
	"github.com/iotlens/iotlens/internal/flow"
	"github.com/iotlens/iotlens/internal/names"
)

// Name is the analysis name.
const Name = "destinations"

// Analysis collects destinations. Location decides months (UTC when nil).
type Analysis struct {
	Location *time.Location
}

// Name implements engine.Analysis.
func (Analysis) Name() string { return Name }

// Needs implements engine.Analysis.
func (Analysis) Needs() engine.Needs {
	return engine.NeedDNS | engine.NeedClientHello | engine.NeedServerFlight | engine.NeedHTTP
}

// NewPartial implements engine.Analysis.
func (a Analysis) NewPartial(f engine.FileInfo) engine.Partial {
	loc := a.Location
	if loc == nil {
		loc = time.UTC
	}
	p := &Partial{
		Names:   names.NewTable(),
		Flows:   map[Key]*Counts{},
		Pending: map[Key]*Counts{},
		Learned: map[LearnKey]*Learned{},
		Carried: map[flow.Key]*Carried{},
		Early:   map[flow.Key]*Early{},
		file:    f,
		loc:     loc,
	}
	p.table = flow.NewTable[flowState](flowIdle, maxFlows, p.finishFlow)
	return p
}

const (
	flowIdle = int64(5 * time.Minute)
	maxFlows = 1 << 17
	maxFPs   = 8 // distinct fingerprints kept per destination
)

// Host identifies the LAN side of a flow: its MAC when the link layer has
// one, else its IP. Devices are attached to hosts after the pass.
type Host struct {
	MAC    decode.MAC
	HasMAC bool
	IP     netip.Addr
}

// Key groups flows: one LAN host, one month, one remote address, one name.
type Key struct {
	Host   Host
	Month  string // "2025-07"
	Remote netip.Addr
	Name   string
	Source names.Source
	QType  uint16
}

// Counts is the traffic of the flows under one Key.
type Counts struct {
	Flows, Packets     int64
	BytesUp, BytesDown int64
	First, Last        int64
	JA3, JA4           []string
	CertOrg            string
	Aliases            []string
}

// LearnKey is one name a host asked for (DNS question answered, SNI, Host).
type LearnKey struct {
	Host  Host
	Month string
	Name  string
}

// Learned is how a name was learned by a host.
type Learned struct {
	QTypes  uint8 // bit 0: A, bit 1: AAAA
	Sources uint16
	First   int64
}

// Partial is the per-file (then merged) aggregate.
type Partial struct {
	Names   *names.Table
	Flows   map[Key]*Counts // named, or known to have no name
	Pending map[Key]*Counts // no name yet in this run of files: named at merge
	Learned map[LearnKey]*Learned
	// Carried: flows still open when the last file ended, and where they
	// were counted. Early: flows of the first file that began within the
	// idle timeout of its first packet (not with a SYN), not yet counted:
	// the previous file's partial decides whether they continue a flow.
	Carried map[flow.Key]*Carried
	Early   map[flow.Key]*Early

	file      engine.FileInfo
	loc       *time.Location
	table     *flow.Table[flowState]
	done      bool
	started   bool  // a packet was seen
	fileStart int64 // time of the file's first packet
	ending    bool  // Finish is flushing the flows still open
}

// Carried is a flow open at the end of the last file.
type Carried struct {
	Key     Key
	Pending bool  // Key is in Pending (no name yet)
	Last    int64 // its last packet
	// InEarly: the flow is the one in Early under the same 5-tuple (it ran
	// from the first file's start to the last file's end), so where it is
	// counted is not known yet; Key and Pending are unused.
	InEarly bool
}

// Early is a flow seen from the start of the first file, not yet counted.
type Early struct {
	Key     Key
	Pending bool
	Counts  Counts
}

// flowState is one live flow.
type flowState struct {
	host       Host
	remote     netip.Addr
	month      string
	start      names.Entry
	startKnown bool
	own        names.Entry // SNI / QUIC / HTTP of this flow
	ownKnown   bool
	cert       string
	counts     Counts
	early      bool // began near the file's start without a SYN: may continue a flow of the previous file
}
