// Package inventory answers "which devices are we analysing": it reads the
// device lists users already have (MAC lists, MADEA and other CSVs, the
// UCLouvain devices.yaml, IoT Sentinel _iotdevice-mac.txt, capture file
// names) into one Inventory, and it discovers LAN hosts, the gateway and
// their MAC/IP bindings over time from the traffic itself.
//
// Place in the pipeline: after dissect. The engine feeds every frame (and
// ARP, DHCP, mDNS and SSDP facts) into one Observations per capture file;
// the partials are merged in file order and resolved into Hosts. Analyses
// then attribute traffic to devices with Inventory.ByMAC / ByIP and, for
// inventories that list only IPs, with Bindings.MACAt. Vendor names come
// from package oui.
package inventory
