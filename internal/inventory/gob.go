package inventory

import (
	"bytes"
	"encoding/gob"
	"net/netip"
	"slices"

	"github.com/iotlens/iotlens/internal/decode"
)

// Observations travel between machines in shard files (iotlens --shard and
// merge). Their state is unexported, so they encode through this mirror,
// MACs sorted so the same observations always give the same bytes.
type obsWire struct {
	MACs    []macWire
	Routers []netip.Addr
}

type macWire struct {
	MAC                      decode.MAC
	First, Last, Frames      int64
	Bindings                 []bindingWire
	Peers                    []netip.Addr
	DHCP, Vendor, MDNS, SSDP []nameWire
}

type bindingWire struct {
	IP          netip.Addr
	First, Last int64
	Sources     uint8
}

type nameWire struct {
	Name  string
	First int64
}

// GobEncode implements gob.GobEncoder.
func (o *Observations) GobEncode() ([]byte, error) {
	w := obsWire{Routers: o.routers}
	for m, s := range o.macs.M {
		mw := macWire{MAC: m, First: s.first, Last: s.last, Frames: s.frames, Peers: s.peers,
			DHCP: namesOut(s.dhcpNames), Vendor: namesOut(s.vendorClass), MDNS: namesOut(s.mdnsNames), SSDP: namesOut(s.ssdp)}
		for _, b := range s.bindings {
			mw.Bindings = append(mw.Bindings, bindingWire{b.ip, b.first, b.last, b.sources})
		}
		w.MACs = append(w.MACs, mw)
	}
	slices.SortFunc(w.MACs, func(a, b macWire) int { return bytes.Compare(a.MAC[:], b.MAC[:]) })
	var buf bytes.Buffer
	err := gob.NewEncoder(&buf).Encode(w)
	return buf.Bytes(), err
}

// GobDecode implements gob.GobDecoder.
func (o *Observations) GobDecode(b []byte) error {
	var w obsWire
	if err := gob.NewDecoder(bytes.NewReader(b)).Decode(&w); err != nil {
		return err
	}
	*o = Observations{routers: w.Routers}
	for _, mw := range w.MACs {
		s := &macObs{first: mw.First, last: mw.Last, frames: mw.Frames, peers: mw.Peers,
			dhcpNames: namesIn(mw.DHCP), vendorClass: namesIn(mw.Vendor), mdnsNames: namesIn(mw.MDNS), ssdp: namesIn(mw.SSDP)}
		for _, bw := range mw.Bindings {
			s.bindings = append(s.bindings, bindingObs{bw.IP, bw.First, bw.Last, bw.Sources})
		}
		o.macs.Put(mw.MAC, s)
	}
	return nil
}

func namesOut(in []nameObs) []nameWire {
	out := make([]nameWire, len(in))
	for i, n := range in {
		out[i] = nameWire{n.name, n.first}
	}
	return out
}

func namesIn(in []nameWire) []nameObs {
	if len(in) == 0 {
		return nil
	}
	out := make([]nameObs, len(in))
	for i, n := range in {
		out[i] = nameObs{n.Name, n.First}
	}
	return out
}
