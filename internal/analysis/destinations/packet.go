package destinations

import (
	"time"

	"github.com/iotlens/iotlens/internal/decode"
	"github.com/iotlens/iotlens/internal/dissect/tls"
	"github.com/iotlens/iotlens/internal/engine"
	"github.com/iotlens/iotlens/internal/flow"
	"github.com/iotlens/iotlens/internal/names"
)

// Packet implements engine.Partial.
func (p *Partial) Packet(ev *engine.Event) {
	if !p.started {
		p.started, p.fileStart = true, ev.Frame.Time
	}
	var st *flowState
	if ev.HasFlow && ev.SrcLocal != ev.DstLocal { // LAN <-> Internet flows only
		var created bool
		st, created = p.table.Get(ev.Flow, ev.Frame.Time)
		if created {
			p.startFlow(st, ev)
		}
		c := &st.counts
		if n := int64(ev.Frame.WireLen); ev.SrcLocal {
			c.BytesUp += n
		} else {
			c.BytesDown += n
		}
		c.Packets++
		c.Last = ev.Frame.Time
		if ev.ClientHello != nil {
			addFingerprints(c, ev.ClientHello, ev.HelloOverQUIC)
		}
		if ev.Server != nil && len(ev.Server.Certificates) > 0 && c.CertOrg == "" {
			c.CertOrg = ev.Server.Certificates[0].SubjectOrg
		}
	}
	if hasNames(ev) {
		names.Learn(ev, func(f names.Fact) { p.learn(ev, st, f) })
	}
}

// hasNames is a cheap test that keeps the closure above off the per-packet
// path: only a few packets carry names.
func hasNames(ev *engine.Event) bool {
	return len(ev.DNS) > 0 || ev.ClientHello != nil || ev.HTTP != nil || ev.Server != nil
}

// startFlow fixes the flow's LAN host, remote end, month and the name its
// remote address has right now.
func (p *Partial) startFlow(st *flowState, ev *engine.Event) {
	pk := ev.Packet
	if ev.SrcLocal {
		st.host = Host{MAC: pk.SrcMAC, HasMAC: pk.HasSrcMAC, IP: pk.SrcIP}
		st.remote = pk.DstIP
	} else {
		st.host = Host{MAC: pk.DstMAC, HasMAC: pk.HasDstMAC, IP: pk.DstIP}
		st.remote = pk.SrcIP
	}
	st.remote = st.remote.Unmap()
	st.month = p.month(ev.Frame.Time)
	st.counts = Counts{Flows: 1, First: ev.Frame.Time}
	st.start, st.startKnown = p.Names.Latest(st.remote)
	opensTCP := pk.IPProto == 6 && pk.TCPFlags&(decode.TCPSyn|decode.TCPAck) == decode.TCPSyn
	st.early = ev.Frame.Time-p.fileStart <= flowIdle && !opensTCP
}

// learn records a name: flow-own names (SNI, QUIC, HTTP, and the server
// certificate) label the flow st (nil outside LAN<->Internet flows); all
// names go into the table, and asked-for names into the host's list.
func (p *Partial) learn(ev *engine.Event, st *flowState, f names.Fact) {
	if f.Source != names.Local {
		p.Names.Add(f)
	}
	switch f.Source {
	case names.SNI, names.QUIC, names.HTTP:
		if st != nil && !st.ownKnown {
			st.own, st.ownKnown = names.Entry{Name: f.Name, Source: f.Source, Time: f.Time}, true
		}
		p.noteLearned(hostOf(ev, true), f)
	case names.Cert:
		if st != nil && st.cert == "" {
			st.cert = f.Name
		}
	case names.DNS:
		p.noteLearned(hostOf(ev, false), f)
	}
}

// hostOf is the LAN host that asked: the sender for flow-own names, the
// receiver of a DNS answer.
func hostOf(ev *engine.Event, sender bool) Host {
	pk := ev.Packet
	if sender {
		return Host{MAC: pk.SrcMAC, HasMAC: pk.HasSrcMAC, IP: pk.SrcIP}
	}
	return Host{MAC: pk.DstMAC, HasMAC: pk.HasDstMAC, IP: pk.DstIP}
}

