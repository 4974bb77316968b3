package synth

import (
	"encoding/binary"
	"hash/crc32"
	"strconv"
)

// DHCP message types (option 53).
const (
	dhcpDiscover = 1
	dhcpOffer    = 2
	dhcpRequest  = 3
	dhcpAck      = 5
)

// writeDHCP writes a BOOTP/DHCP message for device d into dst and returns
// its length (at least the 300 bytes BOOTP requires).
func (g *generator) writeDHCP(dst []byte, d *device, msgType byte, renew bool) int {
	clear(dst[:300])
	fromServer := msgType == dhcpOffer || msgType == dhcpAck
	dst[0] = 1
	if fromServer {
		dst[0] = 2
	}
	dst[1], dst[2] = 1, 6
	binary.BigEndian.PutUint32(dst[4:], d.xid)
	if renew {
		copy(dst[12:16], d.ip4[:4]) // ciaddr
	}
	if fromServer {
		copy(dst[16:20], d.ip4[:4]) // yiaddr
	}
	copy(dst[28:34], d.mac[:])
	binary.BigEndian.PutUint32(dst[236:], 0x63825363)
	n := 240
	opt := func(code byte, val []byte) {
		dst[n], dst[n+1] = code, byte(len(val))
		n += 2 + copy(dst[n+2:], val)
	}
	opt(53, []byte{msgType})
	if fromServer {
		g.serverOptions(opt)
	} else {
		clientID := [7]byte{1, d.mac[0], d.mac[1], d.mac[2], d.mac[3], d.mac[4], d.mac[5]}
		opt(61, clientID[:])
		if msgType == dhcpDiscover {
			opt(57, []byte{0x05, 0xdc})
		}
		if msgType == dhcpRequest && !renew {
			opt(50, d.ip4[:4])
			opt(54, g.gw.ip4[:4])
		}
		opt(12, []byte(d.name))
		if d.spec.vendorClass != "" {
			opt(60, []byte(d.spec.vendorClass))
		}
		opt(55, d.spec.paramList)
	}
	dst[n] = 255
	return max(n+1, 300)
}

// serverOptions writes the gateway's lease options.
func (g *generator) serverOptions(opt func(byte, []byte)) {
	var lease, t1, t2 [4]byte
	binary.BigEndian.PutUint32(lease[:], leaseSeconds)
	binary.BigEndian.PutUint32(t1[:], leaseSeconds/2)
	binary.BigEndian.PutUint32(t2[:], leaseSeconds*7/8)
	opt(54, g.gw.ip4[:4])
	opt(51, lease[:])
	opt(58, t1[:])
	opt(59, t2[:])
	opt(1, []byte{255, 255, 255, 0})
	opt(28, []byte{192, 168, 1, 255})
	opt(3, g.gw.ip4[:4])
	opt(6, g.gw.ip4[:4])
	opt(15, []byte("home"))
}

// DHCPv6 message types and options.
const (
	dhcp6Solicit   = 1
	dhcp6Advertise = 2
	dhcp6Request   = 3
	dhcp6Reply     = 7
)

