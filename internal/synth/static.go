package synth

import (
	"encoding/binary"
	"fmt"
	"strings"
)

// staticPayloads are per-device messages whose bytes never change, built
// once so that sending them is a copy.
type staticPayloads struct {
	mdnsAnnounce []byte
	ssdpNotify   [][]byte
	ssdpReply    []byte
	ssdpSearch   []byte
	kasaInfo     []byte // XOR-encrypted get_sysinfo reply, no length prefix
}

// servicePort is the port each announced DNS-SD service listens on.
var servicePort = map[string]uint16{"_sonos._tcp": 1443, "_googlecast._tcp": 8009, "_hap._tcp": 8080}

// buildStatic prepares d's constant payloads.
func (g *generator) buildStatic(d *device) error {
	if len(d.spec.mdns) > 0 {
		a, err := mdnsAnnouncement(d)
		if err != nil {
			return err
		}
		d.mdnsAnnounce = a
	}
	if d.spec.ssdpNotify {
		d.ssdpNotify, d.ssdpReply = sonosSSDP(d)
	}
	if d.spec.ssdpSearch {
		d.ssdpSearch = ssdpSearch(d.kind)
	}
	if d.kind == kindPlug {
		info := kasaSysinfo(d)
		d.kasaInfo = make([]byte, len(info))
		kasaEncrypt(d.kasaInfo, info)
	}
	return nil
}

// rr appends an uncompressed resource record.
func (b *builder) rr(owner []byte, rrType, class uint16, ttl uint32, rdata []byte) {
	b.bytes(owner)
	b.u16(rrType)
	b.u16(class)
	b.u32(ttl)
	b.u16(uint16(len(rdata)))
	b.bytes(rdata)
}

// mdnsAnnouncement is an unsolicited mDNS response advertising d's
// services (PTR, SRV, TXT) and its host name's addresses.
func mdnsAnnouncement(d *device) ([]byte, error) {
	hostWire, err := labelWire(d.mdnsLabel, "local")
	if err != nil {
		return nil, err
	}
	enumWire, _ := encodeName("_services._dns-sd._udp.local")
	var b builder
	b.u16(0)
	b.u16(0x8400)
	b.u16(0)
	b.u16(0) // answer count, patched below
	b.u16(0)
	b.u16(0)
	count := 0
	for _, svc := range d.spec.mdns {
		svcWire, err := encodeName(svc + ".local")
		if err != nil {
			return nil, err
		}
		instWire, err := labelWire(d.mdnsLabel, svc+".local")
		if err != nil {
			return nil, err
		}
		var srv builder
		srv.u16(0)
		srv.u16(0)
		srv.u16(servicePort[svc])
		srv.bytes(hostWire)
		b.rr(enumWire, typePTR, classIN, 4500, svcWire)
		b.rr(svcWire, typePTR, classIN, 4500, instWire)
		b.rr(instWire, typeSRV, classIN|cacheFlush, 120, srv.b)
		b.rr(instWire, typeTXT, classIN|cacheFlush, 4500, txtRecord(d, svc))
		count += 4
	}
	b.rr(hostWire, typeA, classIN|cacheFlush, 120, d.ip4[:4])
	count++
	if d.spec.v6&v6LinkLocal != 0 {
		b.rr(hostWire, typeAAAA, classIN|cacheFlush, 120, d.ll6[:])
		count++
	}
	binary.BigEndian.PutUint16(b.b[6:], uint16(count))
	return b.b, nil
}

// labelWire encodes one free-form label (which may contain dots or any
// byte, as DNS-SD instance names do) followed by a dotted suffix.
func labelWire(label, suffix string) ([]byte, error) {
	if len(label) == 0 || len(label) > 63 {
		return nil, fmt.Errorf("synth: bad mDNS label %q", label)
	}
	rest, err := encodeName(suffix)
	if err != nil {
		return nil, err
	}
	return append(append([]byte{byte(len(label))}, label...), rest...), nil
}

