package synth

import (
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"strings"
)

const (
	typeA     = 1
	typeCNAME = 5
	typePTR   = 12
	typeTXT   = 16
	typeAAAA  = 28
	typeSRV   = 33
	classIN   = 1
	// cacheFlush marks an mDNS record as the unique owner of its name.
	cacheFlush = 0x8000
	// addrPool is how many addresses a rotating name cycles through.
	addrPool = 4
)

// dnsName is one node of the home's DNS view: a name with either a CNAME
// to the next node or a pool of addresses.
type dnsName struct {
	name   string
	wire   []byte // uncompressed wire format
	cname  int32  // next name in the chain, or -1 when this name has addresses
	ttl    uint32
	rotate bool
	hasV6  bool
	v4     [addrPool][16]byte
	v6     [addrPool][16]byte
	served uint32 // resolutions so far, drives rotation
}

// encodeName converts a dotted name to DNS wire format. Labels may hold any
// byte except the dot; they must be 1..63 bytes and the name at most 255.
func encodeName(name string) ([]byte, error) {
	wire := make([]byte, 0, len(name)+2)
	for label := range strings.SplitSeq(name, ".") {
		if len(label) == 0 || len(label) > 63 {
			return nil, fmt.Errorf("synth: bad DNS label in %q", name)
		}
		wire = append(wire, byte(len(label)))
		wire = append(wire, label...)
	}
	wire = append(wire, 0)
	if len(wire) > 255 {
		return nil, fmt.Errorf("synth: DNS name %q too long", name)
	}
	return wire, nil
}

// nameHash mixes the seed with a name so that per-name choices (addresses,
// CNAME targets, keys) do not depend on the order names are added.
func nameHash(seed uint64, name string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(name))
	return h.Sum64() ^ seed*0x9e3779b97f4a7c15
}

// nameRand returns a generator private to one name.
func nameRand(seed uint64, name string) *rand.Rand {
	return rand.New(rand.NewPCG(nameHash(seed, name), seed))
}

// addName returns the index of name in the DNS table, building it and its
// CNAME chain on first use.
func (g *generator) addName(name string) (int32, error) {
	if i, ok := g.nameIndex[name]; ok {
		return i, nil
	}
	spec, ok := domainSpecs[name]
	if !ok {
		spec = domainSpec{cdn: cdnVendor, ttl: 300}
	}
	return g.addNameSpec(name, spec, 0)
}

func (g *generator) addNameSpec(name string, spec domainSpec, depth int) (int32, error) {
	if i, ok := g.nameIndex[name]; ok {
		return i, nil
	}
	wire, err := encodeName(name)
	if err != nil {
		return 0, err
	}
	r := nameRand(g.opts.Seed, name)
	n := dnsName{name: name, wire: wire, cname: -1, ttl: spec.ttl, rotate: spec.rotate, hasV6: spec.v6}
	if target := cnameTarget(name, spec.cdn, depth, r); target != "" {
		next := spec
		next.ttl = 20 + uint32(r.IntN(40))
		if spec.cdn == cdnAkamai && depth == 0 {
			next.ttl = spec.ttl
		}
		idx, err := g.addNameSpec(target, next, depth+1)
		if err != nil {
			return 0, err
		}
		n.cname = idx
	} else {
		fillAddresses(&n, spec.cdn, r)
	}
	i := int32(len(g.names))
	g.names = append(g.names, n)
	g.nameIndex[name] = i
	return i, nil
}

// cnameTarget names the next hop of a CDN chain, or "" at the end.
func cnameTarget(name string, cdn cdnKind, depth int, r *rand.Rand) string {
	first, _, _ := strings.Cut(name, ".")
	switch {
	case cdn == cdnELB && depth == 0:
		return fmt.Sprintf("%s-%d.us-east-1.elb.amazonaws.com", trimLabel(first, 20), 100000000+r.IntN(899999999))
	case cdn == cdnCloudFront && depth == 0:
		return "d" + randomBase36(r, 13) + ".cloudfront.net"
	case cdn == cdnAkamai && depth == 0:
		return name + ".edgekey.net"
	case cdn == cdnAkamai && depth == 1:
		return fmt.Sprintf("e%d.a.akamaiedge.net", 1000+r.IntN(9000))
	case cdn == cdnGoogle && depth == 0:
		return trimLabel(first, 20) + ".l.google.com"
	case cdn == cdnS3 && depth == 0:
		return "s3-r-w.us-west-2.amazonaws.com"
	}
	return ""
}