// writeDHCPv6 writes a DHCPv6 message of the hub's stateful exchange.
func (g *generator) writeDHCPv6(dst []byte, d *device, msgType byte) int {
	dst[0] = msgType
	dst[1], dst[2], dst[3] = byte(d.xid>>16), byte(d.xid>>8), byte(d.xid)
	n := 4
	opt := func(code uint16, body func(b []byte) int) {
		binary.BigEndian.PutUint16(dst[n:], code)
		l := body(dst[n+4:])
		binary.BigEndian.PutUint16(dst[n+2:], uint16(l))
		n += 4 + l
	}
	duid := func(mac [6]byte) func([]byte) int {
		return func(b []byte) int {
			b[0], b[1], b[2], b[3] = 0, 3, 0, 1 // DUID-LL, Ethernet
			return 4 + copy(b[4:], mac[:])
		}
	}
	opt(1, duid(d.mac))
	fromServer := msgType == dhcp6Advertise || msgType == dhcp6Reply
	if fromServer || msgType == dhcp6Request {
		opt(2, duid(g.gw.mac))
	}
	if !fromServer {
		opt(8, func(b []byte) int { b[0], b[1] = 0, 0; return 2 })
	}
	opt(3, func(b []byte) int {
		binary.BigEndian.PutUint32(b[0:], uint32(d.idx)+1) // IAID
		binary.BigEndian.PutUint32(b[4:], 0)
		binary.BigEndian.PutUint32(b[8:], 0)
		if !fromServer && msgType != dhcp6Request {
			return 12
		}
		binary.BigEndian.PutUint16(b[12:], 5) // IA Address
		binary.BigEndian.PutUint16(b[14:], 24)
		copy(b[16:32], d.dhcp6[:])
		binary.BigEndian.PutUint32(b[32:], 14400)
		binary.BigEndian.PutUint32(b[36:], 86400)
		return 40
	})
	if fromServer {
		opt(23, func(b []byte) int { return copy(b, g.gw.ll6[:]) })
	} else {
		opt(6, func(b []byte) int { b[0], b[1], b[2], b[3] = 0, 23, 0, 24; return 4 })
	}
	return n
}

// ICMPv6 neighbour discovery.
const (
	icmp6RouterSolicit = 133
	icmp6RouterAdvert  = 134
	icmp6NeighSolicit  = 135
	icmp6NeighAdvert   = 136
)

// writeRouterSolicit writes an RS with the source link-layer option.
func writeRouterSolicit(m []byte, mac [6]byte) int {
	m[0], m[1] = icmp6RouterSolicit, 0
	clear(m[4:8])
	m[8], m[9] = 1, 1
	copy(m[10:16], mac[:])
	return 16
}

// writeRouterAdvert writes the gateway's RA: managed and other flags, the
// home /64 for SLAAC, the MTU and the gateway as recursive DNS server.
func (g *generator) writeRouterAdvert(m []byte) int {
	m[0], m[1] = icmp6RouterAdvert, 0
	m[4] = 64
	m[5] = 0xc0 // M and O
	binary.BigEndian.PutUint16(m[6:], 1800)
	clear(m[8:16])
	n := 16
	m[n], m[n+1] = 1, 1
	copy(m[n+2:n+8], g.gw.mac[:])
	n += 8
	m[n], m[n+1] = 5, 1
	binary.BigEndian.PutUint16(m[n+2:], 0)
	binary.BigEndian.PutUint32(m[n+4:], mtu)
	n += 8
	m[n], m[n+1], m[n+2], m[n+3] = 3, 4, 64, 0xc0 // prefix info, on-link + autonomous
	binary.BigEndian.PutUint32(m[n+4:], 86400)
	binary.BigEndian.PutUint32(m[n+8:], 14400)
	clear(m[n+12 : n+16])
	clear(m[n+16 : n+32])
	copy(m[n+16:n+24], g.gw.prefix[:])
	n += 32
	m[n], m[n+1] = 25, 3 // RDNSS
	clear(m[n+2 : n+4])
	binary.BigEndian.PutUint32(m[n+4:], 1800)
	copy(m[n+8:n+24], g.gw.ll6[:])
	return n + 24
}

// writeNeighbor writes an NS (or NA when advert) for target; mac, when
// non-nil, goes in the source (NS) or target (NA) link-layer option.
func writeNeighbor(m []byte, advert bool, flags byte, target [16]byte, mac *[6]byte) int {
	m[0], m[1] = icmp6NeighSolicit, 0
	optType := byte(1)
	if advert {
		m[0] = icmp6NeighAdvert
		optType = 2
	}
	clear(m[4:8])
	m[4] = flags
	copy(m[8:24], target[:])
	if mac == nil {
		return 24
	}
	m[24], m[25] = optType, 1
	copy(m[26:32], mac[:])
	return 32
}

