package passive

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"gopkg.in/yaml.v3"
)

// Category is a protocol's purpose in the passive-mode study.
type Category uint8

// Categories, in the seed's column order of proto-distributions.csv.
const (
	Discovery Category = iota
	Management
	Encrypted
	Unencrypted
	Unknown
	numCategories
)

var categoryKeys = [numCategories]string{"discovery", "management", "encrypted", "unencrypted", "unknown"}

// categoryLabels are the Type values of the seed's hand-annotated
// unique-app-protos-overall.csv.
var categoryLabels = [numCategories]string{"Discovery", "Management", "Encrypted App", "Unencrypted App", ""}

// Key is the YAML / tidy-output name ("discovery", ...).
func (c Category) Key() string { return categoryKeys[c] }

// Label is the seed's Type label ("Encrypted App", ...; "" for unknown).
func (c Category) Label() string { return categoryLabels[c] }

//go:embed categories.yaml
var builtinCategories []byte

// Categories maps protocol names to categories.
type Categories struct {
	byName map[string]Category
}

// Of returns the category of a protocol name (Unknown when unlisted).
func (c *Categories) Of(name string) Category {
	if cat, ok := c.byName[name]; ok {
		return cat
	}
	return Unknown
}

type categoriesFile struct {
	Categories map[string][]string `yaml:"categories"`
}

// maxCategoriesFile bounds a user file: it is a short table.
const maxCategoriesFile = 1 << 20

// LoadCategories returns the built-in table overridden by the file at
// path ("" for none).
func LoadCategories(path string) (*Categories, error) {
	c := &Categories{byName: map[string]Category{}}
	if err := c.merge(builtinCategories, "built-in categories.yaml"); err != nil {
		return nil, err
	}
	if path == "" {
		return c, nil
	}
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if st.Size() > maxCategoriesFile {
		return nil, fmt.Errorf("%s: %d bytes: a categories file is a short YAML table (at most %d bytes)", path, st.Size(), maxCategoriesFile)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if err := c.merge(data, path); err != nil {
		return nil, err
	}
	return c, nil
}

// ParseCategories reads one categories document over the built-in table;
// name is used in errors.
func ParseCategories(data []byte, name string) (*Categories, error) {
	c := &Categories{byName: map[string]Category{}}
	if err := c.merge(builtinCategories, "built-in categories.yaml"); err != nil {
		return nil, err
	}
	if err := c.merge(data, name); err != nil {
		return nil, err
	}
	return c, nil
}

// merge applies one document: every protocol it names takes the category it
// is listed under. Errors name the file (yaml.v3 adds the line).
func (c *Categories) merge(data []byte, name string) error {
	var doc categoriesFile
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return fmt.Errorf("%s: empty categories file (want a `categories:` mapping)", name)
		}
		return fmt.Errorf("%s: %w", name, err)
	}
	if doc.Categories == nil {
		return fmt.Errorf("%s: no `categories:` mapping", name)
	}
	for key, protos := range doc.Categories {
		cat, ok := parseCategory(key)
		if !ok {
			return fmt.Errorf("%s: unknown category %q (want %s)", name, key, strings.Join(categoryKeys[:], ", "))
		}
		for _, p := range protos {
			p = strings.ToLower(strings.TrimSpace(p))
			if p == "" {
				return fmt.Errorf("%s: empty protocol name under %q", name, key)
			}
			c.byName[p] = cat
		}
	}
	return nil
}

func parseCategory(s string) (Category, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	switch s {
	case "nonencrypted", "non-encrypted", "unencrypted app":
		return Unencrypted, true
	case "encrypted app":
		return Encrypted, true
	}
	for i, k := range categoryKeys {
		if k == s {
			return Category(i), true
		}
	}
	return Unknown, false
}
