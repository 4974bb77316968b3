// Package backends is iotlens' knowledge of who runs the servers IoT devices
// talk to: the 16 IoT backend providers of the IMC'22 study "A Deep Dive into
// the IoT Backend Ecosystem" and the consumer IoT platforms seen in home
// traffic (Tuya, TP-Link, Xiaomi, SmartThings, Nest, Hue, Alexa).
//
// The knowledge is data: catalogue.yaml, embedded with go:embed, holds every
// provider with its sources, its domain and certificate-name rules and the
// study's post-processing rules (filters). This package only compiles and
// interprets it. Default returns the embedded catalogue; Load adds a user's
// catalogue in the same format.
//
// Place in the pipeline: it sits beside the analyses, not in the packet path.
// MatchDomain is called per flow (DNS answer or TLS SNI) by traffic
// attribution, and per record by the dataset miners in the sub-packages:
// dnsdb (passive-DNS exports) and censys (host and certificate exports).
// Lookups go through a suffix index first, so a name no rule can match costs
// a few map lookups and no regular expression.
package backends