func (p *Partial) noteLearned(h Host, f names.Fact) {
	if h.HasMAC && h.MAC.IsGroup() {
		return
	}
	k := LearnKey{Host: h, Month: p.month(f.Time), Name: f.Name}
	l := p.Learned[k]
	if l == nil {
		l = &Learned{First: f.Time}
		p.Learned[k] = l
	}
	switch f.QType {
	case 1:
		l.QTypes |= 1
	case 28:
		l.QTypes |= 2
	}
	l.Sources |= 1 << f.Source
}

// month is the file name's month when the file name carries a date (the
// destination-analysis layout), else the packet's.
func (p *Partial) month(t int64) string {
	if !p.file.NameTime.IsZero() {
		return p.file.NameTime.In(p.loc).Format("2006-01")
	}
	return time.Unix(0, t).In(p.loc).Format("2006-01")
}

func addFingerprints(c *Counts, ch *tls.ClientHello, quic bool) {
	transport := byte('t')
	if quic {
		transport = 'q'
	}
	_, ja3 := tls.JA3(ch)
	c.JA3 = addCapped(c.JA3, ja3)
	c.JA4 = addCapped(c.JA4, tls.JA4(ch, transport))
}

func addCapped(list []string, v string) []string {
	for _, x := range list {
		if x == v {
			return list
		}
	}
	if len(list) >= maxFPs {
		return list
	}
	return append(list, v)
}

// finishFlow moves an ended flow's counts under its key, remembers it as
// carried when the file ends with it open, and keeps it aside when it may
// continue a flow of the previous file.
func (p *Partial) finishFlow(fk flow.Key, st *flowState) {
	k, pending := st.key()
	_, taken := p.Early[fk] // an earlier flow on this 5-tuple is the only possible continuation
	early := st.early && !taken
	if p.ending {
		p.Carried[fk] = &Carried{Key: k, Pending: pending, Last: st.counts.Last, InEarly: early}
	}
	if early {
		p.Early[fk] = &Early{Key: k, Pending: pending, Counts: st.counts}
		return
	}
	p.count(k, pending, &st.counts)
}

// count adds c under k in Flows, or in Pending when k has no name yet.
func (p *Partial) count(k Key, pending bool, c *Counts) {
	if pending {
		addCounts(p.Pending, k, c)
	} else {
		addCounts(p.Flows, k, c)
	}
}

// key is where the flow is counted: its own SNI/QUIC/Host, else the name
// its address had at the start, else the certificate name; pending (no
// name yet) until the earlier files' names are known.
func (st *flowState) key() (Key, bool) {
	k := Key{Host: st.host, Month: st.month, Remote: st.remote}
	switch {
	case st.ownKnown:
		k.Name, k.Source = st.own.Name, st.own.Source
	case st.startKnown:
		k.Name, k.Source, k.QType = st.start.Name, st.start.Source, st.start.QType
		st.counts.Aliases = st.start.Aliases
	case st.cert != "":
		k.Name, k.Source = st.cert, names.Cert
	default:
		return k, true
	}
	return k, false
}

func addCounts(m map[Key]*Counts, k Key, c *Counts) {
	dst := m[k]
	if dst == nil {
		cp := *c
		m[k] = &cp
		return
	}
	dst.add(c)
}

// add folds c into dst.
func (dst *Counts) add(c *Counts) {
	if dst.Flows == 0 && dst.Packets == 0 {
		dst.First = c.First
	}
	dst.Flows += c.Flows
	dst.Packets += c.Packets
	dst.BytesUp += c.BytesUp
	dst.BytesDown += c.BytesDown
	if c.First < dst.First {
		dst.First = c.First
	}
	if c.Last > dst.Last {
		dst.Last = c.Last
	}
	for _, v := range c.JA3 {
		dst.JA3 = addCapped(dst.JA3, v)
	}
	for _, v := range c.JA4 {
		dst.JA4 = addCapped(dst.JA4, v)
	}
	if len(dst.Aliases) == 0 {
		dst.Aliases = c.Aliases
	}
	if dst.CertOrg == "" {
		dst.CertOrg = c.CertOrg
	}
}

