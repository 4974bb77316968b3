package knowledge

import (
	"net/netip"
	"testing"

	"github.com/iotlens/iotlens/internal/backends"
)

// builtinCatalogue is the built-in IoT-backend catalogue, wired in as the CLI does
// (internal/enrich).
func builtinCatalogue(domain string) (Platform, bool) {
	m, ok := backends.Default().MatchDomain(domain)
	return Platform{Provider: m.Provider, WhiteLabel: m.WhiteLabel}, ok
}

// Devices as the fixtures' inventories describe them.
var (
	hueLight   = Input{DeviceName: "HueLight", Manufacturer: "Philips"}
	hueBridge  = Input{DeviceName: "HueBridge", Vendor: "Philips Lighting BV"}
	tuyaPlug   = Input{DeviceName: "TuyaPlug", Manufacturer: "Tuya"}
	hbnPlug    = Input{DeviceName: "HBN Plug", Vendor: "Tuya Smart Inc."}
	lifxBulb   = Input{DeviceName: "Lifx bulb", Vendor: "LIFI LABS MANAGEMENT PTY LTD"}
	roomba     = Input{DeviceName: "Roomba Robot", Vendor: "AzureWave Technology Inc."}
	ringBell   = Input{DeviceName: "Ring Doorbell", Vendor: "Ring LLC"}
	amazonPlug = Input{DeviceName: "Amazon Plug", Vendor: "Amazon Technologies Inc."}
	nestCam    = Input{DeviceName: "Nest Camera", Vendor: "Nest Labs Inc."}
	kasaBulb   = Input{DeviceName: "Kasa Bulb", Vendor: "TP-LINK TECHNOLOGIES CO.,LTD."}
	sonosOne   = Input{DeviceName: "Sonos One"}
	ultraloq   = Input{DeviceName: "Ultraloq Smart Lock", Vendor: "Espressif Inc."}
	espOnly    = Input{DeviceName: "Smart Plug 3", Vendor: "Espressif Inc."}
)

func with(dev Input, domain string) Input {
	dev.Domain = domain
	return dev
}

