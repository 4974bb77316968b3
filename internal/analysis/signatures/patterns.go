package signatures

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/iotlens/iotlens/internal/profile"
)

// Options tune Extract.
type Options struct {
	// MinSupport is how many captures a pattern must occur in; 0 (or more
	// than there are captures) means all of them.
	MinSupport int
	// Tolerance is the relative difference allowed between the packet and
	// byte counts of two flows of one pattern (0.2 = 20 %; at least 2
	// packets and 128 bytes).
	Tolerance float64
}

// maxPairs bounds the packet pairs reported per pattern.
const maxPairs = 8

// Key is what makes two flows the same pattern: protocol, the two hosts
// (the remote by name when it has one), the fixed ports and the
// application data that names the exchange.
type Key struct {
	Transport    string // tcp, udp, icmp, ...
	App          string // dns, tls, http, dhcp, ntp, ... (the transport when only a port names it)
	Device       string // self, or 0.0.0.0 / broadcast for DHCP before the device has an address
	Remote       string // gateway, broadcast, mdns, a domain name, or the address
	Port         int    // the responder's port (the service); -1 without ports
	InitPort     int    // the initiator's port when it is well known (DHCP 68, NTP 123, ...), else -1
	DeviceServes bool   // the remote started the exchange
	Detail       string // DNS "name TYPE", DHCP type, HTTP "METHOD path", SSDP method, ICMP type, IGMP type and group
}

func (k Key) String() string {
	return fmt.Sprintf("%s|%s|%s|%s|%d|%d|%t|%s", k.Transport, k.App, k.Device, k.Remote, k.Port, k.InitPort, k.DeviceServes, k.Detail)
}

// Occurrence is one flow of a pattern in one capture.
type Occurrence struct {
	Trace int // index into the traces given to Extract
	Flow  *Flow
	Rank  float64 // position of the flow in its capture, 0 (first) to 1
}

// Range is a minimum and a maximum.
type Range struct {
	Min int64 `json:"min"`
	Max int64 `json:"max"`
}

// Count is a value with how many flows had it.
type Count struct {
	Value int64 `json:"value"`
	Flows int   `json:"flows"`
}

// PortCount is a port with the side using it and how many flows did.
type PortCount struct {
	Port  int    `json:"port"`
	Side  string `json:"side"` // "device" or "remote"
	Flows int    `json:"flows"`
}

// Pair is a PingPong packet pair: the wire length of a request
// (initiator to responder) and of the response right after it, with the
// number of captures it occurs in.
type Pair struct {
	Request  int `json:"request"`
	Response int `json:"response"`
	Support  int `json:"support"`
}

// Pattern is a group of equivalent flows across the captures.
type Pattern struct {
	ID           int
	PolicyName   string // its policy in profile.yaml
	Key          Key
	Support      int   // captures it occurs in
	Captures     []int // their indices
	Occurrences  []Occurrence
	Packets      Range // per flow
	Bytes        Range
	PacketCounts []Count
	ByteCounts   []Count
	Ports        []PortCount
	Addresses    []string // remote addresses seen
	SNI          []string
	Pairs        []Pair
	// Stable: every flow's packet and byte counts are within the tolerance
	// of the others (a transient exchange of fixed size).
	Stable        bool
	Bidirectional bool
	// Background: LAN broadcast or multicast chatter (mDNS, SSDP, IGMP,
	// discovery broadcasts): it repeats whatever the device does, so its
	// order says nothing about the event.
	Background  bool
	Order       float64 // mean position in the captures, for the step order
	MaxDuration int64   // ns, longest flow
}

// Result is what Extract found.
type Result struct {
	Captures   int
	MinSupport int
	Tolerance  float64
	Patterns   []*Pattern // recurring, in event order
	Rare       []*Pattern // flows recurring in fewer captures than MinSupport
}

// Steps returns the recurring patterns that are not background chatter:
// the ordered steps of the event.
func (r *Result) Steps() []*Pattern {
	var out []*Pattern
	for _, p := range r.Patterns {
		if !p.Background {
			out = append(out, p)
		}
	}
	return out
}

