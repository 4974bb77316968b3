package synth

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net/netip"

	"github.com/iotlens/iotlens/internal/capture"
)

// Time units in nanoseconds.
const (
	usec   = int64(1e3)
	msec   = int64(1e6)
	second = int64(1e9)
	minute = 60 * second
	hour   = 60 * minute
)

const (
	// poolSize is the random byte pool payloads are copied from; copying
	// from a random offset is far cheaper than drawing fresh randomness.
	poolSize = 1 << 16
	// frameCap bounds one scratch frame (Ethernet MTU plus slack).
	frameCap = 2048
	// pcapTimeLimit keeps timestamps inside the classic pcap's 32-bit seconds.
	pcapTimeLimit = int64(math.MaxUint32) * second
	leaseSeconds  = 86400
)

// gateway is the home router.
type gateway struct {
	mac    [6]byte
	ip4    [16]byte
	ll6    [16]byte
	prefix [8]byte // the /64 it advertises
	public [16]byte
}

// dnsCache is a device's view of one name it resolves.
type dnsCache struct {
	expires int64
	slot    uint32 // answer slot of the last resolution
	seen    bool
	last    [16]byte // IPv4 answer of the previous resolution
}

// target is a kind's targetSpec bound to one device.
type target struct {
	spec   *targetSpec
	domain int32 // index into device.domains, -1 for none
	server int32 // index into generator.servers for TLS/QUIC, -1 otherwise
	hello  int32 // ClientHello blob for TLS targets
}

// device is the generator's state for one simulated device.
type device struct {
	idx       int32
	kind      deviceKind
	spec      *kindSpec
	name      string
	mdnsLabel string
	mac       [6]byte
	ip4       [16]byte
	ll6       [16]byte
	slaac6    [16]byte
	temp6     [16]byte
	dhcp6     [16]byte
	up        bool
	xid       uint32
	targets   []target
	domains   []int32 // names this device resolves
	cache     []dnsCache
	nextPort  uint16
	control   int32  // flow of the long-lived connection, -1 when none
	ctlPort   uint16 // its client port, never handed out again
	beats     uint32
	mqttID    uint16
	staticPayloads
}

// tlsServer is a remote TLS or QUIC endpoint with its precomputed flights.
type tlsServer struct {
	sni       string
	tls13     bool
	quic      bool
	alpn      string
	flight    int32 // server's first flight blob
	clientFin int32
	serverFin int32
	variants  []quicVariant
	rtt       int64
	used      bool  // a ClientHello naming this server has been sent
	next      int32 // QUIC variant the next connection uses
}

// generator holds all simulation state. Nothing in it is a map that is
// iterated, and all randomness flows from rng, so output is reproducible.
type generator struct {
	opts    Options
	rng     *rand.Rand
	pw      *capture.PcapWriter
	counter *countingWriter
	err     error

	start, end int64
	now        int64
	target     int64
	packets    int64
	bytes      int64

	frame   []byte
	scratch []byte
	pool    []byte
	ipID    uint16

	queue taskQueue
	seq   uint64

	gw      gateway
	devs    []*device
	byKind  [cycledKinds + 1][]int32
	names   []dnsName
	servers []tlsServer
	blobs   []blob
	flows   []flow
	free    []int32

	mdnsQuery []byte

	nameIndex   map[string]int32
	serverIndex map[string]int32
	helloIndex  map[string]int32

	reresolved int // resolutions that returned a different address than before
}

// countingWriter counts the bytes that reach the caller's writer.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// fillPool prepares the bytes that stand in for ciphertext.
func fillPool(pool []byte, compressible bool, r *rand.Rand) {
	if !compressible {
		fillRandom(r, pool)
		return
	}
	for i := range pool {
		pool[i] = byte(i & 63)
	}
}

func newGenerator(w io.Writer, o Options) (*generator, error) {
	g := &generator{
		opts:        o,
		rng:         rand.New(rand.NewPCG(o.Seed, 0x10715e5f00d)),
		frame:       make([]byte, frameCap),
		scratch:     make([]byte, frameCap),
		pool:        make([]byte, poolSize+frameCap),
		start:       o.Start.UnixNano(),
		nameIndex:   map[string]int32{},
		serverIndex: map[string]int32{},
		helloIndex:  map[string]int32{},
	}
	fillPool(g.pool, o.Compressible, g.rng)
	g.end = g.start + int64(o.Duration)
	if o.TargetBytes > 0 {
		g.target = o.TargetBytes
		g.end = math.MaxInt64
	}
	g.setupGateway()
	g.mdnsQuery = mdnsQuery()
	if err := g.setupDevices(); err != nil {
		return nil, err
	}
	g.counter = &countingWriter{w: w}
	pw, err := capture.NewPcapWriter(g.counter, capture.LinkEthernet, 0, false)
	if err != nil {
		return nil, err
	}
	g.pw = pw
	g.bytes = 24
	g.scheduleStart()
	return g, nil
}

