package synth

import "strings"

// Hostile strings: HTML that breaks out of attributes and elements, CSV
// formulas that spreadsheets execute, terminal escape sequences and bytes
// that are not UTF-8. They are placed only where the protocol allows
// arbitrary bytes (DHCP option 12 and 60, DNS and mDNS labels); SNIs stay
// ASCII because TLS requires it and so do X.509 SAN dNSNames.
const (
	hostileDHCPName    = `<script>alert(1)</script>"><img src=x onerror=alert(1)>=cmd|'/c calc'!A1` + "\x1b[31m\xff\xfe"
	hostileVendorClass = `=HYPERLINK("http://evil.example/","click")` + "\x07"
	hostileMDNSLabel   = `=cmd|'/c calc'!A1 <b onmouseover=alert(1)>` + "\x1b[2J\xc3\x28"
	hostileCertOrg     = `=HYPERLINK("http://evil.example/","x")<script>alert(1)</script>`
)

// hostileDomains are resolved by the hostile device. The first four are
// also its SNIs.
var hostileDomains = []string{
	"<script>alert(1)</script>.evil.example",
	`"><img src=x onerror=alert(1)>.evil.example`,
	"=cmd|'/c calc'!A1.@SUM(1+1).evil.example",
	strings.Repeat("a", 63) + "." + strings.Repeat("b", 63) + "." + strings.Repeat("c", 63) + "." + strings.Repeat("d", 48) + ".example",
	"\xff\xfe\x1b[31mred\x1b[0m\r\n.evil.example",
}

// hostileSNICount is how many leading hostileDomains are also SNIs.
const hostileSNICount = 4

// hostileLongSNI is an SNI far longer than any DNS name, sent to the
// address of the long domain.
var hostileLongSNI = strings.Repeat("very-long-server-name-", 28) + "evil.example"
