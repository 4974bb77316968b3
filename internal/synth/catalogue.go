package synth

// deviceKind indexes kindSpecs.
type deviceKind uint8

// Device kinds, in the order Options.Devices cycles through them.
const (
	kindCamera deviceKind = iota
	kindPlug
	kindBulb
	kindSpeaker
	kindHub
	kindThermostat
	kindVoice
	kindPhone
	kindHostile
	cycledKinds = int(kindPhone) + 1
)

// appKind is what a target's conversation carries.
type appKind uint8

const (
	appTLS       appKind = iota // TLS over TCP
	appQUIC                     // QUIC v1 over UDP
	appMQTT                     // plain MQTT 3.1.1 over TCP
	appHTTP                     // plain HTTP/1.1 over TCP
	appNTP                      // NTPv4 client over UDP
	appSTUN                     // STUN binding over UDP
	appMedia                    // RTP-like UDP media stream
	appKasaLocal                // TP-Link Smart Home Protocol over TCP 9999
	appTuyaLocal                // Tuya LAN protocol over TCP 6668
)

// role says when a target is contacted.
type role uint8

const (
	roleControl role = iota // long-lived connection opened at boot; heartbeats ride on it
	roleEvent               // opened during events
	roleNTP                 // polled by the NTP timer
	roleSTUN                // binding request at boot and before media
	roleMedia               // media burst during events
)

// targetSpec is a remote service a kind talks to.
type targetSpec struct {
	role   role
	domain string
	port   uint16
	app    appKind
	tls13  bool
	alpn   string
	v6     bool     // connect over IPv6 (AAAA)
	up     [2]int32 // bytes the device sends per event, min and max
	down   [2]int32 // bytes the server sends per event, min and max
}

// helloProfile selects a ClientHello shape (and so a JA3/JA4 fingerprint).
type helloProfile uint8

const (
	profileEmbedded helloProfile = iota // mbedTLS/wolfSSL-like, no GREASE
	profileBrowser                      // Chrome-like with GREASE
	profileQUIC                         // Chrome-like QUIC ClientHello
)

// kindSpec describes how one kind of device looks and behaves.
type kindSpec struct {
	kind        string
	vendor      string  // IEEE registry organisation name of oui
	oui         [3]byte // MA-L prefix from /usr/share/ieee-data/oui.csv
	hostPrefix  string  // DHCP host name prefix; a MAC-derived suffix follows
	vendorClass string  // DHCP option 60, empty for none
	paramList   []byte  // DHCP option 55
	profile     helloProfile
	v6          v6Flags
	mdns        []string // DNS-SD service types announced
	ssdpNotify  bool     // announces itself with SSDP NOTIFY
	ssdpSearch  bool     // sends SSDP M-SEARCH
	heartbeat   [2]int64 // heartbeat period range, seconds
	event       [2]int64 // gap between events, seconds
	targets     []targetSpec
}

// v6Flags says which IPv6 addresses a kind configures.
type v6Flags uint8

const (
	v6LinkLocal v6Flags = 1 << iota
	v6SLAAC
	v6Privacy
	v6DHCP
)

var (
	paramsLinux   = []byte{1, 3, 6, 12, 15, 28, 42}
	paramsAndroid = []byte{1, 3, 6, 15, 26, 28, 51, 58, 59, 43, 114, 108}
	paramsRTOS    = []byte{1, 3, 28, 6, 15, 44, 46, 47, 31, 33, 121, 43}
)