func (g *generator) setupGateway() {
	// MA-L 3894ED NETGEAR
	g.gw.mac = [6]byte{0x38, 0x94, 0xED, byte(g.rng.IntN(256)), byte(g.rng.IntN(256)), byte(g.rng.IntN(256))}
	g.gw.ip4 = v4(192, 168, 1, 1)
	g.gw.ll6 = linkLocal(g.gw.mac)
	// 2001:db8::/32 is the documentation prefix; the /64 varies with the seed.
	g.gw.prefix = [8]byte{0x20, 0x01, 0x0d, 0xb8, byte(g.rng.IntN(256)), byte(g.rng.IntN(256)), 0, 1}
	g.gw.public = v4(198, 51, 100, byte(2+g.rng.IntN(250)))
}

// setupDevices creates the devices, their names, targets and the TLS
// material they will use.
func (g *generator) setupDevices() error {
	count := g.opts.Devices
	if g.opts.Hostile {
		count++
	}
	hosts := g.rng.Perm(231)[:count] // .20-.250
	macs := map[[6]byte]bool{g.gw.mac: true}
	for i := range count {
		kind := deviceKind(i % cycledKinds)
		if g.opts.Hostile && i == count-1 {
			kind = kindHostile
		}
		d := &device{idx: int32(i), kind: kind, spec: &kindSpecs[kind], control: -1}
		for {
			d.mac = [6]byte{d.spec.oui[0], d.spec.oui[1], d.spec.oui[2], byte(g.rng.IntN(256)), byte(g.rng.IntN(256)), byte(g.rng.IntN(256))}
			if !macs[d.mac] {
				break
			}
		}
		macs[d.mac] = true
		d.ip4 = v4(192, 168, 1, byte(20+hosts[i]))
		d.xid = g.rng.Uint32()
		d.nextPort = uint16(32768 + g.rng.IntN(20000))
		d.mqttID = uint16(1 + g.rng.IntN(1000))
		g.nameDevice(d)
		g.addressDevice(d)
		if err := g.buildStatic(d); err != nil {
			return err
		}
		g.devs = append(g.devs, d)
		g.byKind[kind] = append(g.byKind[kind], d.idx)
		if err := g.bindTargets(d); err != nil {
			return err
		}
	}
	return nil
}

// nameDevice picks the DHCP host name and the mDNS label.
func (g *generator) nameDevice(d *device) {
	if d.kind == kindHostile {
		d.name = hostileDHCPName
		d.mdnsLabel = hostileMDNSLabel
		return
	}
	const hexdigits = "0123456789ABCDEF"
	suffix := []byte{hexdigits[d.mac[3]>>4], hexdigits[d.mac[3]&15], hexdigits[d.mac[4]>>4], hexdigits[d.mac[4]&15], hexdigits[d.mac[5]>>4], hexdigits[d.mac[5]&15]}
	d.name = d.spec.hostPrefix + string(suffix)
	d.mdnsLabel = d.name
}

// addressDevice derives the IPv6 addresses the kind configures.
func (g *generator) addressDevice(d *device) {
	f := d.spec.v6
	if f&v6LinkLocal != 0 {
		d.ll6 = linkLocal(d.mac)
	}
	copy(d.slaac6[:8], g.gw.prefix[:])
	copy(d.temp6[:8], g.gw.prefix[:])
	copy(d.dhcp6[:8], g.gw.prefix[:])
	if f&v6SLAAC != 0 {
		putEUI64(d.slaac6[8:], d.mac)
	}
	if f&v6Privacy != 0 {
		fillRandom(g.rng, d.temp6[8:])
		d.temp6[8] &^= 0x02 // RFC 8981: the universal/local bit is zero
	}
	if f&v6DHCP != 0 {
		d.dhcp6[14] = 0x10 + byte(d.idx>>8)
		d.dhcp6[15] = byte(d.idx)
	}
}