// writeARP writes an ARP packet (after the Ethernet header).
func writeARP(b []byte, op uint16, sha [6]byte, spa [16]byte, tha [6]byte, tpa [16]byte) int {
	binary.BigEndian.PutUint16(b[0:], 1)
	binary.BigEndian.PutUint16(b[2:], etherIPv4)
	b[4], b[5] = 6, 4
	binary.BigEndian.PutUint16(b[6:], op)
	copy(b[8:14], sha[:])
	copy(b[14:18], spa[:4])
	copy(b[18:24], tha[:])
	copy(b[24:28], tpa[:4])
	return 28
}

// ntpTime converts Unix nanoseconds to a 64-bit NTP timestamp.
func ntpTime(ns int64) uint64 {
	const unixToNTP = 2208988800
	sec := uint64(ns/1e9) + unixToNTP
	frac := (uint64(ns%1e9) << 32) / 1e9
	return sec<<32 | frac
}

// writeNTP writes an NTPv4 client request (mode 3) or server reply (mode 4).
func writeNTP(b []byte, reply bool, origin, receive, transmit uint64, refID [4]byte) int {
	clear(b[:48])
	if !reply {
		b[0] = 0x23 // LI 0, VN 4, mode 3
		b[2] = 10
		b[3] = 0xec
		binary.BigEndian.PutUint64(b[40:], transmit)
		return 48
	}
	b[0], b[1], b[2], b[3] = 0x24, 2, 10, 0xe9
	binary.BigEndian.PutUint32(b[4:], 0x0000_0300)
	binary.BigEndian.PutUint32(b[8:], 0x0000_0500)
	copy(b[12:16], refID[:])
	binary.BigEndian.PutUint64(b[16:], receive-(64<<32))
	binary.BigEndian.PutUint64(b[24:], origin)
	binary.BigEndian.PutUint64(b[32:], receive)
	binary.BigEndian.PutUint64(b[40:], transmit)
	return 48
}

const stunMagic = 0x2112A442

// writeSTUN writes a Binding request, or a success response carrying the
// home's public address in XOR-MAPPED-ADDRESS.
func writeSTUN(b []byte, response bool, txid uint64, public [16]byte, port uint16) int {
	binary.BigEndian.PutUint16(b[0:], 0x0001)
	binary.BigEndian.PutUint16(b[2:], 0)
	binary.BigEndian.PutUint32(b[4:], stunMagic)
	binary.BigEndian.PutUint32(b[8:], 0x5ee4c0de)
	binary.BigEndian.PutUint64(b[12:], txid)
	if !response {
		return 20
	}
	binary.BigEndian.PutUint16(b[0:], 0x0101)
	binary.BigEndian.PutUint16(b[2:], 12)
	binary.BigEndian.PutUint16(b[20:], 0x0020)
	binary.BigEndian.PutUint16(b[22:], 8)
	b[24], b[25] = 0, 1
	binary.BigEndian.PutUint16(b[26:], port^uint16(stunMagic>>16))
	binary.BigEndian.PutUint32(b[28:], binary.BigEndian.Uint32(public[:4])^stunMagic)
	return 32
}

// writeTuyaFrame writes a Tuya LAN frame (prefix 0x55aa ... suffix 0xaa55)
// whose payload is n random bytes standing for the AES-encrypted JSON.
func (g *generator) writeTuyaFrame(b []byte, seq, cmd uint32, withRetCode bool, n int) int {
	binary.BigEndian.PutUint32(b[0:], 0x000055aa)
	binary.BigEndian.PutUint32(b[4:], seq)
	binary.BigEndian.PutUint32(b[8:], cmd)
	at := 16
	if withRetCode {
		binary.BigEndian.PutUint32(b[16:], 0)
		at = 20
	}
	g.fillPool(b[at : at+n])
	end := at + n
	binary.BigEndian.PutUint32(b[12:], uint32(end-16+8))
	binary.BigEndian.PutUint32(b[end:], crc32.ChecksumIEEE(b[:end]))
	binary.BigEndian.PutUint32(b[end+4:], 0x0000aa55)
	return end + 8
}

// kasaEncrypt applies the TP-Link Smart Home Protocol XOR autokey cipher.
func kasaEncrypt(dst []byte, plain string) int {
	key := byte(171)
	for i := range len(plain) {
		key ^= plain[i]
		dst[i] = key
	}
	return len(plain)
}