// kindSpecs is indexed by deviceKind. OUIs come from the IEEE MA-L
// registry (oui.csv); the registry entry is named beside each.
var kindSpecs = [...]kindSpec{
	kindCamera: {
		kind: "camera", vendor: "Wyze Labs Inc",
		oui:        [3]byte{0xD0, 0x3F, 0x27}, // MA-L D03F27 Wyze Labs Inc
		hostPrefix: "WyzeCam-", vendorClass: "udhcp 1.28.4", paramList: paramsLinux,
		profile: profileEmbedded, heartbeat: [2]int64{30, 60}, event: [2]int64{600, 2400},
		targets: []targetSpec{
			{role: roleControl, domain: "api.wyzecam.com", port: 443, app: appTLS, alpn: "http/1.1"},
			{role: roleEvent, domain: "wyze-device-alarm-file-face.s3.us-west-2.amazonaws.com", port: 443, app: appTLS,
				alpn: "http/1.1", up: [2]int32{400_000, 4_000_000}, down: [2]int32{300, 900}},
			{role: roleSTUN, domain: "stun.wyzecam.com", port: 3478, app: appSTUN},
			{role: roleMedia, domain: "p2p-relay.wyzecam.com", port: 3479, app: appMedia, up: [2]int32{150_000, 900_000}},
		},
	},
	kindPlug: {
		kind: "plug", vendor: "TP-LINK TECHNOLOGIES CO.,LTD.",
		oui:        [3]byte{0x54, 0xA7, 0x03}, // MA-L 54A703 TP-LINK TECHNOLOGIES CO.,LTD.
		hostPrefix: "HS103-", vendorClass: "udhcp 1.19.4", paramList: paramsLinux,
		profile: profileEmbedded, heartbeat: [2]int64{60, 120}, event: [2]int64{1800, 7200},
		targets: []targetSpec{
			{role: roleControl, domain: "n-devs.tplinkcloud.com", port: 443, app: appTLS},
			{role: roleEvent, domain: "use1-api.tplinkra.com", port: 443, app: appTLS, tls13: true, alpn: "http/1.1",
				up: [2]int32{600, 2500}, down: [2]int32{400, 1800}},
			{role: roleNTP, domain: "pool.ntp.org", port: 123, app: appNTP},
		},
	},
	kindBulb: {
		kind: "bulb", vendor: "Tuya Smart Inc.",
		oui:        [3]byte{0xD4, 0xA6, 0x51}, // MA-L D4A651 Tuya Smart Inc.
		hostPrefix: "ESP_", paramList: paramsRTOS,
		profile: profileEmbedded, heartbeat: [2]int64{60, 120}, event: [2]int64{1200, 5400},
		targets: []targetSpec{
			{role: roleControl, domain: "a2.tuyaus.com", port: 8883, app: appTLS},
			{role: roleEvent, domain: "a3.tuyaus.com", port: 443, app: appTLS, alpn: "http/1.1",
				up: [2]int32{500, 3000}, down: [2]int32{500, 4000}},
		},
	},
	kindSpeaker: {
		kind: "speaker", vendor: "Sonos, Inc.",
		oui:        [3]byte{0x54, 0x2A, 0x1B}, // MA-L 542A1B Sonos, Inc.
		hostPrefix: "SonosZP-", vendorClass: "udhcp 1.31.1", paramList: paramsLinux,
		profile: profileBrowser, v6: v6LinkLocal,
		mdns: []string{"_sonos._tcp", "_googlecast._tcp"}, ssdpNotify: true,
		heartbeat: [2]int64{60, 180}, event: [2]int64{900, 3600},
		targets: []targetSpec{
			{role: roleControl, domain: "api.ws.sonos.com", port: 443, app: appTLS, tls13: true, alpn: "http/1.1"},
			{role: roleEvent, domain: "rr4---sn-8xgp1vo-p5ql.googlevideo.com", port: 443, app: appQUIC, alpn: "h3",
				up: [2]int32{2_000, 20_000}, down: [2]int32{1_000_000, 6_000_000}},
			{role: roleEvent, domain: "audio4-ak-spotify-com.akamaized.net", port: 443, app: appTLS, tls13: true, alpn: "h2",
				up: [2]int32{1_000, 8_000}, down: [2]int32{500_000, 3_000_000}},
			{role: roleEvent, domain: "msmetrics.ws.sonos.com", port: 443, app: appTLS, tls13: true, alpn: "http/1.1",
				up: [2]int32{2_000, 12_000}, down: [2]int32{300, 600}},
		},
	},
	kindHub: {
		kind: "hub", vendor: "SmartThings, Inc.",
		oui:        [3]byte{0x24, 0xFD, 0x5B}, // MA-L 24FD5B SmartThings, Inc.
		hostPrefix: "SmartThings-Hub-", vendorClass: "udhcp 1.22.1", paramList: paramsLinux,
		profile: profileEmbedded, v6: v6LinkLocal | v6SLAAC | v6Privacy | v6DHCP, ssdpSearch: true,
		heartbeat: [2]int64{30, 90}, event: [2]int64{600, 3600},
		targets: []targetSpec{
			{role: roleControl, domain: "api.smartthings.com", port: 443, app: appTLS, v6: true},
			{role: roleEvent, domain: "dc.connect.smartthings.com", port: 443, app: appTLS, v6: true, alpn: "http/1.1",
				up: [2]int32{800, 6000}, down: [2]int32{400, 3000}},
		},
	},
	kindThermostat: {
		kind: "thermostat", vendor: "ecobee inc",
		oui:        [3]byte{0x44, 0x61, 0x32}, // MA-L 446132 ecobee inc
		hostPrefix: "ecobee-", paramList: paramsRTOS,
		profile: profileEmbedded, mdns: []string{"_hap._tcp"},
		heartbeat: [2]int64{60, 120}, event: [2]int64{1800, 5400},
		targets: []targetSpec{
			{role: roleControl, domain: "iot-broker.ecobee.com", port: 1883, app: appMQTT},
			{role: roleEvent, domain: "api.ecobee.com", port: 443, app: appTLS, tls13: true, alpn: "http/1.1",
				up: [2]int32{700, 3000}, down: [2]int32{1000, 9000}},
			{role: roleNTP, domain: "pool.ntp.org", port: 123, app: appNTP},
		},
	},
	kindVoice: {
		kind: "voice", vendor: "Amazon Technologies Inc.",
		oui:        [3]byte{0x68, 0xDB, 0xF5}, // MA-L 68DBF5 Amazon Technologies Inc.
		hostPrefix: "amazon-", vendorClass: "android-dhcp-9", paramList: paramsAndroid,
		profile: profileBrowser, v6: v6LinkLocal | v6SLAAC, ssdpSearch: true,
		heartbeat: [2]int64{30, 90}, event: [2]int64{300, 1800},
		targets: []targetSpec{
			{role: roleControl, domain: "avs-alexa-14-na.amazon.com", port: 443, app: appTLS, tls13: true, alpn: "h2"},
			{role: roleEvent, domain: "device-metrics-us.amazon.com", port: 443, app: appTLS, alpn: "http/1.1",
				up: [2]int32{2_000, 30_000}, down: [2]int32{300, 800}},
			{role: roleEvent, domain: "api.amazonalexa.com", port: 443, app: appTLS, tls13: true, alpn: "h2",
				up: [2]int32{1_000, 8_000}, down: [2]int32{2_000, 60_000}},
			{role: roleEvent, domain: "unagi-na.amazon.com", port: 443, app: appTLS, tls13: true, alpn: "http/1.1",
				up: [2]int32{3_000, 40_000}, down: [2]int32{300, 700}},
			{role: roleEvent, domain: "arcus-uswest.amazon.com", port: 443, app: appTLS, alpn: "http/1.1",
				up: [2]int32{500, 2_000}, down: [2]int32{500, 2_000}},
			{role: roleEvent, domain: "todo-ta-g7g.amazon.com", port: 443, app: appQUIC, alpn: "h3",
				up: [2]int32{1_000, 5_000}, down: [2]int32{20_000, 400_000}},
			{role: roleNTP, domain: "ntp-g7g.amazon.com", port: 123, app: appNTP},
		},
	},
	kindPhone: {
		kind: "phone", vendor: "Google, Inc.",
		oui:        [3]byte{0x3C, 0x8D, 0x20}, // MA-L 3C8D20 Google, Inc.
		hostPrefix: "Pixel-7-", vendorClass: "android-dhcp-14", paramList: paramsAndroid,
		profile: profileBrowser, v6: v6LinkLocal | v6Privacy, ssdpSearch: true,
		heartbeat: [2]int64{120, 300}, event: [2]int64{180, 1200},
		targets: []targetSpec{
			{role: roleControl, domain: "mtalk.google.com", port: 5228, app: appTLS, tls13: true},
			{role: roleEvent, domain: "www.google.com", port: 443, app: appQUIC, alpn: "h3",
				up: [2]int32{1_000, 6_000}, down: [2]int32{30_000, 300_000}},
			{role: roleEvent, domain: "www.youtube.com", port: 443, app: appQUIC, alpn: "h3",
				up: [2]int32{2_000, 20_000}, down: [2]int32{200_000, 3_000_000}},
			{role: roleEvent, domain: "clients4.google.com", port: 443, app: appTLS, tls13: true, alpn: "h2",
				up: [2]int32{800, 3_000}, down: [2]int32{1_000, 20_000}},
			{role: roleEvent, domain: "connectivitycheck.gstatic.com", port: 80, app: appHTTP},
			{role: roleEvent, domain: "wap.tplinkcloud.com", port: 443, app: appTLS, alpn: "http/1.1",
				up: [2]int32{600, 2_000}, down: [2]int32{800, 6_000}},
			{role: roleEvent, domain: "api.wyzecam.com", port: 443, app: appTLS, alpn: "http/1.1",
				up: [2]int32{800, 3_000}, down: [2]int32{2_000, 90_000}},
		},
	},
	kindHostile: {
		kind: "hostile", vendor: "Espressif Inc.",
		oui:         [3]byte{0x24, 0x6F, 0x28}, // MA-L 246F28 Espressif Inc.
		vendorClass: hostileVendorClass, paramList: paramsRTOS,
		profile: profileEmbedded, v6: v6LinkLocal, mdns: []string{"_hap._tcp"},
		heartbeat: [2]int64{120, 300}, event: [2]int64{900, 3600},
	},
}

