// Package ssdp reads SSDP messages, the UPnP discovery protocol that smart
// TVs, bridges, cameras and plugs multicast on UDP port 1900: NOTIFY
// announcements (ssdp:alive / ssdp:byebye), M-SEARCH queries and the
// HTTP 200 answers to them. Their headers name the device type (NT/ST), a
// unique device id (USN), the description URL (LOCATION) and the software
// (SERVER, USER-AGENT), which the inventory uses to identify devices.
//
// It sits in the dissect stage of the iotlens pipeline and reuses the
// header scanner of package http, since SSDP is HTTP/1.1 over UDP.
package ssdp
