package output

import (
	"math"
	"strconv"
	"strings"
)

// PyFloat formats v as Python's repr(float) does: the shortest string that
// round-trips, in positional notation for 1e-4 <= |v| < 1e16 ("0.0",
// "565.1971830985916"), otherwise scientific with at least two exponent
// digits ("2.8e-05", "1e+16"). The seeds' CSVs print floats this way.
func PyFloat(v float64) string {
	switch {
	case math.IsNaN(v):
		return "nan"
	case math.IsInf(v, 1):
		return "inf"
	case math.IsInf(v, -1):
		return "-inf"
	}
	a := math.Abs(v)
	if a == 0 || (a >= 1e-4 && a < 1e16) {
		s := strconv.FormatFloat(v, 'f', -1, 64)
		if !strings.Contains(s, ".") {
			s += ".0"
		}
		return s
	}
	s := strconv.FormatFloat(v, 'e', -1, 64) // e.g. 2.8e-05, 1e+16
	return s
}