// cdnKind decides a domain's CNAME chain and address space.
type cdnKind uint8

const (
	cdnVendor     cdnKind = iota // vendor's own AWS addresses, no CNAME
	cdnELB                       // one CNAME to an AWS load balancer
	cdnCloudFront                // one CNAME to a CloudFront distribution
	cdnAkamai                    // two CNAMEs: edgekey.net then akamaiedge.net
	cdnGoogle                    // one CNAME to a *.l.google.com name
	cdnGoogleEdge                // Google front end, no CNAME
	cdnS3                        // one CNAME to an S3 regional endpoint
	cdnNTPPool                   // NTP pool: several rotating A records
)

// domainSpec describes a name's DNS behaviour.
type domainSpec struct {
	cdn    cdnKind
	ttl    uint32
	rotate bool // each resolution returns the next address of a pool of four
	v6     bool // has AAAA records
}

// domainSpecs holds every catalogue domain; names not listed (the hostile
// device's) resolve as cdnVendor with a five-minute TTL.
var domainSpecs = map[string]domainSpec{
	"api.wyzecam.com": {cdn: cdnELB, ttl: 60},
	"wyze-device-alarm-file-face.s3.us-west-2.amazonaws.com": {cdn: cdnS3, ttl: 5, rotate: true},
	"stun.wyzecam.com":                      {cdn: cdnVendor, ttl: 300},
	"p2p-relay.wyzecam.com":                 {cdn: cdnVendor, ttl: 300},
	"n-devs.tplinkcloud.com":                {cdn: cdnELB, ttl: 60},
	"use1-api.tplinkra.com":                 {cdn: cdnCloudFront, ttl: 60},
	"wap.tplinkcloud.com":                   {cdn: cdnELB, ttl: 60},
	"pool.ntp.org":                          {cdn: cdnNTPPool, ttl: 150, rotate: true},
	"a2.tuyaus.com":                         {cdn: cdnELB, ttl: 60},
	"a3.tuyaus.com":                         {cdn: cdnCloudFront, ttl: 60},
	"api.ws.sonos.com":                      {cdn: cdnELB, ttl: 60},
	"msmetrics.ws.sonos.com":                {cdn: cdnCloudFront, ttl: 60},
	"rr4---sn-8xgp1vo-p5ql.googlevideo.com": {cdn: cdnGoogleEdge, ttl: 1800, v6: true},
	"audio4-ak-spotify-com.akamaized.net":   {cdn: cdnAkamai, ttl: 20, rotate: true, v6: true},
	"api.smartthings.com":                   {cdn: cdnCloudFront, ttl: 60, v6: true},
	"dc.connect.smartthings.com":            {cdn: cdnELB, ttl: 60, v6: true},
	"iot-broker.ecobee.com":                 {cdn: cdnELB, ttl: 300},
	"api.ecobee.com":                        {cdn: cdnCloudFront, ttl: 60},
	"avs-alexa-14-na.amazon.com":            {cdn: cdnAkamai, ttl: 60, v6: true},
	"device-metrics-us.amazon.com":          {cdn: cdnCloudFront, ttl: 60, rotate: true, v6: true},
	"api.amazonalexa.com":                   {cdn: cdnCloudFront, ttl: 60, v6: true},
	"unagi-na.amazon.com":                   {cdn: cdnAkamai, ttl: 60, v6: true},
	"arcus-uswest.amazon.com":               {cdn: cdnELB, ttl: 60},
	"todo-ta-g7g.amazon.com":                {cdn: cdnCloudFront, ttl: 60, v6: true},
	"ntp-g7g.amazon.com":                    {cdn: cdnVendor, ttl: 60, rotate: true},
	"mtalk.google.com":                      {cdn: cdnGoogle, ttl: 300, v6: true},
	"www.google.com":                        {cdn: cdnGoogleEdge, ttl: 300, v6: true},
	"www.youtube.com":                       {cdn: cdnGoogle, ttl: 300, v6: true},
	"clients4.google.com":                   {cdn: cdnGoogle, ttl: 300, v6: true},
	"connectivitycheck.gstatic.com":         {cdn: cdnGoogleEdge, ttl: 300, v6: true},
}
