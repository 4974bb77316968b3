// Package hosts is the device-discovery analysis: it feeds every frame's
// link and network addresses, ARP, DHCP, mDNS and SSDP facts into
// inventory.Observations, from which LAN hosts, their vendors, names and
// MAC/IP bindings over time are resolved after the pass.
package hosts

import (
	"github.com/iotlens/iotlens/internal/decode"
	"github.com/iotlens/iotlens/internal/dissect/dns"
	"github.com/iotlens/iotlens/internal/engine"
	"github.com/iotlens/iotlens/internal/inventory"
	"github.com/iotlens/iotlens/internal/proto"
)

// Name is the analysis name.
const Name = "hosts"

// Analysis discovers LAN hosts.
type Analysis struct{}

// Name implements engine.Analysis.
func (Analysis) Name() string { return Name }

// Needs implements engine.Analysis.
func (Analysis) Needs() engine.Needs { return engine.NeedDHCP | engine.NeedDNS | engine.NeedSSDP }

// NewPartial implements engine.Analysis.
func (Analysis) NewPartial(engine.FileInfo) engine.Partial {
	return &Partial{Obs: inventory.NewObservations()}
}

// Partial holds one file's (or run's) observations.
type Partial struct{ Obs *inventory.Observations }

// Merge implements engine.Partial.
func (p *Partial) Merge(next engine.Partial) { p.Obs.Merge(next.(*Partial).Obs) }

// Packet implements engine.Partial.
func (p *Partial) Packet(ev *engine.Event) {
	pk, t := ev.Packet, ev.Frame.Time
	if !pk.HasSrcMAC {
		return
	}
	var dst decode.MAC
	if pk.HasDstMAC {
		dst = pk.DstMAC
	}
	p.Obs.Frame(t, pk.SrcMAC, dst, pk.SrcIP, pk.DstIP)
	if pk.Layers&decode.LayerARP != 0 {
		p.Obs.ARP(t, pk.ARPOp, pk.ARPSenderMAC, pk.ARPSenderIP, pk.ARPTargetIP)
	}
	if d := ev.DHCP; d != nil {
		p.Obs.DHCP(t, d.ClientMAC, d.MsgType, d.HostName, d.VendorClass, d.YourIP, d.RequestedIP, d.Router)
	}
	if ev.SSDP != nil && ev.SSDP.Server != "" {
		p.Obs.SSDPServer(t, pk.SrcMAC, ev.SSDP.Server)
	}
	if ev.Proto == proto.MDNS {
		for _, m := range ev.DNS {
			observeMDNS(p.Obs, t, pk.SrcMAC, m)
		}
	}
}

// observeMDNS records the host names a device announces about itself: the
// owner names of A/AAAA records in its mDNS responses.
func observeMDNS(o *inventory.Observations, t int64, mac decode.MAC, m *dns.Message) {
	if !m.Response {
		return
	}
	for _, sec := range [][]dns.RR{m.Answers, m.Additional} {
		for i := range sec {
			if sec[i].Type == 1 || sec[i].Type == 28 {
				o.MDNSName(t, mac, sec[i].Name)
			}
		}
	}
}
