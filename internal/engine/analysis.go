package engine

import (
	"net/netip"
	"time"
)

// Needs says which dissectors an analysis wants run; the engine skips the
// rest so that a summary-only pass stays fast.
type Needs uint32

// Dissectors an analysis can ask for.
const (
	NeedDNS          Needs = 1 << iota // DNS, mDNS and LLMNR messages (UDP and TCP)
	NeedClientHello                    // TLS ClientHello (TCP, reassembled) and QUIC Initial ClientHello
	NeedServerFlight                   // TLS ServerHello + certificates
	NeedDHCP                           // DHCPv4 and DHCPv6
	NeedHTTP                           // HTTP request line and Host
	NeedSSDP                           // SSDP NOTIFY / M-SEARCH / responses
)

// FileInfo describes one input file.
type FileInfo struct {
	Path  string
	Index int // position in the ordered input list
	// From the file name when it follows a known layout (zero otherwise).
	NameTime   time.Time
	DeviceName string
	DeviceIP   netip.Addr
}

// Analysis is one kind of result (summary, destinations, ...). The engine
// asks it for one Partial per file.
type Analysis interface {
	Name() string
	Needs() Needs
	NewPartial(f FileInfo) Partial
}

// Partial is an analysis' aggregate over one file (or, after merging, over a
// run of consecutive files).
type Partial interface {
	// Packet is called for every frame of the file, in file order.
	Packet(ev *Event)
	// Merge folds in the partial of the files that directly follow this one.
	Merge(next Partial)
}

// Finisher is implemented by partials that hold live state (open flows)
// which must be folded into the aggregate once no more packets come. The
// engine calls Finish on every merged partial at the end of a run, before
// the partial is read or saved to a shard file.
type Finisher interface{ Finish() }