func trimLabel(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

func randomBase36(r *rand.Rand, n int) string {
	const digits = "0123456789abcdefghijklmnopqrstuvwxyz"
	b := make([]byte, n)
	for i := range b {
		b[i] = digits[r.IntN(len(digits))]
	}
	return string(b)
}

// fillAddresses picks the pool of addresses from the provider's ranges.
func fillAddresses(n *dnsName, cdn cdnKind, r *rand.Rand) {
	for i := range addrPool {
		n.v4[i] = providerV4(cdn, r)
		n.v6[i] = providerV6(cdn, r)
	}
}

// providerV4 returns a public IPv4 address in the provider's space.
func providerV4(cdn cdnKind, r *rand.Rand) [16]byte {
	type prefix struct{ a, b byte }
	var choices []prefix
	switch cdn {
	case cdnELB:
		choices = []prefix{{3, 208 + byte(r.IntN(32))}, {54, 80 + byte(r.IntN(16))}, {52, 0 + byte(r.IntN(8))}}
	case cdnCloudFront:
		choices = []prefix{{13, 224 + byte(r.IntN(4))}, {18, 160 + byte(r.IntN(8))}, {99, 84 + byte(r.IntN(4))}}
	case cdnAkamai:
		choices = []prefix{{23, 32 + byte(r.IntN(32))}, {104, 64 + byte(r.IntN(64))}}
	case cdnGoogle, cdnGoogleEdge:
		choices = []prefix{{142, 250 + byte(r.IntN(2))}, {172, 217}, {216, 58}}
	case cdnS3:
		choices = []prefix{{52, 218 + byte(r.IntN(2))}, {3, 5}}
	case cdnNTPPool:
		choices = []prefix{{162, 159}, {45, 79 + byte(r.IntN(4))}, {66, 85}, {129, 250}, {198, 60}}
	default:
		choices = []prefix{{52, 20 + byte(r.IntN(40))}, {34, 192 + byte(r.IntN(32))}, {35, 160 + byte(r.IntN(32))}}
	}
	p := choices[r.IntN(len(choices))]
	return v4(p.a, p.b, byte(r.IntN(256)), byte(1+r.IntN(254)))
}

// providerV6 returns a public IPv6 address in the provider's space.
func providerV6(cdn cdnKind, r *rand.Rand) [16]byte {
	var a [16]byte
	switch cdn {
	case cdnCloudFront:
		copy(a[:], []byte{0x26, 0x00, 0x90, 0x00})
	case cdnAkamai:
		copy(a[:], []byte{0x26, 0x00, 0x14, 0x08})
	case cdnGoogle, cdnGoogleEdge:
		copy(a[:], []byte{0x26, 0x07, 0xf8, 0xb0, 0x40, 0x05})
	default:
		copy(a[:], []byte{0x26, 0x00, 0x1f, 0x18})
	}
	for i := 4; i < 16; i++ {
		if a[i] == 0 {
			a[i] = byte(r.IntN(256))
		}
	}
	return a
}

// terminal follows the CNAME chain of name i to the node holding addresses.
func (g *generator) terminal(i int32) int32 {
	for g.names[i].cname >= 0 {
		i = g.names[i].cname
	}
	return i
}

// nextAnswer picks the address slot the next resolution of name i returns.
func (g *generator) nextAnswer(i int32) uint32 {
	t := &g.names[g.terminal(i)]
	if !t.rotate {
		return 0
	}
	t.served++
	return t.served % addrPool
}

// writeDNSQuery writes a recursive query for name i and returns its length.
func writeDNSQuery(dst []byte, id uint16, wire []byte, qtype uint16) int {
	binary.BigEndian.PutUint16(dst[0:], id)
	binary.BigEndian.PutUint16(dst[2:], 0x0100) // RD
	binary.BigEndian.PutUint16(dst[4:], 1)
	clear(dst[6:12])
	n := 12 + copy(dst[12:], wire)
	binary.BigEndian.PutUint16(dst[n:], qtype)
	binary.BigEndian.PutUint16(dst[n+2:], classIN)
	return n + 4
}

// writeDNSResponse writes the resolver's answer to a query for name i: the
// CNAME chain, then the terminal's addresses starting at slot (two for
// names that do not rotate). It returns the message length.
func (g *generator) writeDNSResponse(dst []byte, id uint16, i int32, qtype uint16, slot uint32) int {
	n := writeDNSQuery(dst, id, g.names[i].wire, qtype)
	binary.BigEndian.PutUint16(dst[2:], 0x8180) // QR RD RA
	answers := uint16(0)
	namePtr := 12
	for cur := i; ; {
		node := &g.names[cur]
		if node.cname < 0 {
			count := 2
			if node.rotate {
				count = 1
			}
			if qtype == typeAAAA && !node.hasV6 {
				count = 0
			}
			for k := range count {
				s := (slot + uint32(k)) % addrPool
				if qtype == typeAAAA {
					n = putRR(dst, n, namePtr, typeAAAA, classIN, node.ttl, node.v6[s][:])
				} else {
					n = putRR(dst, n, namePtr, typeA, classIN, node.ttl, node.v4[s][:4])
				}
				answers++
			}
			break
		}
		next := &g.names[node.cname]
		n = putRR(dst, n, namePtr, typeCNAME, classIN, node.ttl, next.wire)
		namePtr = n - len(next.wire)
		answers++
		cur = node.cname
	}
	binary.BigEndian.PutUint16(dst[6:], answers)
	return n
}

// putRR appends a resource record whose owner is a compression pointer to
// namePtr and returns the new length.
func putRR(dst []byte, n, namePtr int, rrType, class uint16, ttl uint32, rdata []byte) int {
	binary.BigEndian.PutUint16(dst[n:], 0xc000|uint16(namePtr))
	binary.BigEndian.PutUint16(dst[n+2:], rrType)
	binary.BigEndian.PutUint16(dst[n+4:], class)
	binary.BigEndian.PutUint32(dst[n+6:], ttl)
	binary.BigEndian.PutUint16(dst[n+10:], uint16(len(rdata)))
	return n + 12 + copy(dst[n+12:], rdata)
}