// Dynamic message kinds, built per send by buildDynamic.
const (
	dynMQTTConnect int32 = iota
	dynMQTTConnAck
	dynMQTTSubscribe
	dynMQTTSubAck
	dynMQTTPublishUp
	dynMQTTPublishDown
	dynMQTTPingReq
	dynMQTTPingResp
	dynHTTPConnCheck
	dynHTTP204
	dynHTTPStatusGet
	dynHTTPStatusResp
	dynKasaGet
	dynKasaInfo
	dynTuyaQuery
	dynTuyaStatus
)

const kasaGetSysinfo = `{"system":{"get_sysinfo":{}}}`

// buildDynamic writes a small application message into dst.
func (g *generator) buildDynamic(f *flow, kind int32, dst []byte) int {
	d := g.devs[f.dev]
	b := dst[:0]
	switch kind {
	case dynMQTTConnect:
		b = mqttConnect(b, d.name)
	case dynMQTTConnAck:
		b = append(b, 0x20, 0x02, 0x00, 0x00)
	case dynMQTTSubscribe:
		d.mqttID++
		b = mqttSubscribe(b, d.mqttID, d.name)
	case dynMQTTSubAck:
		b = append(b, 0x90, 0x03, byte(d.mqttID>>8), byte(d.mqttID), 0x01)
	case dynMQTTPublishUp:
		b = g.mqttTelemetry(b, d)
	case dynMQTTPublishDown:
		b = g.mqttSetpoint(b, d)
	case dynMQTTPingReq:
		b = append(b, 0xc0, 0x00)
	case dynMQTTPingResp:
		b = append(b, 0xd0, 0x00)
	case dynHTTPConnCheck:
		b = append(b, "GET /generate_204 HTTP/1.1\r\nHost: connectivitycheck.gstatic.com\r\n"+
			"User-Agent: Dalvik/2.1.0 (Linux; U; Android 14; Pixel 7 Build/AP2A.240805.005)\r\n"+
			"Connection: Keep-Alive\r\nAccept-Encoding: gzip\r\n\r\n"...)
	case dynHTTP204:
		b = append(b, "HTTP/1.1 204 No Content\r\nContent-Length: 0\r\nCross-Origin-Resource-Policy: cross-origin\r\n\r\n"...)
	case dynHTTPStatusGet:
		b = append(b, "GET /status/zp HTTP/1.1\r\nHost: "...)
		b = appendIPv4(b, g.devs[f.peer].ip4)
		b = append(b, ":1400\r\nUser-Agent: Sonos/80.1 (Android)\r\nAccept: */*\r\n\r\n"...)
	case dynHTTPStatusResp:
		b = g.sonosStatus(b, g.devs[f.peer])
	case dynKasaGet:
		b = b[:4+kasaEncrypt(dst[4:], kasaGetSysinfo)]
		binary.BigEndian.PutUint32(b, uint32(len(kasaGetSysinfo)))
	case dynKasaInfo:
		info := g.devs[f.peer].kasaInfo
		b = b[:4+copy(dst[4:], info)]
		binary.BigEndian.PutUint32(b, uint32(len(info)))
	case dynTuyaQuery:
		b = b[:g.writeTuyaFrame(dst, uint32(g.devs[f.peer].beats), 0x0a, false, 80)]
	case dynTuyaStatus:
		b = b[:g.writeTuyaFrame(dst, uint32(g.devs[f.peer].beats), 0x0a, true, 96+16*g.rng.IntN(4))]
	}
	return len(b)
}

// appendMQTTString appends an MQTT length-prefixed string.
func appendMQTTString(b []byte, parts ...string) []byte {
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	b = append(b, byte(n>>8), byte(n))
	for _, p := range parts {
		b = append(b, p...)
	}
	return b
}

// mqttFixed writes a fixed header whose remaining length is one byte and
// returns where that byte is, to be patched once the body is known.
func mqttFixed(b []byte, first byte) ([]byte, int) {
	return append(b, first, 0), len(b) + 1
}