// txtRecord is the DNS-SD TXT data for one service.
func txtRecord(d *device, svc string) []byte {
	id := string(appendMACHex(nil, d.mac, ':'))
	var kv []string
	switch svc {
	case "_googlecast._tcp":
		kv = []string{"id=" + strings.ReplaceAll(strings.ToLower(id), ":", "") + "0000000000000000000000", "md=Sonos Era 100", "fn=" + d.name, "ve=05", "ca=2052"}
	case "_sonos._tcp":
		kv = []string{"info=/api/v1/players/RINCON_" + strings.ReplaceAll(id, ":", "") + "01400/info", "vers=3", "protovers=1.24.1"}
	case "_hap._tcp":
		kv = []string{"c#=2", "ff=1", "id=" + id, "md=" + d.name, "s#=1", "sf=0", "ci=9"}
	}
	var b builder
	for _, s := range kv {
		b.prefixed(1, func() { b.str(s) })
	}
	return b.b
}

// sonosSSDP builds the speaker's three NOTIFY ssdp:alive messages and its
// unicast M-SEARCH response.
func sonosSSDP(d *device) ([][]byte, []byte) {
	uuid := "RINCON_" + string(appendMACHex(nil, d.mac, 0)) + "01400"
	location := "http://" + string(appendIPv4(nil, d.ip4)) + ":1400/xml/device_description.xml"
	const server = "Linux UPnP/1.0 Sonos/80.1-55240 (ZPS29)"
	const deviceType = "urn:schemas-upnp-org:device:ZonePlayer:1"
	var notify [][]byte
	for _, nt := range []string{"upnp:rootdevice", "uuid:" + uuid, deviceType} {
		usn := "uuid:" + uuid
		if nt != usn {
			usn += "::" + nt
		}
		notify = append(notify, []byte("NOTIFY * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nCACHE-CONTROL: max-age = 1800\r\n"+
			"LOCATION: "+location+"\r\nNT: "+nt+"\r\nNTS: ssdp:alive\r\nSERVER: "+server+"\r\nUSN: "+usn+"\r\n"+
			"X-RINCON-HOUSEHOLD: Sonos_"+strings.ToLower(uuid[7:19])+"\r\n\r\n"))
	}
	reply := []byte("HTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age = 1800\r\nEXT:\r\nLOCATION: " + location + "\r\n" +
		"SERVER: " + server + "\r\nST: " + deviceType + "\r\nUSN: uuid:" + uuid + "::" + deviceType + "\r\n\r\n")
	return notify, reply
}

// ssdpSearch is the M-SEARCH a kind sends.
func ssdpSearch(k deviceKind) []byte {
	st, agent := "ssdp:all", "Linux/3.10 UPnP/1.1 SmartThings/0.53"
	switch k {
	case kindVoice:
		st, agent = "urn:schemas-upnp-org:device:basic:1", "Linux/4.9 UPnP/1.1 Amazon/1.0"
	case kindPhone:
		st, agent = "urn:dial-multiscreen-org:service:dial:1", "Android/14 UPnP/1.1 GoogleHome/3.20"
	}
	return []byte("M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: \"ssdp:discover\"\r\nMX: 1\r\nST: " + st +
		"\r\nUSER-AGENT: " + agent + "\r\n\r\n")
}

// mdnsQuery is the phone's DNS-SD browse for cast, Sonos and HomeKit.
func mdnsQuery() []byte {
	var b builder
	b.u16(0)
	b.u16(0)
	b.u16(3)
	b.u16(0)
	b.u16(0)
	b.u16(0)
	for _, svc := range []string{"_googlecast._tcp.local", "_sonos._tcp.local", "_hap._tcp.local"} {
		w, _ := encodeName(svc)
		b.bytes(w)
		b.u16(typePTR)
		b.u16(classIN)
	}
	return b.b
}

// kasaSysinfo is the plug's get_sysinfo JSON.
func kasaSysinfo(d *device) string {
	mac := string(appendMACHex(nil, d.mac, ':'))
	return `{"system":{"get_sysinfo":{"sw_ver":"1.0.12 Build 210329 Rel.141058","hw_ver":"5.0","model":"HS103(US)",` +
		`"deviceId":"8006` + strings.Repeat(strings.ReplaceAll(mac, ":", ""), 3)[:36] + `","oemId":"211C91F4C6A0E4DB1B9AB2C4E7F4C3B1",` +
		`"alias":"` + d.name + `","dev_name":"Smart Wi-Fi Plug Lite","icon_hash":"","relay_state":1,"on_time":3600,` +
		`"active_mode":"none","feature":"TIM","updating":0,"rssi":-52,"led_off":0,"mac":"` + mac + `","err_code":0}}}`
}
