package synth

import (
	"crypto/cipher"
	"fmt"
	"math/rand/v2"

	"github.com/iotlens/iotlens/internal/dissect/quic"
)

const (
	quicVersion1 = quic.Version1
	quicCIDLen   = 8
	// quicMinDatagram is the RFC 9000 minimum size of a client datagram
	// that carries an Initial packet.
	quicMinDatagram = 1200
	quicPNLen       = 4
	quicTagLen      = 16
	// quicVariants is how many distinct handshakes are precomputed per
	// server; a connection picks one, so handshakes cost no crypto per packet.
	quicVariants = 16
	// quicMaxPayload bounds a 1-RTT datagram's UDP payload.
	quicMaxPayload = 1250
)

// quicVariant is one precomputed QUIC v1 handshake: the client's first
// datagram (Initial with the ClientHello), the server's reply (Initial with
// the ServerHello coalesced with a Handshake packet) and the client's second
// datagram (Initial ACK coalesced with a Handshake packet).
type quicVariant struct {
	clientInitial []byte
	serverFlight  []byte
	clientFlight  []byte
	clientCID     [quicCIDLen]byte // client's SCID: DCID of server->client 1-RTT packets
	serverCID     [quicCIDLen]byte // server's SCID: DCID of client->server 1-RTT packets
}

// varint appends a QUIC variable-length integer.
func (b *builder) varint(v uint64) {
	switch {
	case v < 1<<6:
		b.u8(byte(v))
	case v < 1<<14:
		b.u16(uint16(v) | 0x4000)
	case v < 1<<30:
		b.u32(uint32(v) | 0x80000000)
	default:
		b.u32(uint32(v>>32) | 0xc0000000)
		b.u32(uint32(v))
	}
}

// quicTransportParams writes Chrome-like transport parameters.
func quicTransportParams(b *builder, scid []byte) {
	param := func(id uint64, v uint64) {
		var vb builder
		vb.varint(v)
		b.varint(id)
		b.varint(uint64(len(vb.b)))
		b.bytes(vb.b)
	}
	param(0x01, 30000)    // max_idle_timeout
	param(0x03, 1472)     // max_udp_payload_size
	param(0x04, 15728640) // initial_max_data
	param(0x05, 6291456)  // initial_max_stream_data_bidi_local
	param(0x06, 6291456)  // initial_max_stream_data_bidi_remote
	param(0x07, 6291456)  // initial_max_stream_data_uni
	param(0x08, 100)      // initial_max_streams_bidi
	param(0x09, 103)      // initial_max_streams_uni
	b.varint(0x0f)        // initial_source_connection_id
	b.varint(uint64(len(scid)))
	b.bytes(scid)
}

// cryptoFrame appends a CRYPTO frame at offset 0.
func cryptoFrame(b *builder, data []byte) {
	b.u8(0x06)
	b.varint(0)
	b.varint(uint64(len(data)))
	b.bytes(data)
}

// ackFrame appends an ACK of packet 0 only.
func ackFrame(b *builder) {
	b.bytes([]byte{0x02, 0x00, 0x00, 0x00, 0x00})
}

// initialProtector seals Initial packets for one direction of a connection.
type initialProtector struct {
	aead cipher.AEAD
	iv   []byte
	hp   cipher.Block
}

func newInitialProtector(odcid []byte, server bool) (*initialProtector, error) {
	aead, hp, iv, err := quic.InitialCiphers(quicVersion1, odcid, server)
	if err != nil {
		return nil, err
	}
	return &initialProtector{aead: aead, iv: iv, hp: hp}, nil
}

