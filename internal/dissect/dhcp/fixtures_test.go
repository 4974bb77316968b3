package dhcp

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/iotlens/iotlens/internal/decode"
	"github.com/iotlens/iotlens/internal/testutil"
	"github.com/iotlens/iotlens/internal/testutil/packets"
)

// eachUDPPayload calls fn with the payload of every whole UDP datagram in a
// capture whose source or destination port is in ports.
func eachUDPPayload(t *testing.T, path string, ports []uint16, fn func(payload []byte)) {
	t.Helper()
	packets.Each(t, path, func(p *decode.Packet) {
		if p.Has(decode.LayerUDP) && !packets.Partial(p) && (slices.Contains(ports, p.SrcPort) || slices.Contains(ports, p.DstPort)) {
			fn(p.Payload)
		}
	})
}

// TestZeekDHCP checks every message of zeek/dhcp/dhcp.pcap. Expected values
// from tshark 4.0.17: -T fields -e dhcp.option.dhcp -e dhcp.id
// -e dhcp.hw.mac_addr -e dhcp.ip.your -e dhcp.option.hostname
// -e dhcp.option.vendor_class_id -e dhcp.option.requested_ip_address
// -e dhcp.option.dhcp_server_id -e dhcp.option.router
// -e dhcp.option.subnet_mask -e dhcp.option.domain_name_server
// -e dhcp.option.ip_address_lease_time.
func TestZeekDHCP(t *testing.T) {
	want := []string{
		"DISCOVER 0x7c0 90b11c994929 0.0.0.0 btest.is.cool| 192.168.211.194 invalid IP invalid IP invalid IP [] 0",
		"OFFER 0x7c0 90b11c994929 128.2.6.97 |ArubaAP invalid IP 128.2.6.152 128.2.6.1 255.255.255.0 [128.2.1.11 128.2.1.10] 900",
		"REQUEST 0x7c0 90b11c994929 0.0.0.0 btest.is.cool| 192.168.211.194 128.2.6.152 invalid IP invalid IP [] 0",
		"NAK 0x7c0 90b11c994929 0.0.0.0 | invalid IP 128.2.6.152 invalid IP invalid IP [] 0",
		"REQUEST 0x7c0 90b11c994929 0.0.0.0 btest.is.cool| 128.2.6.189 invalid IP invalid IP invalid IP [] 0",
		"ACK 0x7c0 90b11c994929 128.2.6.189 |ArubaAP invalid IP 128.2.6.152 128.2.6.1 255.255.255.0 [128.2.1.11 128.2.1.10] 900",
		"DECLINE 0x7c0 90b11c994929 0.0.0.0 | invalid IP invalid IP invalid IP invalid IP [] 0",
		"RELEASE 0x79c 90b11c994929 0.0.0.0 | invalid IP invalid IP invalid IP invalid IP [] 0",
		"INFORM 0x7c4 90b11c994929 0.0.0.0 btest.is.cool| 128.2.6.189 invalid IP invalid IP invalid IP [] 19841984",
	}
	var got []string
	var m Message
	eachUDPPayload(t, testutil.Fixture(t, "zeek", "dhcp", "dhcp.pcap"), []uint16{67, 68}, func(b []byte) {
		if err := m.Unpack(b); err != nil {
			t.Errorf("Unpack: %v", err)
		}
		got = append(got, fmt.Sprintf("%s %#x %x %v %s|%s %v %v %v %v %v %d", MsgTypeString(m.MsgType), m.XID, m.ClientMAC,
			m.YourIP, m.HostName, m.VendorClass, m.RequestedIP, m.ServerID, m.Router, m.SubnetMask, m.DNSServers, m.LeaseTime))
	})
	if !slices.Equal(got, want) {
		t.Fatalf("got\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

// TestDeviceBootDHCP checks the DHCPv4 exchange of one boot capture per
// device in uclouvain-shhcp: the message types in order and the distinct
// non-empty host names and vendor classes clients send, as tshark 4.0.17 shows them
// (-Y dhcp -T fields -e dhcp.option.dhcp -e dhcp.option.hostname
// -e dhcp.option.vendor_class_id).
func TestDeviceBootDHCP(t *testing.T) {
	tests := []struct {
		file, types, hostName, vendorClass string
	}{
		{"DLinkCamera/boot/1741797105.anon.pcap", "1,1,2,3,3,5", "DCS-8000LH", "udhcp 1.22.1"},
		{"HueLight/boot/1742400880.anon.pcap", "1,2,3,5", "00178874c2dc", "udhcp 1.30.1"},
		{"SmartThingsOutlet/boot/1741970425.anon.pcap", "1,2,3,5", "hubv3-04021272243", ""},
		{"TapoCamera/boot/1741369688.anon.pcap", "3,3,5", "C200", "MSFT 5.0"},
		{"TapoLight/boot/1741342621.anon.pcap", "1,1,2,3,3,5", "L530", ""},
		{"TapoPlug/boot/1741867017.anon.pcap", "1,1,2,3,3,5", "P110", ""},
		{"TpLinkPlug/boot/1741767184.anon.pcap", "1,1,2,3,3,5", "HS110", "udhcp 0.9.9-pre"},
		{"TuyaLight/boot/1741943111.anon.pcap", "1,1,2,3,3,5", "ESP_511723", ""},
		{"TuyaPlug/boot/1741186292.anon.pcap", "1,1,2,3,3,5", "ESP_E67CDE", ""},
		{"XiaomiCamera/boot/1741532312.anon.pcap", "1,1,2,1,1,2,3,3,5", "chuangmi_camera_ipc019", "udhcp 1.28.1"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			var types []string
			hosts, vendors := map[string]bool{}, map[string]bool{}
			var m Message
			path := testutil.Fixture(t, append([]string{"uclouvain-shhcp"}, strings.Split(tt.file, "/")...)...)
			eachUDPPayload(t, path, []uint16{67, 68}, func(b []byte) {
				if err := m.Unpack(b); err != nil {
					t.Errorf("Unpack: %v", err)
				}
				types = append(types, fmt.Sprint(m.MsgType))
				if m.Op == 1 && m.HostName != "" {
					hosts[m.HostName] = true
				}
				if m.Op == 1 && m.VendorClass != "" {
					vendors[m.VendorClass] = true
				}
			})
			if got := strings.Join(types, ","); got != tt.types {
				t.Errorf("message types %s, want %s", got, tt.types)
			}
			wantVendors := []string{}
			if tt.vendorClass != "" {
				wantVendors = []string{tt.vendorClass}
			}
			gotHosts, gotVendors := slices.Sorted(maps.Keys(hosts)), slices.Sorted(maps.Keys(vendors))
			if !slices.Equal(gotHosts, []string{tt.hostName}) || !slices.Equal(gotVendors, wantVendors) {
				t.Errorf("client host names %v, vendor classes %v; want %q, %q", gotHosts, gotVendors, tt.hostName, tt.vendorClass)
			}
		})
	}
}

// TestSmartThingsDHCPDetails checks the parameter request list and client
// identifier of the SmartThings hub's DISCOVER (tshark 4.0.17:
// dhcp.option.request_list_item 1,3,26,252,42,15,6,12 and a client
// identifier of hardware type 1 with MAC 68:3a:48:d6:b8:fe) and the lease
// it gets (yiaddr 192.168.1.222, 43200 s, router and DNS 192.168.1.1).
func TestSmartThingsDHCPDetails(t *testing.T) {
	var discover, ack Message
	eachUDPPayload(t, testutil.Fixture(t, "uclouvain-shhcp", "SmartThingsOutlet", "boot", "1741970425.anon.pcap"), []uint16{67, 68}, func(b []byte) {
		var m Message
		if m.Unpack(b) != nil {
			return
		}
		switch m.MsgType {
		case 1:
			discover = m
		case 5:
			ack = m
		}
	})
	if got := fmt.Sprint(discover.ParamList); got != "[1 3 26 252 42 15 6 12]" {
		t.Errorf("parameter list %s", got)
	}
	if got := fmt.Sprintf("%x", discover.ClientID); got != "01683a48d6b8fe" {
		t.Errorf("client id %s", got)
	}
	if got := fmt.Sprintf("%v %d %v %v %v", ack.YourIP, ack.LeaseTime, ack.Router, ack.DNSServers, ack.SubnetMask); got != "192.168.1.222 43200 192.168.1.1 [192.168.1.1] 255.255.255.0" {
		t.Errorf("ack: %s", got)
	}
}

// TestSmartThingsDHCPv6 checks the hub's DHCPv6 traffic: tshark 4.0.17
// (-Y dhcpv6 -T fields -e dhcpv6.msgtype -e dhcpv6.xid -e dhcpv6.duid.bytes)
// shows 92 Solicits and 92 Replies, all with client DUID
// 000100012f67160f683a48132704, first transaction 0x472671.
func TestSmartThingsDHCPv6(t *testing.T) {
	counts := map[string]int{}
	duids := map[string]bool{}
	var first uint32
	var m V6Message
	eachUDPPayload(t, testutil.Fixture(t, "uclouvain-shhcp", "SmartThingsOutlet", "boot", "1741970425.anon.pcap"), []uint16{546, 547}, func(b []byte) {
		if err := m.Unpack(b); err != nil {
			t.Errorf("Unpack: %v", err)
		}
		counts[V6MsgTypeString(m.MsgType)]++
		duids[fmt.Sprintf("%x", m.ClientDUID)] = true
		if first == 0 {
			first = m.TransactionID
		}
	})
	if counts["SOLICIT"] != 92 || counts["REPLY"] != 92 || len(counts) != 2 {
		t.Errorf("message counts %v", counts)
	}
	if len(duids) != 1 || !duids["000100012f67160f683a48132704"] || first != 0x472671 {
		t.Errorf("DUIDs %v, first transaction %#x", slices.Sorted(maps.Keys(duids)), first)
	}
}