func TestClassify(t *testing.T) {
	c := NewClassifier(Default(), builtinCatalogue)
	tests := []struct {
		in    Input
		party Party
		org   string
		rule  string
	}{
		// Required behaviours (issue 4 part 7).
		{with(hueLight, "mqtt-eu-01.iot.meethue.com"), FirstParty, "Signify N.V.", "manufacturer-domain:meethue.com"},
		{with(hueBridge, "bridge.meethue.com"), FirstParty, "Signify N.V.", "manufacturer-domain:meethue.com"},
		{with(tuyaPlug, "a3.tuyaeu.com"), PlatformParty, "Tuya", "platform:catalogue:Tuya"},
		{with(hbnPlug, "m2.tuyaus.com"), PlatformParty, "Tuya", "platform:catalogue:Tuya"},
		{with(kasaBulb, "a3.tuyaus.com"), PlatformParty, "Tuya", "platform:catalogue:Tuya"},
		{with(tuyaPlug, "a1.iotbing.com"), PlatformParty, "Tuya", "platform:catalogue:Tuya"},
		{with(roomba, "3.irobot.pool.ntp.org"), SupportParty, "NTP Pool Project", "support:ntp:pool.ntp.org"},
		{with(espOnly, "0.pool.ntp.org"), SupportParty, "NTP Pool Project", "support:ntp:pool.ntp.org"},
		{with(sonosOne, "d1.cloudfront.net"), SupportParty, "Amazon CloudFront", "support:cdn:cloudfront.net"},
		{with(sonosOne, "e1234.a.akamaiedge.net"), SupportParty, "Akamai Technologies", "support:cdn:akamaiedge.net"},
		{with(sonosOne, "global.prod.fastly.net"), SupportParty, "Fastly", "support:cdn:fastly.net"},
		{with(sonosOne, "ad.doubleclick.net"), ThirdParty, "Google", "tracker:easylist:Advertising"},
		{with(sonosOne, "www.google-analytics.com"), ThirdParty, "Google", "tracker:easyprivacy:Tracking"},
		{with(espOnly, "analytics.localytics.com"), ThirdParty, "Localytics", "tracker:easyprivacy:Tracking"},
		{with(lifxBulb, "v2.broker.lifx.co"), FirstParty, "LIFX (Feit Electric)", "manufacturer-domain:lifx.co"},
		{with(lifxBulb, "cloud.lifx.com"), FirstParty, "LIFX (Feit Electric)", "manufacturer-domain:lifx.com"},
		{Input{IP: netip.MustParseAddr("192.168.4.1")}, Local, "", "local:address"},
		// The seed's suffix bug: no dot boundary.
		{with(sonosOne, "ws.sonos.com"), FirstParty, "Sonos, Inc.", "manufacturer-domain:sonos.com"},
		{with(sonosOne, "notsonos.com"), ThirdParty, "", "default:unknown-organization"},
		// Local addresses and names.
		{with(sonosOne, "239.255.255.250:1900"), Local, "", "local:address"},
		{Input{Domain: "printer.local"}, Local, "", "local:name:.local"},
		{Input{Domain: "1.4.168.192.in-addr.arpa."}, Local, "", "local:name:.arpa"},
		{Input{Domain: "router"}, Local, "", "local:single-label"},
		{Input{Domain: "api.example.com", IP: netip.MustParseAddr("fd00::5")}, Local, "", "local:address"},
		// Parent groups, platforms, support, certificates.
		{with(ringBell, "device-metrics-us-2.amazon.com"), FirstParty, "Amazon.com, Inc.", "manufacturer-domain:amazon.com"},
		{with(ringBell, "fw.ring.com"), FirstParty, "Ring LLC", "manufacturer-domain:ring.com"},
		{with(amazonPlug, "a1piwaqdydua5q.iot.us-east-1.amazonaws.com"), PlatformParty, "Amazon AWS", "platform:catalogue:Amazon AWS"},
		{with(amazonPlug, "sloop.ntp-fireos.com"), FirstParty, "Amazon.com, Inc.", "manufacturer-domain:ntp-fireos.com"},
		{with(ringBell, "sloop.ntp-fireos.com"), FirstParty, "Amazon.com, Inc.", "manufacturer-domain:ntp-fireos.com"},
		{with(kasaBulb, "sloop.ntp-fireos.com"), SupportParty, "Amazon", "support:ntp:ntp-fireos.com"},
		{with(ringBell, "ec2-52-2-7-223.compute-1.amazonaws.com"), SupportParty, "Amazon Web Services", "support:cloud:amazonaws.com"},
		{with(nestCam, "nexus.dropcam.com"), FirstParty, "Google LLC", "manufacturer-domain:dropcam.com"},
		{with(nestCam, "time.google.com"), FirstParty, "Google LLC", "manufacturer-domain:google.com"},
		{with(kasaBulb, "time1.google.com"), SupportParty, "Google Public NTP", "support:ntp:time*.google.com"},
		{with(kasaBulb, "use1-api.tplinkra.com"), FirstParty, "TP-Link Systems Inc.", "manufacturer-domain:tplinkra.com"},
		{with(kasaBulb, "dns.google"), SupportParty, "Google Public DNS", "support:dns:dns.google"},
		{with(ultraloq, "file.u-tec.com"), FirstParty, "U-tec Group Inc.", "manufacturer-domain:u-tec.com"},
		{with(sonosOne, "ntp1.aliyun.com"), SupportParty, "Alibaba Cloud", "support:ntp:ntp*.aliyun.com"},
		{with(sonosOne, "oss-cn.aliyun.com"), SupportParty, "Alibaba Cloud", "support:cloud:aliyun.com"},
		{with(sonosOne, "r3.o.lencr.org"), SupportParty, "Let's Encrypt", "support:ca:lencr.org"},
		{Input{Domain: "x.example.net", CertOrg: "Sonos, Inc", DeviceName: "Sonos One"}, FirstParty, "Sonos, Inc.", "manufacturer-cert:Sonos, Inc"},
		{Input{Domain: "x.example.net", CertOrg: "Akamai Technologies, Inc."}, SupportParty, "Akamai Technologies", "support-cert:cdn:Akamai Technologies, Inc."},
		{Input{Domain: "x.example.net", CertOrg: "Example Corp"}, ThirdParty, "Example Corp", "default:cert-organization"},
		{Input{IP: netip.MustParseAddr("8.8.4.4")}, ThirdParty, "", "default:unnamed-address"},
		// Names seen in uclouvain-shhcp (devices.yaml inventory) and iot-sentinel.
		{with(Input{DeviceName: "TapoCamera", Manufacturer: "TP-Link", Model: "Tapo C200"}, "euw1-device-cloudgateway.iot.i.tplinknbu.com"), FirstParty, "TP-Link Systems Inc.", "manufacturer-domain:tplinknbu.com"},
		{with(Input{DeviceName: "TapoPlug", Manufacturer: "TP-Link"}, "n-euw1-device-api.tplinkcloud.com"), FirstParty, "TP-Link Systems Inc.", "manufacturer-domain:tplinkcloud.com"},
		{with(Input{DeviceName: "XiaomiCamera", Manufacturer: "Xiaomi"}, "business.smartcamera.api.io.mi.com"), FirstParty, "Xiaomi Inc.", "manufacturer-domain:mi.com"},
		{with(Input{DeviceName: "XiaomiCamera", Manufacturer: "Xiaomi"}, "xiaomi5.p2psy3.mijia.tech"), FirstParty, "Xiaomi Inc.", "manufacturer-domain:mijia.tech"},
		{with(Input{DeviceName: "XiaomiCamera", Manufacturer: "Xiaomi"}, "ntp1.aliyun.com"), SupportParty, "Alibaba Cloud", "support:ntp:ntp*.aliyun.com"},
		{with(Input{DeviceName: "DLinkCamera", Manufacturer: "D-Link"}, "mp-eu-fwd.auto.mydlink.com"), FirstParty, "D-Link Corporation", "manufacturer-domain:mydlink.com"},
		{with(Input{DeviceName: "SmartThingsHub"}, "connectivity.smartthings.com"), FirstParty, "Samsung Electronics Co., Ltd.", "manufacturer-domain:smartthings.com"},
		{with(Input{DeviceName: "SmartThingsOutlet", Manufacturer: "SmartThings"}, "dls.di.atlas.samsung.com"), FirstParty, "Samsung Electronics Co., Ltd.", "manufacturer-domain:samsung.com"},
		{with(hueLight, "diag.meethue.com"), FirstParty, "Signify N.V.", "manufacturer-domain:meethue.com"},
		{with(Input{DeviceName: "TuyaLight", Manufacturer: "Tuya"}, "m2.tuyaeu.com"), PlatformParty, "Tuya", "platform:catalogue:Tuya"},
		{with(Input{DeviceName: "TapoLight"}, "us.pool.ntp.org"), SupportParty, "NTP Pool Project", "support:ntp:pool.ntp.org"},
		{with(Input{DeviceName: "TapoLight"}, "s1b.time.edu.cn"), SupportParty, "CERNET", "support:ntp:time.edu.cn"},
		{with(Input{DeviceName: "WeMoInsightSwitch2", Vendor: "Belkin International Inc."}, "api.xbcs.net"), FirstParty, "Belkin International, Inc.", "manufacturer-domain:xbcs.net"},
		{with(Input{DeviceName: "Withings", Vendor: "Withings"}, "scalews.withings.net"), FirstParty, "Withings SA", "manufacturer-domain:withings.net"},
		{with(Input{DeviceName: "EdimaxPlug1101W"}, "www.myedimax.com"), FirstParty, "Edimax Technology Co. Ltd.", "manufacturer-domain:myedimax.com"},
		{with(Input{DeviceName: "Lightify", Vendor: "OSRAM GmbH"}, "srmp01lb01.ch.pub.arrayent.com"), FirstParty, "OSRAM GmbH", "manufacturer-domain:arrayent.com"},
		{with(Input{DeviceName: "D-LinkCam"}, "signal.mydlink.com"), FirstParty, "D-Link Corporation", "manufacturer-domain:mydlink.com"},
		{with(hueBridge, "dcp.cpp.philips.com:80"), FirstParty, "Signify N.V.", "manufacturer-domain:philips.com"},
		{with(Input{DeviceName: "TP-LinkPlugHS110"}, "devs.tplinkcloud.com"), FirstParty, "TP-Link Systems Inc.", "manufacturer-domain:tplinkcloud.com"},
		{with(espOnly, "igmp.mcast.net"), Local, "", "local:name:mcast.net"},
		// A manufacturer's tracking subdomain is still first-party for its own devices.
		{with(amazonPlug, "aan.amazon.com"), FirstParty, "Amazon.com, Inc.", "manufacturer-domain:amazon.com"},
		{with(kasaBulb, "aan.amazon.com"), ThirdParty, "", "tracker:easyprivacy:Tracking"},
	}
	for _, tt := range tests {
		got := c.Classify(tt.in)
		want := Verdict{tt.party, tt.org, tt.rule}
		if got != want {
			t.Errorf("Classify(%s / %q) = %+v, want %+v", tt.in.DeviceName, tt.in.Domain, got, want)
		}
	}
}

