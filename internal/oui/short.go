package oui

import "strings"

// legalSuffixes are company-form words dropped from the end of a name.
// Keys are lower case with dots removed ("S.A." -> "sa").
var legalSuffixes = map[string]bool{
	"inc": true, "incorporated": true, "ltd": true, "limited": true, "ltda": true,
	"co": true, "corp": true, "corporation": true, "corporate": true, "company": true,
	"llc": true, "llp": true, "lp": true, "plc": true, "pty": true, "pte": true,
	"gmbh": true, "ag": true, "kg": true, "ab": true, "a/s": true, "as": true, "asa": true,
	"oy": true, "oyj": true, "sa": true, "sas": true, "sarl": true, "srl": true, "sro": true,
	"spa": true, "sl": true, "bv": true, "bvba": true, "nv": true, "kk": true, "se": true,
	"pvt": true, "private": true, "jsc": true, "doo": true,
}

// tailPunct is trimmed from the end of a name between suffix removals.
const tailPunct = " \t,.;:&-_/"

// Short returns a readable short form of an organization name by dropping
// company-form words and punctuation from its end, e.g. "Amazon
// Technologies Inc." -> "Amazon Technologies", "TP-LINK TECHNOLOGIES
// CO.,LTD." -> "TP-LINK TECHNOLOGIES". Case is kept so the name stays
// recognisable; a name that is nothing but a suffix is returned trimmed.
func Short(org string) string {
	s := strings.TrimSpace(org)
	for {
		trimmed := strings.TrimRight(s, tailPunct)
		if trimmed == "" {
			return strings.TrimSpace(org)
		}
		cut := strings.LastIndexAny(trimmed, " \t,")
		if cut <= 0 || !isLegalSuffix(trimmed[cut+1:]) {
			return trimmed
		}
		s = trimmed[:cut]
		if strings.TrimRight(s, tailPunct) == "" {
			return trimmed
		}
	}
}

func isLegalSuffix(word string) bool {
	if len(word) > len("incorporated") {
		return false
	}
	var buf [16]byte
	n := 0
	for i := 0; i < len(word); i++ {
		c := word[i]
		if c == '.' {
			continue
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[n] = c
		n++
	}
	return legalSuffixes[string(buf[:n])]
}