// ipv6Addrs lists a device's IPv6 addresses for Truth.
func (d *device) ipv6Addrs() []netip.Addr {
	var out []netip.Addr
	f := d.spec.v6
	if f&v6LinkLocal != 0 {
		out = append(out, netip.AddrFrom16(d.ll6))
	}
	if f&v6SLAAC != 0 {
		out = append(out, netip.AddrFrom16(d.slaac6))
	}
	if f&v6Privacy != 0 {
		out = append(out, netip.AddrFrom16(d.temp6))
	}
	if f&v6DHCP != 0 {
		out = append(out, netip.AddrFrom16(d.dhcp6))
	}
	return out
}

// useDomain registers a name the device resolves and returns its slot.
func (g *generator) useDomain(d *device, name string) (int32, error) {
	idx, err := g.addName(name)
	if err != nil {
		return 0, err
	}
	for i, n := range d.domains {
		if n == idx {
			return int32(i), nil
		}
	}
	d.domains = append(d.domains, idx)
	d.cache = append(d.cache, dnsCache{})
	return int32(len(d.domains) - 1), nil
}

// bindTargets resolves a device's targets to names, servers and hellos.
func (g *generator) bindTargets(d *device) error {
	specs := d.spec.targets
	if d.kind == kindHostile {
		specs = hostileTargets()
	}
	for i := range specs {
		ts := &specs[i]
		slot, err := g.useDomain(d, ts.domain)
		if err != nil {
			return err
		}
		t := target{spec: ts, domain: slot, server: -1, hello: -1}
		if ts.app == appTLS || ts.app == appQUIC {
			sni := ts.domain
			if t.server, err = g.serverFor(sni, ts, d.kind == kindHostile); err != nil {
				return err
			}
			if ts.app == appTLS {
				t.hello = g.helloFor(d.spec.profile, sni, ts.alpn)
			}
		}
		d.targets = append(d.targets, t)
	}
	if d.kind == kindHostile {
		for i := hostileSNICount; i < len(hostileDomains); i++ {
			if _, err := g.useDomain(d, hostileDomains[i]); err != nil {
				return err
			}
		}
		// The long SNI is sent to the address of the longest DNS name.
		slot, err := g.useDomain(d, hostileDomains[hostileSNICount-1])
		if err != nil {
			return err
		}
		s, err := g.serverFor(hostileLongSNI, &hostileLongTarget, true)
		if err != nil {
			return err
		}
		d.targets = append(d.targets, target{spec: &hostileLongTarget, domain: slot, server: s,
			hello: g.helloFor(d.spec.profile, hostileLongSNI, "")})
	}
	return nil
}

// hostileLongTarget describes the TLS server reached with hostileLongSNI.
var hostileLongTarget = targetSpec{role: roleEvent, port: 443, app: appTLS, up: [2]int32{300, 900}, down: [2]int32{300, 900}}

// hostileTargets are TLS 1.2 servers named by the hostile domains.
func hostileTargets() []targetSpec {
	out := make([]targetSpec, hostileSNICount)
	for i := range out {
		out[i] = targetSpec{role: roleEvent, domain: hostileDomains[i], port: 443, app: appTLS,
			up: [2]int32{300, 1200}, down: [2]int32{300, 1200}}
	}
	return out
}

// serverFor returns the TLS/QUIC server for sni, building its flights,
// certificate and QUIC handshakes on first use.
func (g *generator) serverFor(sni string, ts *targetSpec, hostile bool) (int32, error) {
	key := fmt.Sprintf("%s|%d|%s|%t", sni, ts.app, ts.alpn, ts.tls13)
	if i, ok := g.serverIndex[key]; ok {
		return i, nil
	}
	r := nameRand(g.opts.Seed, "server:"+key)
	s := tlsServer{sni: sni, tls13: ts.tls13 || ts.app == appQUIC, quic: ts.app == appQUIC, alpn: ts.alpn,
		rtt: 12*msec + r.Int64N(70*msec)}
	switch {
	case s.quic:
		for range quicVariants {
			v, err := buildQUICVariant(r, sni, ts.alpn)
			if err != nil {
				return 0, err
			}
			s.variants = append(s.variants, v)
		}
	case s.tls13:
		s.flight = g.addBlob(serverFlight13(900 + 2*len(sni) + r.IntN(1500)))
		s.clientFin = g.addBlob(clientFinish13())
		s.serverFin = g.addBlob(serverTickets13())
	default:
		cert, err := makeCertificate(g.opts.Seed, sni, certOrganization(sni, hostile), g.opts.Start)
		if err != nil {
			return 0, err
		}
		s.flight = g.addBlob(serverFlight12(cert, ts.alpn))
		s.clientFin = g.addBlob(clientFinish12())
		s.serverFin = g.addBlob(serverFinish12())
	}
	i := int32(len(g.servers))
	g.servers = append(g.servers, s)
	g.serverIndex[key] = i
	return i, nil
}