// Extract finds the patterns that recur across traces.
func Extract(traces []*Trace, opt Options) *Result {
	res := &Result{Captures: len(traces), MinSupport: opt.MinSupport, Tolerance: opt.Tolerance}
	if res.MinSupport <= 0 || res.MinSupport > len(traces) {
		res.MinSupport = len(traces)
	}
	groups := map[Key][]Occurrence{}
	var keys []Key
	for ti, tr := range traces {
		for fi, f := range tr.Flows {
			k := KeyOf(tr, f)
			if _, seen := groups[k]; !seen {
				keys = append(keys, k)
			}
			groups[k] = append(groups[k], Occurrence{Trace: ti, Flow: f, Rank: float64(fi) / float64(max(1, len(tr.Flows)))})
		}
	}
	for _, k := range keys {
		recurring, rare := res.split(k, groups[k])
		res.Patterns = append(res.Patterns, recurring...)
		if rare != nil {
			res.Rare = append(res.Rare, rare)
		}
	}
	for _, p := range append(slices.Clone(res.Patterns), res.Rare...) {
		p.summarize(res.MinSupport)
	}
	byOrder := func(a, b *Pattern) int {
		return cmp.Or(cmp.Compare(a.Order, b.Order), strings.Compare(a.Key.String(), b.Key.String()),
			cmp.Compare(a.Packets.Min, b.Packets.Min))
	}
	slices.SortStableFunc(res.Patterns, byOrder)
	slices.SortStableFunc(res.Rare, byOrder)
	for i, p := range res.Patterns {
		p.ID = i + 1
	}
	for i, p := range res.Rare {
		p.ID = len(res.Patterns) + i + 1
	}
	assignPolicyNames(res)
	return res
}

// split clusters one key's flows by size. Clusters recurring in enough
// captures become patterns (flows of the other clusters join the nearest
// one); when none does but the key as a whole recurs, the key is one
// pattern of varying size; otherwise it is rare.
func (r *Result) split(k Key, occ []Occurrence) (recurring []*Pattern, rare *Pattern) {
	slices.SortStableFunc(occ, func(a, b Occurrence) int {
		return cmp.Or(cmp.Compare(a.Flow.Packets(), b.Flow.Packets()), cmp.Compare(a.Flow.Bytes(), b.Flow.Bytes()),
			cmp.Compare(a.Trace, b.Trace), cmp.Compare(a.Rank, b.Rank))
	})
	var clusters [][]Occurrence
	for _, o := range occ {
		if n := len(clusters); n > 0 && r.similar(clusters[n-1][0].Flow, o.Flow) {
			clusters[n-1] = append(clusters[n-1], o)
			continue
		}
		clusters = append(clusters, []Occurrence{o})
	}
	var good, leftover [][]Occurrence
	for _, c := range clusters {
		if support(c) >= r.MinSupport {
			good = append(good, c)
		} else {
			leftover = append(leftover, c)
		}
	}
	switch {
	case len(good) > 0:
		for _, c := range good {
			recurring = append(recurring, &Pattern{Key: k, Occurrences: c, Stable: true})
		}
		for _, c := range leftover {
			p := nearest(recurring, c[0].Flow)
			p.Occurrences = append(p.Occurrences, c...)
			p.Stable = false
		}
	case support(occ) >= r.MinSupport:
		recurring = append(recurring, &Pattern{Key: k, Occurrences: occ, Stable: len(clusters) == 1})
	default:
		rare = &Pattern{Key: k, Occurrences: occ, Stable: len(clusters) == 1}
	}
	return recurring, rare
}

func (r *Result) similar(a, b *Flow) bool {
	return within(a.Packets(), b.Packets(), r.Tolerance, 2) && within(a.Bytes(), b.Bytes(), r.Tolerance, 128)
}

func within(a, b int64, tol float64, floor int64) bool {
	d := a - b
	if d < 0 {
		d = -d
	}
	return d <= max(floor, int64(tol*float64(max(a, b))))
}

func nearest(ps []*Pattern, f *Flow) *Pattern {
	best := ps[0]
	for _, p := range ps[1:] {
		if absDiff(p.Occurrences[0].Flow.Packets(), f.Packets()) < absDiff(best.Occurrences[0].Flow.Packets(), f.Packets()) {
			best = p
		}
	}
	return best
}

func absDiff(a, b int64) int64 {
	if a > b {
		return a - b
	}
	return b - a
}

func support(occ []Occurrence) int {
	seen := map[int]bool{}
	for _, o := range occ {
		seen[o.Trace] = true
	}
	return len(seen)
}