// mqttPatch fills in the remaining length, widening it to two bytes (and
// shifting the body) when it exceeds 127.
func mqttPatch(b []byte, at int) []byte {
	n := len(b) - at - 1
	if n < 128 {
		b[at] = byte(n)
		return b
	}
	b = append(b, 0)
	copy(b[at+2:], b[at+1:len(b)-1])
	b[at] = byte(n&0x7f) | 0x80
	b[at+1] = byte(n >> 7)
	return b
}

func mqttConnect(b []byte, clientID string) []byte {
	b, at := mqttFixed(b, 0x10)
	b = append(b, 0, 4, 'M', 'Q', 'T', 'T', 4, 0x02, 0, 60)
	b = appendMQTTString(b, clientID)
	return mqttPatch(b, at)
}

func mqttSubscribe(b []byte, id uint16, name string) []byte {
	b, at := mqttFixed(b, 0x82)
	b = append(b, byte(id>>8), byte(id))
	b = appendMQTTString(b, "ecobee/", name, "/cmd")
	b = append(b, 1)
	return mqttPatch(b, at)
}

func (g *generator) mqttTelemetry(b []byte, d *device) []byte {
	b, at := mqttFixed(b, 0x30)
	b = appendMQTTString(b, "ecobee/", d.name, "/telemetry")
	b = append(b, `{"temp":`...)
	b = appendTenths(b, 190+g.rng.IntN(50))
	b = append(b, `,"hum":`...)
	b = strconv.AppendInt(b, int64(35+g.rng.IntN(20)), 10)
	b = append(b, `,"hvac":"heat","setpoint":21.5,"ts":`...)
	b = strconv.AppendInt(b, g.now/1e9, 10)
	b = append(b, '}')
	return mqttPatch(b, at)
}

func (g *generator) mqttSetpoint(b []byte, d *device) []byte {
	b, at := mqttFixed(b, 0x30)
	b = appendMQTTString(b, "ecobee/", d.name, "/cmd")
	b = append(b, `{"setpoint":`...)
	b = appendTenths(b, 180+g.rng.IntN(60))
	b = append(b, '}')
	return mqttPatch(b, at)
}

// appendTenths appends v/10 with one decimal.
func appendTenths(b []byte, v int) []byte {
	b = strconv.AppendInt(b, int64(v/10), 10)
	return append(b, '.', byte('0'+v%10))
}

// sonosStatus writes the speaker's HTTP reply with a small JSON body.
func (g *generator) sonosStatus(b []byte, spk *device) []byte {
	body := g.scratch[:0]
	body = append(body, `{"zone":"`...)
	body = append(body, spk.name...)
	body = append(body, `","state":"PLAYING","volume":`...)
	body = strconv.AppendInt(body, int64(10+g.rng.IntN(50)), 10)
	body = append(body, `,"uptime":`...)
	body = strconv.AppendInt(body, (g.now-g.start)/1e9, 10)
	body = append(body, '}')
	b = append(b, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nServer: Linux UPnP/1.0 Sonos/80.1-55240 (ZPS29)\r\nContent-Length: "...)
	b = strconv.AppendInt(b, int64(len(body)), 10)
	b = append(b, "\r\n\r\n"...)
	return append(b, body...)
}

// appendIPv4 appends the dotted form of the IPv4 address in ip[:4].
func appendIPv4(b []byte, ip [16]byte) []byte {
	for i := range 4 {
		if i > 0 {
			b = append(b, '.')
		}
		b = strconv.AppendInt(b, int64(ip[i]), 10)
	}
	return b
}

// appendMACHex appends the MAC as upper-case hex with sep between bytes
// (no separator when sep is 0).
func appendMACHex(b []byte, mac [6]byte, sep byte) []byte {
	const hexdigits = "0123456789ABCDEF"
	for i, v := range mac {
		if i > 0 && sep != 0 {
			b = append(b, sep)
		}
		b = append(b, hexdigits[v>>4], hexdigits[v&15])
	}
	return b
}
