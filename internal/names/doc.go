// Package names learns which host name each IP address stood for, from the
// traffic itself: DNS A/AAAA answers with their CNAME chains (over UDP and
// TCP), TLS ClientHello SNI, QUIC Initial SNI, HTTP Host, the TLS server
// certificate's subject/SAN, and PTR answers. mDNS and LLMNR names are kept
// apart as local names.
//
// It sits between the dissectors and the destination analyses. The map is
// temporal: Table answers "which name did this IP have at time t", so a flow
// gets the name its IP had when the flow began, and a later answer that
// reuses the IP for another name does not relabel earlier flows. A Table is
// mergeable in time order, so the map carries across files and months.
package names
