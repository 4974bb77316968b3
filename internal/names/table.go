package names

import (
	"net/netip"
)

// Entry is what a Table knows about one address at one time.
type Entry struct {
	Name    string
	Aliases []string
	Source  Source
	QType   uint16
	Time    int64 // when it was learned
}

// Table maps addresses to names over time. Within one Table facts must be
// added in time order (one file's packets are); Latest answers for "now",
// At for an earlier time. History per address is capped so memory stays
// proportional to the number of addresses.
type Table struct {
	byIP map[netip.Addr][]Entry
}

// maxHistory bounds the remembered names per address (CDN addresses are
// reused for many names; only recent changes matter for flows being named).
const maxHistory = 8

// NewTable returns an empty table.
func NewTable() *Table { return &Table{byIP: map[netip.Addr][]Entry{}} }

// Add records a general fact (DNS, certificate, PTR, local). A weaker
// source never replaces a stronger one learned at the same time.
func (t *Table) Add(f Fact) {
	h := t.byIP[f.IP]
	e := Entry{Name: f.Name, Aliases: f.Aliases, Source: f.Source, QType: f.QType, Time: f.Time}
	if n := len(h); n > 0 {
		last := &h[n-1]
		if last.Name == e.Name {
			if e.Source < last.Source {
				last.Source = e.Source
			}
			return
		}
		if shouldKeep(last, &e) {
			return
		}
	}
	if len(h) == maxHistory {
		copy(h, h[1:])
		h = h[:maxHistory-1]
	}
	t.byIP[f.IP] = append(h, e)
}

// shouldKeep: a DNS name is not replaced by a certificate or PTR name (the
// name the device asked for is the better label).
func shouldKeep(last, next *Entry) bool {
	return last.Source == DNS && (next.Source == Cert || next.Source == PTR)
}

// At returns the name ip had at time ts (the latest fact not after ts).
func (t *Table) At(ip netip.Addr, ts int64) (Entry, bool) {
	h := t.byIP[ip]
	for i := len(h) - 1; i >= 0; i-- {
		if h[i].Time <= ts {
			return h[i], true
		}
	}
	return Entry{}, false
}

// Latest returns the most recent name of ip.
func (t *Table) Latest(ip netip.Addr) (Entry, bool) {
	h := t.byIP[ip]
	if len(h) == 0 {
		return Entry{}, false
	}
	return h[len(h)-1], true
}

// Extend appends a later table's history (the next file's) to t.
func (t *Table) Extend(later *Table) {
	for ip, h := range later.byIP {
		for _, e := range h {
			t.Add(Fact{IP: ip, Name: e.Name, Aliases: e.Aliases, Source: e.Source, QType: e.QType, Time: e.Time})
		}
	}
}

// Len is the number of addresses with a name.
func (t *Table) Len() int { return len(t.byIP) }
