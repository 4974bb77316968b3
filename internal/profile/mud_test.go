package profile

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestMUDFromProfile(t *testing.T) {
	p := mustLoad(t, filepath.Join("testdata", "full.yaml"), true)
	m, skipped := BuildMUD(p, MUDOptions{URL: "https://fallback.example/x.json", LastUpdate: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)})
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	js := string(b)
	if m.Container.MUDURL != "https://mud.example/test-plug.json" || m.Container.LastUpdate != "2025-01-02T03:04:05Z" ||
		m.Container.CacheValidity != 48 || m.Container.Systeminfo != "test-plug" {
		t.Errorf("container %+v", m.Container)
	}
	acls := map[string]MUDACL{}
	for _, a := range m.ACLs.ACL {
		acls[a.Name] = a
	}
	fr, to, fr6 := acls["mud-test-plug-v4fr"], acls["mud-test-plug-v4to"], acls["mud-test-plug-v6fr"]
	if fr.Type != "ipv4-acl-type" || to.Type != "ipv4-acl-type" || fr6.Type != "ipv6-acl-type" {
		t.Fatalf("ACLs %v", m.ACLs.ACL)
	}
	find := func(acl MUDACL, name string) *MUDACE {
		for i := range acl.ACEs.ACE {
			if acl.ACEs.ACE[i].Name == name {
				return &acl.ACEs.ACE[i]
			}
		}
		t.Errorf("%s: no ACE %s in %s", acl.Name, name, js)
		return &MUDACE{}
	}
	dns := find(fr, "dns-api-frdev")
	if dns.Matches.MUD == nil || dns.Matches.MUD.Controller != "urn:ietf:params:mud:dns" || dns.Matches.UDP.DestinationPort.Port != 53 {
		t.Errorf("DNS to the gateway: %+v", dns.Matches)
	}
	// Bidirectional: the reply ACE in the to-device list has the ports swapped.
	back := find(to, "dns-api-todev")
	if back.Matches.UDP.SourcePort == nil || back.Matches.UDP.SourcePort.Port != 53 {
		t.Errorf("DNS reply: %+v", back.Matches.UDP)
	}
	tls := find(fr, "tls-hello-frdev")
	if tls.Matches.IPv4.DstDNSName != "cloud.example.com" || tls.Matches.TCP.DirectionInitiated != "from-device" || tls.Matches.IPv4.Protocol != 6 {
		t.Errorf("TLS: %+v %+v", tls.Matches.IPv4, tls.Matches.TCP)
	}
	lan := find(to, "lan-app-todev")
	if lan.Matches.MUD == nil || lan.Matches.MUD.LocalNetworks == nil || lan.Matches.TCP.DirectionInitiated != "to-device" {
		t.Errorf("phone to device: %+v", lan.Matches)
	}
	if ip := find(to, "lan-app-todev-2").Matches.IPv4; ip.SrcNetwork4 != "192.168.1.110/32" {
		t.Errorf("second source of lan-app: %+v", ip)
	}
	if h := find(fr6, "http-get-frdev").Matches.IPv6; h.DstDNSName != "example.net" {
		t.Errorf("suffix wildcard host: %+v", h)
	}
	if d := find(fr, "boot.dhcp-discover-frdev").Matches; d.MUD == nil || d.MUD.LocalNetworks == nil || d.UDP.SourcePort.Port != 68 {
		t.Errorf("DHCP discover from 0.0.0.0: %+v", d)
	}
	if !strings.Contains(js, `"local-networks":[null]`) {
		t.Errorf("local-networks must be [null]: %s", js)
	}
	wantSkipped := []string{"arp-gateway", "icmpv6-all"}
	for _, w := range wantSkipped {
		found := false
		for _, s := range skipped {
			found = found || strings.HasPrefix(s, w+": ")
		}
		if !found {
			t.Errorf("%s not reported as skipped: %v", w, skipped)
		}
	}
}
