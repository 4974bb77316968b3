package geo

import (
	_ "embed"
	"strings"
	"sync"
)

//go:generate go run ./gen -out countries.tsv

//go:embed countries.tsv
var countriesTSV string

var (
	countriesOnce sync.Once
	countries     map[string]string
)

// CountryName returns the English name of an ISO 3166-1 alpha-2 code
// ("IE" → "Ireland"), from Debian's iso-codes, or "" for an unknown code.
// It names countries for databases that store only the code.
func CountryName(code string) string {
	countriesOnce.Do(func() {
		countries = map[string]string{}
		for line := range strings.SplitSeq(countriesTSV, "\n") {
			if code, name, ok := strings.Cut(line, "\t"); ok && !strings.HasPrefix(line, "#") {
				countries[code] = name
			}
		}
	})
	return countries[strings.ToUpper(code)]
}