// KeyOf is the pattern key of a flow of trace tr.
func KeyOf(tr *Trace, f *Flow) Key {
	k := Key{Transport: f.Transport, App: f.App, Device: deviceLabel(f), Remote: RemoteLabel(tr, f), Port: -1, InitPort: -1,
		DeviceServes: !f.DeviceInitiated}
	if strings.HasPrefix(k.App, "tcp:") || strings.HasPrefix(k.App, "udp:") {
		k.App = f.Transport // the port already says it
	}
	if f.HasPorts() {
		ip, rp := f.Ports()
		k.Port = int(rp)
		if IsWellKnownPort(ip) {
			k.InitPort = int(ip)
		}
	}
	k.Detail = detail(f)
	return k
}

func detail(f *Flow) string {
	switch {
	case f.DHCPType != "":
		return f.DHCPType
	case f.DNSName != "":
		return dnsNamePattern(f.DNSName) + " " + f.DNSType
	case f.HTTPMethod != "":
		return f.HTTPMethod + " " + httpPath(f.HTTPPath)
	case f.SSDPMethod != "":
		return f.SSDPMethod
	case f.ICMPType >= 0:
		if n, ok := icmpTypeNames[f.ICMPType]; ok && f.Transport == "icmp" {
			return n
		}
		return "type " + strconv.Itoa(f.ICMPType)
	case f.HasIGMP:
		return f.IGMP.Type + " " + f.IGMP.Group.String()
	case f.SNI != "" && f.SNI != f.name():
		// A server name other than the host's DNS name tells the service.
		return "sni " + f.SNI
	}
	return ""
}

// dnsNamePattern generalises reverse lookups, whose names follow the
// address looked up, to the firewall's suffix wildcard.
func dnsNamePattern(name string) string {
	for _, zone := range []string{".in-addr.arpa", ".ip6.arpa"} {
		if strings.HasSuffix(name, zone) {
			return "$" + zone
		}
	}
	return name
}

// httpPath drops the query string, which carries per-request values; the
// firewall's trailing "*" then matches any query.
func httpPath(p string) string {
	if i := strings.IndexByte(p, '?'); i >= 0 {
		return p[:i] + "*"
	}
	return p
}

var (
	broadcast4    = netip.AddrFrom4([4]byte{255, 255, 255, 255})
	solicitedNode = netip.MustParsePrefix("ff02::1:ff00:0/104")
)

// multicastAliases are the firewall's names of well-known groups.
var multicastAliases = map[netip.Addr]string{}

func init() {
	for _, name := range []string{"mdns", "ssdp", "coap", "igmpv3", "all"} {
		multicastAliases[netip.MustParseAddr(profile.IPv4Aliases[name])] = name
	}
}

// RemoteLabel names the remote end of f as the profile will: gateway,
// broadcast, a multicast alias, the DNS name (or SNI) it had in the
// capture, else its address.
func RemoteLabel(tr *Trace, f *Flow) string {
	ip := f.Remote.Addr()
	switch {
	case tr.IsGateway(ip):
		return "gateway"
	case ip == broadcast4:
		return "broadcast"
	case ip.IsMulticast():
		if a, ok := multicastAliases[ip]; ok {
			return a
		}
		if solicitedNode.Contains(ip) {
			// Neighbour discovery: the group follows the target address.
			return solicitedNode.String()
		}
		return ip.String()
	}
	if n := f.name(); n != "" {
		return n
	}
	return ip.String()
}

func deviceLabel(f *Flow) string {
	switch ip := f.Device.Addr(); {
	case ip.IsUnspecified():
		return ip.String()
	case ip == broadcast4:
		return "broadcast"
	}
	return "self"
}

func isBackground(k Key) bool {
	if k.App == "dhcp" {
		return false
	}
	switch k.Remote {
	case "broadcast", "mdns", "ssdp", "coap", "igmpv3", "all":
		return true
	}
	ip, err := netip.ParseAddr(k.Remote)
	return err == nil && (ip.IsMulticast() || ip.Is4() && ip.As4()[3] == 255)
}