func TestClassifyWithoutPlatformCallback(t *testing.T) {
	c := NewClassifier(nil, nil)
	tests := []struct {
		in   Input
		want Verdict
	}{
		// Without the catalogue nothing is Platform-party: Tuya's names are
		// its own devices' first party, like any manufacturer's.
		{with(tuyaPlug, "a3.tuyaeu.com"), Verdict{FirstParty, "Tuya Inc.", "manufacturer-domain:tuyaeu.com"}},
		// AWS IoT Core names fall back to generic cloud hosting.
		{with(amazonPlug, "a1.iot.us-east-1.amazonaws.com"), Verdict{SupportParty, "Amazon Web Services", "support:cloud:amazonaws.com"}},
		{with(hueLight, "ws.meethue.com"), Verdict{FirstParty, "Signify N.V.", "manufacturer-domain:meethue.com"}},
	}
	for _, tt := range tests {
		if got := c.Classify(tt.in); got != tt.want {
			t.Errorf("Classify(%q) = %+v, want %+v", tt.in.Domain, got, tt.want)
		}
	}
}

func TestManufacturer(t *testing.T) {
	kb := Default()
	tests := []struct {
		name, vendor, model string
		want                string
	}{
		{"TpLinkPlug", "", "TP-Link", "TP-Link"},
		{"TapoCamera", "", "", "TP-Link"},
		{"", "", "Tapo C200", "TP-Link"},
		{"Kasa Bulb", "", "", "TP-Link"},
		{"TP-LinkPlugHS110", "", "", "TP-Link"},
		{"HueLight", "", "Philips", "Philips Hue"},
		{"TuyaLight", "", "Tuya", "Tuya"},
		{"XiaomiCamera", "", "Xiaomi", "Xiaomi"},
		{"", "", "chuangmi.camera.ipc019", "Xiaomi"},
		{"DLinkCamera", "", "D-Link", "D-Link"},
		{"D-LinkCam", "", "", "D-Link"},
		{"SmartThingsHub", "", "", "Samsung SmartThings"},
		{"WeMoInsightSwitch2", "", "", "Belkin WeMo"},
		{"EdimaxPlug1101W", "", "", "Edimax"},
		{"Lightify", "", "", "Osram Lightify"},
		{"Withings", "", "", "Withings"},
		{"Blink Mini Camera", "Amazon Technologies Inc.", "", "Blink"}, // the name beats the OUI
		{"Amazon Plug", "Amazon Technologies Inc.", "", "Amazon"},
		{"HBN Plug", "Tuya Smart Inc.", "", "Tuya"},
		{"Lumiman Bulb", "Tuya Smart Inc.", "", "Tuya"},
		{"RPi Emulated Bulb", "Raspberry Pi Trading Ltd", "", "Raspberry Pi"},
		{"Sensi Thermostat", "White Rodgers Division", "", "Sensi"},
		{"Thermostat", "White Rodgers Division", "", "Sensi"},
		{"Nest Smoke & CO Detector", "Google, Inc.", "", "Google"},
		{"Pixel 6 Phone", "", "", "Google"},
		{"Roomba Robot", "AzureWave Technology Inc.", "", "iRobot"},
		{"Rachio Sprinkler Controller", "Murata Manufacturing Co., Ltd.", "", "Rachio"},
		{"Ultraloq Smart Lock", "Espressif Inc.", "", "U-tec"},
		{"Echo Dot 5", "", "", "Amazon"},
		{"camera", "D-Link International", "", "D-Link"},
		{"unknown", "TP-Link Corporation Limited", "", "TP-Link"},
	}
	for _, tt := range tests {
		got, ok := kb.Manufacturer(tt.name, tt.vendor, tt.model)
		if !ok || got != tt.want {
			t.Errorf("Manufacturer(%q, %q, %q) = %q, %v; want %q", tt.name, tt.vendor, tt.model, got, ok, tt.want)
		}
	}
	none := []struct{ name, vendor string }{
		{"Smart Plug", "Espressif Inc."}, // a chip vendor is no manufacturer
		{"Sensor", "Murata Manufacturing Co., Ltd."},
		{"SpringSensor", ""}, // "ring" only as a whole word
		{"MiniPlug", ""},     // no "mi" alias inside "mini"
		{"", ""},
	}
	for _, tt := range none {
		if got, ok := kb.Manufacturer(tt.name, tt.vendor, ""); ok {
			t.Errorf("Manufacturer(%q, %q) = %q, want none", tt.name, tt.vendor, got)
		}
	}
}

