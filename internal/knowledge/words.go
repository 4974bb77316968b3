package knowledge

import (
	"strings"
	"unicode"
)

// words splits free text into lower-case alphanumeric words: "TP-LINK
// TECHNOLOGIES CO.,LTD." → [tp link technologies co ltd].
func words(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}

// joined is s reduced to its lower-case letters and digits: the key aliases
// are compared by ("TP-Link" → "tplink").
func joined(s string) string { return strings.Join(words(s), "") }

// nameTokens splits a device name into the words a person reads in it,
// also at case and digit boundaries, so that brand words run together in
// identifiers are found: "TpLinkPlug" → [tp link plug], "DLinkCamera" →
// [d link camera], "EdimaxPlug1101W" → [edimax plug 1101 w].
func nameTokens(s string) []string {
	var out []string
	for _, w := range strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		out = appendCaseSplit(out, []rune(w))
	}
	return out
}

func appendCaseSplit(out []string, rs []rune) []string {
	start := 0
	for i := 1; i < len(rs); i++ {
		prev, cur := rs[i-1], rs[i]
		var next rune
		if i+1 < len(rs) {
			next = rs[i+1]
		}
		boundary := unicode.IsLower(prev) && unicode.IsUpper(cur) || // tpLink
			unicode.IsUpper(prev) && unicode.IsUpper(cur) && unicode.IsLower(next) || // DLink, TPLink
			unicode.IsDigit(prev) != unicode.IsDigit(cur) // HS110, Plug1101W
		if boundary {
			out = append(out, strings.ToLower(string(rs[start:i])))
			start = i
		}
	}
	return append(out, strings.ToLower(string(rs[start:])))
}

// legalWords are the company-form words dropped when organization names are
// compared: "Sonos, Inc." and "SONOS INC" are the same organization.
var legalWords = map[string]bool{
	"inc": true, "incorporated": true, "llc": true, "ltd": true, "limited": true, "co": true, "corp": true,
	"corporation": true, "company": true, "gmbh": true, "ag": true, "bv": true, "b": true, "v": true, "nv": true,
	"n": true, "sa": true, "sas": true, "srl": true, "plc": true, "pty": true, "oy": true, "ab": true, "kk": true,
	"lp": true, "the": true,
}

// orgKey is the comparison form of an organization name.
func orgKey(s string) string {
	ws := words(s)
	kept := ws[:0]
	for _, w := range ws {
		if !legalWords[w] {
			kept = append(kept, w)
		}
	}
	return strings.Join(kept, " ")
}

// hasWordPrefix reports whether the words of s start with prefix's words.
func hasWordPrefix(s, prefix []string) bool {
	if len(prefix) == 0 || len(prefix) > len(s) {
		return false
	}
	for i, w := range prefix {
		if s[i] != w {
			return false
		}
	}
	return true
}
