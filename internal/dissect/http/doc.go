// Package http reads the head of clear-text HTTP/1.x messages: the request
// line with the Host and User-Agent headers, and the status line with the
// Server and Content-Type headers. IoT devices still speak plain HTTP to
// their clouds and phone apps, and these few fields name the endpoint and the
// software on both sides.
//
// It sits in the dissect stage of the iotlens pipeline and works on the
// start of each direction of a TCP flow, whatever its port, as reassembled
// by package tcpreasm: single segments are not enough (the Hue bridge sends
// "POST " in a segment of its own). A head cut short still yields the
// fields it holds. The header scanner is exported for package ssdp, which
// speaks HTTP over UDP.
package http
