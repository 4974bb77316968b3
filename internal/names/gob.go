package names

import (
	"bytes"
	"encoding/gob"
	"net/netip"
	"slices"
)

type tableWire struct {
	IPs []ipHistory
}

type ipHistory struct {
	IP      netip.Addr
	Entries []Entry
}

// GobEncode implements gob.GobEncoder (shard files), addresses sorted.
func (t *Table) GobEncode() ([]byte, error) {
	var w tableWire
	for ip, h := range t.byIP {
		w.IPs = append(w.IPs, ipHistory{ip, h})
	}
	slices.SortFunc(w.IPs, func(a, b ipHistory) int { return a.IP.Compare(b.IP) })
	var buf bytes.Buffer
	err := gob.NewEncoder(&buf).Encode(w)
	return buf.Bytes(), err
}

// GobDecode implements gob.GobDecoder.
func (t *Table) GobDecode(b []byte) error {
	var w tableWire
	if err := gob.NewDecoder(bytes.NewReader(b)).Decode(&w); err != nil {
		return err
	}
	t.byIP = make(map[netip.Addr][]Entry, len(w.IPs))
	for _, h := range w.IPs {
		t.byIP[h.IP] = h.Entries
	}
	return nil
}