func TestFirstPartyDomains(t *testing.T) {
	kb := Default()
	sonos := kb.FirstPartyDomains("Sonos")
	for _, d := range []string{"sonos.com", "sonos.net", "sonosapi.com"} {
		if !contains(sonos, d) {
			t.Errorf("Sonos first-party domains %v lack %s", sonos, d)
		}
	}
	ring := kb.FirstPartyDomains("ring")
	if ring[0] != "ring.com" || !contains(ring, "amazon.com") {
		t.Errorf("Ring first-party domains = %v, want its own then Amazon's", ring)
	}
	if d := kb.FirstPartyDomains("kasa"); !contains(d, "tplinkcloud.com") {
		t.Errorf("alias kasa gave %v", d)
	}
	if d := kb.FirstPartyDomains("No Such Maker"); d != nil {
		t.Errorf("unknown manufacturer gave %v", d)
	}
	if got := kb.Organization("sonos"); got != "Sonos, Inc." {
		t.Errorf("Organization(sonos) = %q", got)
	}
}

func TestParseParty(t *testing.T) {
	tests := map[string]Party{
		"First-party": FirstParty, "support": SupportParty, "THIRD": ThirdParty, "platform party": PlatformParty,
		"Local": Local, " local ": Local,
	}
	for in, want := range tests {
		if got, ok := ParseParty(in); !ok || got != want {
			t.Errorf("ParseParty(%q) = %q, %v", in, got, ok)
		}
	}
	for _, bad := range []string{"", "fourth", "Unknown"} {
		if _, ok := ParseParty(bad); ok {
			t.Errorf("ParseParty(%q) accepted", bad)
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// One classifier serves the report builders of several goroutines.
func TestClassifyConcurrent(t *testing.T) {
	c := NewClassifier(nil, builtinCatalogue)
	want := c.Classify(with(kasaBulb, "use1-api.tplinkra.com"))
	done := make(chan Verdict)
	for i := 0; i < 8; i++ {
		go func() {
			var v Verdict
			for j := 0; j < 50; j++ {
				v = c.Classify(with(kasaBulb, "use1-api.tplinkra.com"))
				c.Classify(with(sonosOne, "ad.doubleclick.net"))
			}
			done <- v
		}()
	}
	for i := 0; i < 8; i++ {
		if v := <-done; v != want {
			t.Errorf("concurrent Classify = %+v, want %+v", v, want)
		}
	}
}
