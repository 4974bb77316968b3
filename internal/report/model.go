package report

// Model is everything one report shows. Only Title, Generated and Devices
// are needed; every other slice is a section rendered when it has rows.
// Rows name their device by Device (the inventory name), which is how the
// page groups them under the device's heading.
type Model struct {
	Title        string           `json:"title"`
	Generated    string           `json:"generated"` // RFC 3339, passed in so tests are deterministic
	Run          RunInfo          `json:"run"`
	Devices      []Device         `json:"devices"`
	Destinations []DestinationRow `json:"destinations,omitempty"`
	Series       []Series         `json:"series,omitempty"`
	Protocols    []ProtocolMix    `json:"protocols,omitempty"`
	Endpoints    []EndpointRow    `json:"endpoints,omitempty"`
	Backends     []BackendRow     `json:"backends,omitempty"`
	Signatures   []SignatureRow   `json:"signatures,omitempty"`
	Links        []Link           `json:"links,omitempty"`
}

// RunInfo describes the pass the numbers come from. Source replaces the
// counters when the report was rebuilt from an output folder.
type RunInfo struct {
	Files    int      `json:"files"`
	Packets  int64    `json:"packets"`
	Bytes    int64    `json:"bytes"`
	Elapsed  string   `json:"elapsed,omitempty"`
	Warnings []string `json:"warnings,omitempty"`
	Source   string   `json:"source,omitempty"`
}

// Device is one row of the overview (the summary table).
type Device struct {
	Name         string   `json:"name"`
	Vendor       string   `json:"vendor"`
	Role         string   `json:"role"` // "device" or "gateway"
	MACs         []string `json:"macs"`
	IPs          []string `json:"ips"`
	Packets      int64    `json:"packets"`
	Bytes        int64    `json:"bytes"`
	TxPackets    int64    `json:"tx_packets"`
	TxBytes      int64    `json:"tx_bytes"`
	RxPackets    int64    `json:"rx_packets"`
	RxBytes      int64    `json:"rx_bytes"`
	LANBytes     int64    `json:"lan_bytes"`
	WANBytes     int64    `json:"wan_bytes"`
	FirstSeen    string   `json:"first_seen"`
	LastSeen     string   `json:"last_seen"`
	TopProtocols []string `json:"top_protocols"` // "tls:81.2%"
	Warnings     []string `json:"warnings"`
}

// DestinationRow is one device, month and destination (domain, or address
// nobody named) with its party classification.
type DestinationRow struct {
	Device       string `json:"device"`
	Month        string `json:"month"` // "2025-07"
	Domain       string `json:"domain"`
	Party        string `json:"party"` // First-party, Support-party, Third-party, ...
	Organization string `json:"organization"`
	Country      string `json:"country"`
	BytesUp      int64  `json:"bytes_up"`
	BytesDown    int64  `json:"bytes_down"`
	Flows        int64  `json:"flows"`
	Packets      int64  `json:"packets"`
	Rule         string `json:"rule"`        // the classifier rule that decided Party
	NameSource   string `json:"name_source"` // sni, quic, http, dns, cert, ptr or none
}

// Series is one device's traffic per interval: Starts[i] is the start of
// interval i (Unix seconds) and each value slice has the same length.
type Series struct {
	Device   string  `json:"device"`
	Interval int64   `json:"interval"` // seconds
	Starts   []int64 `json:"starts"`
	TxLAN    []int64 `json:"tx_lan"` // bytes
	RxLAN    []int64 `json:"rx_lan"`
	TxWAN    []int64 `json:"tx_wan"`
	RxWAN    []int64 `json:"rx_wan"`
}

// ProtocolMix is one device's traffic over one protocol. Category is the
// protocol's class (management, discovery, ...) when known.
type ProtocolMix struct {
	Device   string `json:"device"`
	Protocol string `json:"protocol"`
	Category string `json:"category"`
	Packets  int64  `json:"packets"`
	Bytes    int64  `json:"bytes"`
}

// EndpointRow is one address a device exchanged traffic with, classified
// First/Support/Third/Local by Rule.
type EndpointRow struct {
	Device       string `json:"device"`
	IP           string `json:"ip"`
	Names        string `json:"names"`
	Organization string `json:"organization"`
	Country      string `json:"country"`
	Class        string `json:"class"`
	Rule         string `json:"rule"`
	Packets      int64  `json:"packets"`
	Bytes        int64  `json:"bytes"`
}

// BackendRow is one IoT backend provider (and region) a device talks to.
type BackendRow struct {
	Device    string `json:"device"`
	Provider  string `json:"provider"`
	Region    string `json:"region"`
	Bytes     int64  `json:"bytes"`
	Flows     int64  `json:"flows"`
	FirstSeen string `json:"first_seen"`
	LastSeen  string `json:"last_seen"`
}

// SignatureRow is one pattern of a device's event signature.
type SignatureRow struct {
	Device   string `json:"device"`
	Event    string `json:"event"`    // what the signature detects (e.g. the captures' label)
	Protocol string `json:"protocol"` // tls, dns, udp, ...
	Remote   string `json:"remote"`   // host name, gateway, broadcast or address
	Port     string `json:"port"`
	Detail   string `json:"detail"`  // DNS name and type, HTTP method and path, ...
	Support  string `json:"support"` // "3/3": captures the pattern occurs in
	Packets  string `json:"packets"` // count or range
	Bytes    string `json:"bytes"`
}

// Link points at a file the report summarises, relative to the report.
type Link struct {
	Label       string `json:"label"`
	Href        string `json:"href"`
	Description string `json:"description"`
}
