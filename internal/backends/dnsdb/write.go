package dnsdb

import (
	"path/filepath"

	"github.com/iotlens/iotlens/internal/backends"
)

// Output file names (without extension) written by WriteFiles.
const (
	ProvidersFile   = "dnsdb_providers"
	DomainsFile     = "dnsdb_domains"
	AddressesFile   = "dnsdb_addresses"
	NextQueriesFile = "dnsdb_next_queries"
)

// WriteFiles writes the result tables into dir: providers, domains and
// addresses as CSV and Parquet, and the next query round as CSV (the
// study's query-file layout). It returns the paths written.
func WriteFiles(dir string, res *Result) ([]string, error) {
	var paths []string
	steps := []func() ([]string, error){
		func() ([]string, error) {
			return backends.WriteTable(dir, ProvidersFile, ProviderHeader, res.Providers, (*ProviderRow).Record)
		},
		func() ([]string, error) {
			return backends.WriteTable(dir, DomainsFile, DomainHeader, res.Domains, (*DomainRow).Record)
		},
		func() ([]string, error) {
			return backends.WriteTable(dir, AddressesFile, AddressHeader, res.Addresses, (*AddressRow).Record)
		},
		func() ([]string, error) {
			p := filepath.Join(dir, NextQueriesFile+".csv")
			return []string{p}, backends.WriteCSV(p, QueryHeader, res.NextQueries, (*QueryRow).Record)
		},
	}
	for _, step := range steps {
		written, err := step()
		if err != nil {
			return paths, err
		}
		paths = append(paths, written...)
	}
	return paths, nil
}