// Finish closes the live flows once the file is done (first Merge, or the
// engine at the end of a run); idempotent, and a no-op on a partial loaded
// from a shard file (its flows were closed before it was saved).
func (p *Partial) Finish() {
	if !p.done && p.table != nil {
		p.ending = true
		p.table.Flush()
		p.ending = false
	}
	p.done = true
}

// Merge implements engine.Partial: next covers the files after p's.
func (p *Partial) Merge(next engine.Partial) {
	o := next.(*Partial)
	p.Finish()
	o.Finish()
	for _, c := range o.Carried { // o's open flows, named as their rows are below
		if c.Pending && !c.InEarly {
			c.Key, c.Pending = p.resolveKey(c.Key)
		}
	}
	p.joinEarly(o)
	for k, c := range o.Pending {
		if named, ok := p.resolve(k); ok {
			c.Aliases = named.aliases
			addCounts(p.Flows, named.Key, c)
		} else {
			addCounts(p.Pending, k, c)
		}
	}
	for k, c := range o.Flows {
		addCounts(p.Flows, k, c)
	}
	for k, l := range o.Learned {
		mine := p.Learned[k]
		if mine == nil {
			p.Learned[k] = l
			continue
		}
		mine.QTypes |= l.QTypes
		mine.Sources |= l.Sources
		mine.First = min(mine.First, l.First)
	}
	p.Names.Extend(o.Names)
	p.Carried = o.Carried
}

// joinEarly settles o's early flows. One that continues a flow p carried
// (same 5-tuple, within the idle timeout) adds its packets to that flow
// without counting a new one: under the flow's key, or to p's own early
// flow when the flow ran through all of p; o's carried entry for it then
// points there too. Any other early flow is a flow of its own, counted in o.
func (p *Partial) joinEarly(o *Partial) {
	for fk, e := range o.Early {
		oc := o.Carried[fk]
		if oc != nil && !oc.InEarly {
			oc = nil // a later flow on the same 5-tuple, already counted
		}
		c, ok := p.Carried[fk]
		if ok && c.InEarly && p.Early[fk] == nil {
			ok = false // cannot happen: an InEarly entry comes with its Early
		}
		if !ok || e.Counts.First-c.Last > flowIdle {
			o.count(e.Key, e.Pending, &e.Counts) // pending: named by the merge like o's other rows
			if oc != nil {
				oc.Key, oc.Pending, oc.InEarly = e.Key, e.Pending, false
				if e.Pending {
					oc.Key, oc.Pending = p.resolveKey(e.Key)
				}
			}
			continue
		}
		e.Counts.Flows = 0
		if c.InEarly {
			p.Early[fk].Counts.add(&e.Counts)
		} else {
			p.count(c.Key, c.Pending, &e.Counts)
		}
		if oc != nil {
			oc.Key, oc.Pending, oc.InEarly = c.Key, c.Pending, c.InEarly
		}
	}
	o.Early = map[flow.Key]*Early{}
}

// resolveKey names a pending key as the merge names pending rows; it
// stays pending when its address has no name yet.
func (p *Partial) resolveKey(k Key) (Key, bool) {
	if r, ok := p.resolve(k); ok {
		return r.Key, false
	}
	return k, true
}

type resolved struct {
	Key
	aliases []string
}

// resolve names a pending key with the latest name of its address in p.
func (p *Partial) resolve(k Key) (resolved, bool) {
	e, ok := p.Names.Latest(k.Remote)
	if !ok {
		return resolved{}, false
	}
	k.Name, k.Source, k.QType = e.Name, e.Source, e.QType
	return resolved{k, e.Aliases}, true
}

// Final returns the merged aggregate with every flow closed: call it on the
// result of a run before reading Flows and Pending.
func (p *Partial) Final() *Partial {
	p.Finish()
	for _, e := range p.Early { // the first file's: nothing came before
		p.count(e.Key, e.Pending, &e.Counts)
	}
	p.Early = map[flow.Key]*Early{}
	return p
}