// initialPacket builds and protects an Initial packet (RFC 9001 section 5)
// carrying payload, which the caller pads as the datagram requires.
func (p *initialProtector) initialPacket(dcid, scid []byte, pn uint32, payload []byte) []byte {
	var b builder
	b.u8(0xc0 | (quicPNLen - 1))
	b.u32(quicVersion1)
	b.u8(byte(len(dcid)))
	b.bytes(dcid)
	b.u8(byte(len(scid)))
	b.bytes(scid)
	b.varint(0) // token length
	b.u16(uint16(quicPNLen+len(payload)+quicTagLen) | 0x4000)
	pnOff := b.len()
	b.u32(pn)
	nonce := make([]byte, len(p.iv))
	copy(nonce, p.iv)
	for i := range 4 {
		nonce[len(nonce)-1-i] ^= byte(pn >> (8 * i))
	}
	pkt := p.aead.Seal(b.b, nonce, payload, b.b)
	var mask [16]byte
	p.hp.Encrypt(mask[:], pkt[pnOff+4:pnOff+4+16])
	pkt[0] ^= mask[0] & 0x0f
	for i := range quicPNLen {
		pkt[pnOff+i] ^= mask[1+i]
	}
	return pkt
}

// initialOverhead is the size of an Initial packet around its payload.
func initialOverhead(dcid, scid []byte) int {
	return 1 + 4 + 1 + len(dcid) + 1 + len(scid) + 1 + 2 + quicPNLen + quicTagLen
}

// handshakePacket builds a Handshake packet of exactly size bytes whose
// protected contents are random: the keys come from the TLS exchange, which
// a passive observer cannot derive, so random bytes are indistinguishable.
func handshakePacket(r *rand.Rand, dcid, scid []byte, size int) []byte {
	var b builder
	b.u8(0xe0 | byte(r.IntN(16)))
	b.u32(quicVersion1)
	b.u8(byte(len(dcid)))
	b.bytes(dcid)
	b.u8(byte(len(scid)))
	b.bytes(scid)
	body := size - b.len() - 2
	b.u16(uint16(body) | 0x4000)
	start := b.len()
	b.zeros(body)
	fillRandom(r, b.b[start:])
	return b.b
}

// buildQUICVariant precomputes one handshake with fresh connection IDs.
func buildQUICVariant(r *rand.Rand, sni, alpn string) (quicVariant, error) {
	var v quicVariant
	odcid := make([]byte, quicCIDLen)
	fillRandom(r, odcid)
	fillRandom(r, v.clientCID[:])
	fillRandom(r, v.serverCID[:])
	ccid, scid := v.clientCID[:], v.serverCID[:]

	client, err := newInitialProtector(odcid, false)
	if err != nil {
		return v, err
	}
	server, err := newInitialProtector(odcid, true)
	if err != nil {
		return v, err
	}

	hello, _ := clientHello(helloSpec{profile: profileQUIC, sni: sni, alpn: alpn, scid: ccid}, r)
	var payload builder
	cryptoFrame(&payload, hello)
	room := quicMinDatagram - initialOverhead(odcid, ccid) - payload.len()
	if room < 0 {
		return v, fmt.Errorf("synth: QUIC ClientHello for %q does not fit one Initial", sni)
	}
	payload.zeros(room) // PADDING frames
	v.clientInitial = client.initialPacket(odcid, ccid, 0, payload.b)

	var sh builder
	var spans []span
	serverHelloBody(&sh, &spans, true, true, "")
	for _, s := range spans {
		fillRandom(r, sh.b[s.off:s.off+s.n])
	}
	var sp builder
	ackFrame(&sp)
	cryptoFrame(&sp, sh.b)
	first := server.initialPacket(ccid, scid, 0, sp.b)
	v.serverFlight = append(first, handshakePacket(r, ccid, scid, quicMinDatagram-len(first))...)

	var cp builder
	ackFrame(&cp)
	const clientHandshake = 90
	cp.zeros(quicMinDatagram - clientHandshake - initialOverhead(scid, ccid) - cp.len())
	second := client.initialPacket(scid, ccid, 1, cp.b)
	v.clientFlight = append(second, handshakePacket(r, scid, ccid, clientHandshake)...)
	return v, nil
}

// writeShortPacket writes a 1-RTT packet of n bytes to dst: a short header
// with dcid followed by protected (random) bytes.
func (g *generator) writeShortPacket(dst []byte, dcid [quicCIDLen]byte, n int) {
	dst[0] = 0x40 | byte(g.rng.Uint32()&0x3f)
	copy(dst[1:], dcid[:])
	g.fillPool(dst[1+quicCIDLen : n])
}
