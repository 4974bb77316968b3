// Package agreement checks iotlens against the reference dissector: for
// every real capture in ../shared/fixtures it compares, per file, the packet
// count, total wire bytes, the (src MAC, dst MAC) and (src IP, dst IP) pairs,
// DNS query names, A/AAAA answers, TLS/QUIC SNI and HTTP Host with what
// tshark extracts.
// Differences must be listed, with a reason, in testdata/allowlist.yaml.
//
// The Collector analysis here is also what the test runs on the iotlens side.
package agreement

import (
	"github.com/iotlens/iotlens/internal/dissect/dns"
	"github.com/iotlens/iotlens/internal/engine"
)

// Facts are the per-file values compared with tshark.
type Facts struct {
	Frames    int64
	WireBytes int64
	MACPairs  map[string]bool // "src dst"
	IPPairs   map[string]bool
	DNSNames  map[string]bool
	DNSAddrs  map[string]bool
	SNIs      map[string]bool
	HTTPHosts map[string]bool
}

func newFacts() *Facts {
	return &Facts{MACPairs: map[string]bool{}, IPPairs: map[string]bool{}, DNSNames: map[string]bool{},
		DNSAddrs: map[string]bool{}, SNIs: map[string]bool{}, HTTPHosts: map[string]bool{}}
}

// Collector is an engine analysis gathering Facts.
type Collector struct{}

// Name implements engine.Analysis.
func (Collector) Name() string { return "agreement" }

// Needs implements engine.Analysis.
func (Collector) Needs() engine.Needs {
	return engine.NeedDNS | engine.NeedClientHello | engine.NeedHTTP
}

// NewPartial implements engine.Analysis.
func (Collector) NewPartial(engine.FileInfo) engine.Partial { return &Partial{Facts: newFacts()} }

// Partial holds one file's facts.
type Partial struct{ *Facts }

// Packet implements engine.Partial.
func (p *Partial) Packet(ev *engine.Event) {
	pk := ev.Packet
	p.Frames++
	p.WireBytes += int64(ev.Frame.WireLen)
	if pk.HasSrcMAC && pk.HasDstMAC {
		p.MACPairs[pk.SrcMAC.String()+" "+pk.DstMAC.String()] = true
	}
	if pk.IsIP() {
		p.IPPairs[pk.SrcIP.String()+" "+pk.DstIP.String()] = true
	}
	for _, m := range ev.DNS {
		for _, q := range m.Questions {
			p.DNSNames[q.Name] = true
		}
		for _, sec := range [][]dns.RR{m.Answers, m.Authority, m.Additional} {
			for i := range sec {
				if sec[i].IP.IsValid() && (sec[i].Type == 1 || sec[i].Type == 28) {
					p.DNSAddrs[sec[i].IP.String()] = true
				}
			}
		}
	}
	if ev.HTTP != nil && ev.HTTP.Host != "" {
		p.HTTPHosts[ev.HTTP.Host] = true
	}
	if ev.ClientHello != nil && ev.ClientHello.SNI != "" {
		p.SNIs[ev.ClientHello.SNI] = true
	}
}

// Merge implements engine.Partial (the test runs one file per run).
func (p *Partial) Merge(next engine.Partial) {
	o := next.(*Partial)
	p.Frames += o.Frames
	p.WireBytes += o.WireBytes
	for _, pair := range []struct{ dst, src map[string]bool }{{p.MACPairs, o.MACPairs}, {p.IPPairs, o.IPPairs},
		{p.DNSNames, o.DNSNames}, {p.DNSAddrs, o.DNSAddrs}, {p.SNIs, o.SNIs}, {p.HTTPHosts, o.HTTPHosts}} {
		for k := range pair.src {
			pair.dst[k] = true
		}
	}
}
