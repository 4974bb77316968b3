package knowledge

import (
	"strings"
	"unicode/utf8"
)

// toASCII converts the non-ASCII labels of a lower-case name to their
// punycode "xn--" form (RFC 3492), the form the compiled Public Suffix List
// stores internationalised suffixes in ("пример.рф" → "xn--e1afmkfd.xn--p1ai").
// x/net's idna package would need golang.org/x/text; suffix matching needs
// only the encoding, without IDNA's validation and normalisation.
func toASCII(name string) string {
	ascii := true
	for i := 0; i < len(name); i++ {
		if name[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return name
	}
	labels := strings.Split(name, ".")
	for i, l := range labels {
		if enc, ok := punycodeLabel(l); ok {
			labels[i] = enc
		}
	}
	return strings.Join(labels, ".")
}

// punycode parameters (RFC 3492 section 5).
const (
	pcBase        = 36
	pcTMin        = 1
	pcTMax        = 26
	pcSkew        = 38
	pcDamp        = 700
	pcInitialBias = 72
	pcInitialN    = 128
)

// punycodeLabel encodes one label; ok is false for an all-ASCII label, an
// invalid UTF-8 label or an overflow (the label is then left as it is).
func punycodeLabel(label string) (string, bool) {
	if !utf8.ValidString(label) {
		return "", false
	}
	runes := []rune(label)
	var out strings.Builder
	out.WriteString("xn--")
	basic := 0
	for _, r := range runes {
		if r < utf8.RuneSelf {
			out.WriteRune(r)
			basic++
		}
	}
	if basic == len(runes) {
		return "", false
	}
	if basic > 0 {
		out.WriteByte('-')
	}
	n, delta, bias := rune(pcInitialN), 0, pcInitialBias
	for h := basic; h < len(runes); {
		m := rune(utf8.MaxRune + 1)
		for _, r := range runes {
			if r >= n && r < m {
				m = r
			}
		}
		step := int(m-n) * (h + 1)
		if step < 0 || delta > (1<<30)-step {
			return "", false
		}
		delta += step
		n = m
		for _, r := range runes {
			if r < n {
				delta++
			}
			if r != n {
				continue
			}
			q := delta
			for k := pcBase; ; k += pcBase {
				t := k - bias
				if t < pcTMin {
					t = pcTMin
				} else if t > pcTMax {
					t = pcTMax
				}
				if q < t {
					break
				}
				out.WriteByte(pcDigit(t + (q-t)%(pcBase-t)))
				q = (q - t) / (pcBase - t)
			}
			out.WriteByte(pcDigit(q))
			bias = pcAdapt(delta, h+1, h == basic)
			delta = 0
			h++
		}
		delta++
		n++
	}
	return out.String(), true
}

func pcDigit(d int) byte {
	if d < 26 {
		return byte('a' + d)
	}
	return byte('0' + d - 26)
}

func pcAdapt(delta, numPoints int, first bool) int {
	if first {
		delta /= pcDamp
	} else {
		delta /= 2
	}
	delta += delta / numPoints
	k := 0
	for delta > ((pcBase-pcTMin)*pcTMax)/2 {
		delta /= pcBase - pcTMin
		k += pcBase
	}
	return k + (pcBase-pcTMin+1)*delta/(delta+pcSkew)
}