// summarize fills the pattern's statistics from its occurrences.
func (p *Pattern) summarize(minSupport int) {
	slices.SortStableFunc(p.Occurrences, func(a, b Occurrence) int {
		return cmp.Or(cmp.Compare(a.Trace, b.Trace), cmp.Compare(a.Rank, b.Rank))
	})
	p.Background = isBackground(p.Key)
	pkts, bytes := map[int64]int{}, map[int64]int{}
	ports := map[PortCount]int{}
	addrs, snis := map[string]bool{}, map[string]bool{}
	firstRank := map[int]float64{}
	for i, o := range p.Occurrences {
		f := o.Flow
		if i == 0 || f.Packets() < p.Packets.Min {
			p.Packets.Min = f.Packets()
		}
		if f.Packets() > p.Packets.Max {
			p.Packets.Max = f.Packets()
		}
		if i == 0 || f.Bytes() < p.Bytes.Min {
			p.Bytes.Min = f.Bytes()
		}
		if f.Bytes() > p.Bytes.Max {
			p.Bytes.Max = f.Bytes()
		}
		pkts[f.Packets()]++
		bytes[f.Bytes()]++
		if f.HasPorts() {
			ports[PortCount{Port: int(f.Device.Port()), Side: "device"}]++
			ports[PortCount{Port: int(f.Remote.Port()), Side: "remote"}]++
		}
		addrs[f.Remote.Addr().String()] = true
		if f.SNI != "" {
			snis[f.SNI] = true
		}
		p.Bidirectional = p.Bidirectional || f.Bidirectional()
		p.MaxDuration = max(p.MaxDuration, f.Last-f.First)
		if r, ok := firstRank[o.Trace]; !ok || o.Rank < r {
			firstRank[o.Trace] = o.Rank
		}
	}
	p.PacketCounts, p.ByteCounts = counts(pkts), counts(bytes)
	for pc, n := range ports {
		pc.Flows = n
		p.Ports = append(p.Ports, pc)
	}
	slices.SortFunc(p.Ports, func(a, b PortCount) int {
		return cmp.Or(cmp.Compare(b.Flows, a.Flows), cmp.Compare(a.Port, b.Port), strings.Compare(a.Side, b.Side))
	})
	p.Addresses, p.SNI = sortedKeys(addrs), sortedKeys(snis)
	for t := range firstRank {
		p.Captures = append(p.Captures, t)
	}
	slices.Sort(p.Captures)
	var sum float64 // summed in capture order: float addition is not associative
	for _, t := range p.Captures {
		sum += firstRank[t]
	}
	p.Support = len(p.Captures)
	p.Order = sum / float64(max(1, len(firstRank)))
	p.Pairs = pairs(p.Occurrences, minSupport)
}

func counts(m map[int64]int) []Count {
	out := make([]Count, 0, len(m))
	for v, n := range m {
		out = append(out, Count{Value: v, Flows: n})
	}
	slices.SortFunc(out, func(a, b Count) int { return cmp.Compare(a.Value, b.Value) })
	return out
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	if len(out) > 16 {
		out = append(out[:16], fmt.Sprintf("(+%d more)", len(out)-16))
	}
	return out
}

// pairs finds the request/response length pairs (PingPong) that occur in
// at least minSupport captures, in the order they first appear.
func pairs(occ []Occurrence, minSupport int) []Pair {
	type stat struct {
		traces map[int]bool
		pos    float64
	}
	stats := map[[2]int]*stat{}
	var order [][2]int
	for _, o := range occ {
		for i, pr := range flowPairs(o.Flow) {
			s := stats[pr]
			if s == nil {
				s = &stat{traces: map[int]bool{}, pos: float64(i)}
				stats[pr] = s
				order = append(order, pr)
			}
			s.traces[o.Trace] = true
		}
	}
	var out []Pair
	for _, pr := range order {
		if s := stats[pr]; len(s.traces) >= minSupport {
			out = append(out, Pair{Request: pr[0], Response: pr[1], Support: len(s.traces)})
		}
	}
	slices.SortStableFunc(out, func(a, b Pair) int {
		return cmp.Compare(stats[[2]int{a.Request, a.Response}].pos, stats[[2]int{b.Request, b.Response}].pos)
	})
	if len(out) > maxPairs {
		out = out[:maxPairs]
	}
	return out
}

// flowPairs lists a flow's consecutive (request, response) lengths: a
// packet from the initiator directly followed by one from the responder.
func flowPairs(f *Flow) [][2]int {
	req := int32(1)
	if !f.DeviceInitiated {
		req = -1
	}
	var out [][2]int
	for i := 0; i+1 < len(f.Seq); i++ {
		a, b := f.Seq[i], f.Seq[i+1]
		if a*req > 0 && b*req < 0 {
			out = append(out, [2]int{int(abs32(a)), int(abs32(b))})
			i++
		}
	}
	return out
}

func abs32(v int32) int32 {
	if v < 0 {
		return -v
	}
	return v
}