// helloFor returns the ClientHello record blob for a profile and server.
func (g *generator) helloFor(p helloProfile, sni, alpn string) int32 {
	key := fmt.Sprintf("%d|%s|%s", p, sni, alpn)
	if i, ok := g.helloIndex[key]; ok {
		return i
	}
	i := g.addBlob(clientHelloRecord(helloSpec{profile: p, sni: sni, alpn: alpn}, nameRand(g.opts.Seed, "hello:"+key)))
	g.helloIndex[key] = i
	return i
}

func (g *generator) addBlob(b blob) int32 {
	g.blobs = append(g.blobs, b)
	return int32(len(g.blobs) - 1)
}

// run drains the task queue in time order until the duration or the byte
// target is reached.
func (g *generator) run() error {
	for g.step() {
	}
	if g.err != nil {
		return g.err
	}
	return g.pw.Flush()
}

// step runs the next task; it reports false when generation is over.
func (g *generator) step() bool {
	if g.queue.len() == 0 || g.err != nil || g.target > 0 && g.bytes >= g.target {
		return false
	}
	t := g.queue.pop()
	if t.at >= g.end || t.at >= pcapTimeLimit {
		return false
	}
	g.now = t.at
	g.dispatch(t)
	return true
}

// emit writes the first n bytes of the scratch frame at the current time.
func (g *generator) emit(n int) {
	if g.err != nil {
		return
	}
	if err := g.pw.WritePacket(g.now, n, g.frame[:n]); err != nil {
		g.err = err
		return
	}
	g.packets++
	g.bytes += 16 + int64(n)
}

// schedule queues a task at an absolute time.
func (g *generator) schedule(at int64, kind taskKind, dev int32, a, b uint32, c uint64) {
	g.seq++
	g.queue.push(task{at: at, seq: g.seq, kind: kind, dev: dev, a: a, b: b, c: c})
}

// after queues a task delay nanoseconds from now.
func (g *generator) after(delay int64, kind taskKind, dev int32, a, b uint32, c uint64) {
	g.schedule(g.now+delay, kind, dev, a, b, c)
}

// between returns a uniform value in [lo, hi].
func (g *generator) between(lo, hi int64) int64 {
	if hi <= lo {
		return lo
	}
	return lo + g.rng.Int64N(hi-lo+1)
}

// fillPool fills p with pseudo-random bytes copied from the pool.
func (g *generator) fillPool(p []byte) {
	for len(p) > 0 {
		off := g.rng.IntN(poolSize)
		n := copy(p, g.pool[off:off+min(len(p), frameCap)])
		p = p[n:]
	}
}

// ephemeralPort hands out the device's next client port.
func (d *device) ephemeralPort() uint16 {
	for {
		d.nextPort++
		if d.nextPort < 32768 || d.nextPort > 60999 {
			d.nextPort = 32768
		}
		if d.nextPort != d.ctlPort {
			return d.nextPort
		}
	}
}

// truth reports what was generated.
func (g *generator) truth() Truth {
	t := Truth{
		GatewayMAC: g.gw.mac,
		GatewayIP:  netip.AddrFrom4([4]byte(g.gw.ip4[:4])),
		Packets:    g.packets,
		Bytes:      g.counter.n,
	}
	for _, d := range g.devs {
		dev := Device{
			Name:   d.name,
			Kind:   d.spec.kind,
			Vendor: d.spec.vendor,
			MAC:    d.mac,
			IPv4:   netip.AddrFrom4([4]byte(d.ip4[:4])),
			IPv6:   d.ipv6Addrs(),
		}
		for _, n := range d.domains {
			dev.Domains = append(dev.Domains, g.names[n].name)
		}
		t.Devices = append(t.Devices, dev)
	}
	return t
}

// usedSNIs lists the SNIs of servers that were contacted, in server order.
func (g *generator) usedSNIs() []string {
	var out []string
	for i := range g.servers {
		if g.servers[i].used {
			out = append(out, g.servers[i].sni)
		}
	}
	return out
}
