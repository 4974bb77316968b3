// Package dns parses DNS messages: unicast DNS (UDP and TCP port 53),
// multicast DNS (5353) and LLMNR (5355), which share one wire format.
//
// It is a dissector in the iotlens pipeline: package decode cuts a frame down
// to its transport payload, this package turns that payload into a Message,
// and the engine's analyses use the questions and answers (above all the
// A/AAAA/CNAME records, to map server IPs back to the names devices looked
// up). DNS over TCP is handled by feeding the reassembled byte stream (package
// tcpreasm) to SplitTCP.
//
// Message.Unpack reuses the slices of the previous message and interns name
// strings, so parsing a steady stream of DNS packets does not allocate. It
// never panics on hostile input: compression loops, out-of-range pointers,
// extended label types, names over 255 octets and counts larger than the
// message are all reported as errors, and the records parsed before the
// problem are kept. Compression pointers may point forward within the
// message, as tshark accepts; a budget of 126 pointers per name turns a
// loop into an error after bounded work.
//
// Names are rendered the way tshark 4.0 prints dns.qry.name and
// dns.resp.name, so results can be compared with Wireshark:
//
//   - labels are joined with '.', with no trailing dot; a '.' or '\' inside a
//     label is not escaped (tshark does not either);
//   - the root name is "<Root>" (RootName), as tshark shows it;
//   - printable ASCII and printable UTF-8 are kept as they are;
//   - the ASCII control characters BEL, BS, TAB, LF, VT, FF and CR become
//     \a \b \t \n \v \f \r, other control bytes and DEL become three-digit
//     octal escapes such as \001 and \177;
//   - invalid UTF-8 becomes U+FFFD, one per invalid sequence; overlong
//     encodings are decoded as tshark does (C0 80 is U+0000);
//   - decoded characters that GLib does not consider printable (controls,
//     format characters such as U+200B, unassigned code points) become
//     \uXXXX or \UXXXXXXXX with upper-case hex digits.
//
// A name over 255 octets is returned as NameTooLong and a name whose
// compression pointers loop as NameLoops, the placeholders tshark uses; the
// record itself is kept because its extent on the wire is still known.
//
// TXT strings use the same escaping. tshark 4.0 instead decodes TXT as ASCII
// (every byte above 0x7f becomes U+FFFD and control bytes pass through raw);
// iotlens keeps UTF-8 TXT values readable and its output safe to print.
package dns
