package endpoints

import (
	"bytes"
	"encoding/gob"
	"net/netip"
	"slices"
)

// partialWire is a Partial as a shard file holds it: records sorted by key,
// so equal partials encode to equal bytes.
type partialWire struct {
	Endpoints  []endpointWire
	LocalNames []localNameWire
}

type endpointWire struct {
	Key      Key
	Endpoint Endpoint
}

type localNameWire struct {
	IP   netip.Addr
	Name NameSeen
}

// GobEncode implements gob.GobEncoder (shard files).
func (p *Partial) GobEncode() ([]byte, error) {
	var w partialWire
	for k, e := range p.Endpoints.M {
		w.Endpoints = append(w.Endpoints, endpointWire{k, *e})
	}
	slices.SortFunc(w.Endpoints, func(a, b endpointWire) int { return compareKeys(&a.Key, &b.Key) })
	for ip, n := range p.LocalNames {
		w.LocalNames = append(w.LocalNames, localNameWire{ip, n})
	}
	slices.SortFunc(w.LocalNames, func(a, b localNameWire) int { return a.IP.Compare(b.IP) })
	var buf bytes.Buffer
	err := gob.NewEncoder(&buf).Encode(w)
	return buf.Bytes(), err
}

// GobDecode implements gob.GobDecoder.
func (p *Partial) GobDecode(b []byte) error {
	var w partialWire
	if err := gob.NewDecoder(bytes.NewReader(b)).Decode(&w); err != nil {
		return err
	}
	p.Endpoints.M = make(map[Key]*Endpoint, len(w.Endpoints))
	for i := range w.Endpoints {
		e := w.Endpoints[i].Endpoint
		p.Endpoints.Put(w.Endpoints[i].Key, &e)
	}
	p.LocalNames = make(map[netip.Addr]NameSeen, len(w.LocalNames))
	for _, l := range w.LocalNames {
		p.LocalNames[l.IP] = l.Name
	}
	return nil
}

// compareKeys orders keys by host (MAC hosts first), then remote address.
func compareKeys(a, b *Key) int {
	if a.ByIP != b.ByIP {
		if !a.ByIP {
			return -1
		}
		return 1
	}
	if c := bytes.Compare(a.MAC[:], b.MAC[:]); c != 0 {
		return c
	}
	if c := a.HostIP.Compare(b.HostIP); c != 0 {
		return c
	}
	return a.Remote.Compare(b.Remote)
}
