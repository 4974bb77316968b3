package profile

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Limits that keep a hostile profile from exhausting memory: the file size,
// and the nodes visited while expanding aliases and includes (a YAML alias
// bomb expands exponentially).
const (
	maxProfileBytes = 16 << 20
	maxNodes        = 1 << 20
	maxIncludeDepth = 8
	maxNesting      = 32 // groups of groups; a recursive alias would nest forever
	maxProblems     = 20
)

// Problem is one thing wrong in a profile, at a line and column.
type Problem struct {
	Line, Column int
	Path         string // dotted YAML path, e.g. single-policies.dns-a.protocols.udp.dst-port
	Msg          string
}

// Error lists the problems found in one profile file.
type Error struct {
	File     string
	Problems []Problem
}

func (e *Error) Error() string {
	var b strings.Builder
	for i, p := range e.Problems {
		if i == maxProblems {
			fmt.Fprintf(&b, "\n... and %d more problems", len(e.Problems)-maxProblems)
			break
		}
		if i > 0 {
			b.WriteByte('\n')
		}
		fmt.Fprintf(&b, "%s:%d:%d: ", e.File, p.Line, p.Column)
		if p.Path != "" {
			b.WriteString(p.Path + ": ")
		}
		b.WriteString(p.Msg)
	}
	return b.String()
}

// Options control Parse.
type Options struct {
	// ResolveIncludes replaces each !include by what it names: a member of
	// the same profile ("patterns.dns-server key.path:value ...") or of
	// another profile file ("../other/profile.yaml#device-info.ipv4"),
	// like the firewall's IncludeLoader. Unresolved, includes are kept as
	// references (KindInclude scalars, Entry.Include).
	ResolveIncludes bool
	// Dir is the folder other profile files are relative to; without it
	// only same-file includes resolve.
	Dir string
}

// Load reads a profile file, keeping !include references as written.
func Load(path string) (*Profile, error) { return load(path, false) }

// LoadResolved reads a profile file and resolves its !include references.
func LoadResolved(path string) (*Profile, error) { return load(path, true) }

func load(path string, resolve bool) (*Profile, error) {
	data, err := readLimited(path)
	if err != nil {
		return nil, err
	}
	return Parse(data, path, Options{ResolveIncludes: resolve, Dir: filepath.Dir(path)})
}

func readLimited(path string) ([]byte, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if st.Size() > maxProfileBytes {
		return nil, fmt.Errorf("%s: profile larger than %d bytes", path, maxProfileBytes)
	}
	return os.ReadFile(path)
}

// Parse reads a profile from data; name is used in error messages. It
// returns an *Error listing every problem (with line and column) when the
// profile does not follow the firewall's schema.
func Parse(data []byte, name string, opt Options) (*Profile, error) {
	if len(data) > maxProfileBytes {
		return nil, fmt.Errorf("%s: profile larger than %d bytes", name, maxProfileBytes)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	r := &reader{file: name, opt: opt, budget: maxNodes, files: map[string]*yaml.Node{}}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return nil, fmt.Errorf("%s: empty profile", name)
	}
	root := doc.Content[0]
	if opt.ResolveIncludes {
		root = r.resolve(root, root, opt.Dir, 0)
		if r.budget < 0 {
			if len(r.problems) == 0 {
				r.problem(root, "", "too many nodes once aliases and includes are expanded (limit %d)", maxNodes)
			}
			return nil, &Error{File: name, Problems: r.problems}
		}
		r.budget = maxNodes // the expanded tree has no aliases left
	}
	p := r.profile(root)
	p.Comment = cleanComment(doc.HeadComment)
	if p.Comment == "" && root.Kind == yaml.MappingNode && len(root.Content) > 0 {
		// After "---", YAML puts the file's opening comment on the first key.
		p.Comment = cleanComment(root.Content[0].HeadComment)
	}
	if len(r.problems) > 0 {
		return nil, &Error{File: name, Problems: r.problems}
	}
	return p, nil
}

type reader struct {
	file     string
	opt      Options
	problems []Problem
	budget   int
	nesting  int
	files    map[string]*yaml.Node // other profiles read for includes
}

func (r *reader) problem(n *yaml.Node, path, format string, args ...any) {
	line, col := 0, 0
	if n != nil {
		line, col = n.Line, n.Column
	}
	r.problems = append(r.problems, Problem{Line: line, Column: col, Path: path, Msg: fmt.Sprintf(format, args...)})
}

// deref follows aliases and charges the node budget.
func (r *reader) deref(n *yaml.Node) *yaml.Node {
	for hops := 0; n != nil && n.Kind == yaml.AliasNode; hops++ {
		if hops > 64 {
			return nil
		}
		n = n.Alias
	}
	r.budget--
	if r.budget < 0 {
		return nil
	}
	return n
}

// pairs walks a mapping's key/value pairs, reporting non-scalar and
// duplicate keys and the "<<" merge key (not supported by the firewall's
// loader either).
func (r *reader) pairs(n *yaml.Node, path string, fn func(key, val *yaml.Node, kpath string)) {
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := r.deref(n.Content[i]), n.Content[i+1]
		if k == nil {
			r.budgetProblem(n, path)
			return
		}
		if k.Kind != yaml.ScalarNode {
			r.problem(k, path, "mapping keys must be plain names")
			continue
		}
		if k.Value == "<<" {
			r.problem(k, path, "merge keys (<<) are not supported; use an alias (*name) or !include")
			continue
		}
		if seen[k.Value] {
			r.problem(k, path, "duplicate key %q", k.Value)
			continue
		}
		seen[k.Value] = true
		fn(k, v, join(path, k.Value))
	}
}

func (r *reader) budgetProblem(n *yaml.Node, path string) {
	if r.budget < 0 && r.budget > -1000 {
		r.problem(n, path, "too many nodes once aliases and includes are expanded (limit %d)", maxNodes)
		r.budget = -1000
	}
}

// mapping follows aliases in v and returns it when it is a mapping. A null
// value (the key written with nothing after it) is an empty section, so it
// returns false without a problem; anything else that is not a mapping is
// reported with the message want.
func (r *reader) mapping(v *yaml.Node, path, want string) (*yaml.Node, bool) {
	v = r.deref(v)
	if v == nil {
		r.budgetProblem(v, path)
		return nil, false
	}
	if v.Kind == yaml.ScalarNode && v.ShortTag() == "!!null" {
		return nil, false
	}
	if v.Kind != yaml.MappingNode {
		r.problem(v, path, "%s", want)
		return nil, false
	}
	return v, true
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func (r *reader) profile(root *yaml.Node) *Profile {
	p := &Profile{}
	root = r.deref(root)
	if root == nil {
		r.budgetProblem(root, "")
		return p
	}
	if root.Kind != yaml.MappingNode {
		r.problem(root, "", "a profile is a mapping with device-info, single-policies, interactions and patterns")
		return p
	}
	sawDevice := false
	r.pairs(root, "", func(k, v *yaml.Node, path string) {
		switch k.Value {
		case "device-info":
			sawDevice = true
			p.DeviceInfo = r.deviceInfo(v, path)
		case "patterns":
			p.Patterns = r.entries(v, path, true)
		case "single-policies":
			p.SinglePolicies = r.entries(v, path, false)
		case "interactions":
			p.Interactions = r.interactions(v, path)
		default:
			r.problem(k, "", "unknown top-level key %q (expected device-info, patterns, single-policies, interactions)", k.Value)
		}
	})
	if !sawDevice {
		r.problem(root, "", "device-info is missing")
	}
	return p
}

// scalar converts a scalar node; YAML 1.1 booleans written plain (yes, on,
// ...) are booleans, as PyYAML, which the firewall uses, reads them.
func (r *reader) scalar(n *yaml.Node, path string) (Scalar, bool) {
	if n.Kind != yaml.ScalarNode {
		r.problem(n, path, "expected a single value")
		return Scalar{}, false
	}
	switch tag := n.ShortTag(); tag {
	case "!include":
		if strings.TrimSpace(n.Value) == "" {
			r.problem(n, path, "empty !include")
			return Scalar{}, false
		}
		return Include(strings.TrimSpace(n.Value)), true
	case "!!int":
		v, err := strconv.ParseInt(strings.ReplaceAll(n.Value, "_", ""), 0, 64)
		if err != nil {
			r.problem(n, path, "integer %q out of range", n.Value)
			return Scalar{}, false
		}
		return Scalar{Text: strconv.FormatInt(v, 10), Kind: KindInt}, true
	case "!!float":
		return Scalar{Text: n.Value, Kind: KindFloat}, true
	case "!!bool":
		return Bool(strings.EqualFold(n.Value, "true")), true
	case "!!null":
		return Scalar{Kind: KindNull}, true
	case "!!str", "!!timestamp", "!!binary":
		if n.Style == 0 && tag == "!!str" {
			switch strings.ToLower(n.Value) {
			case "yes", "on":
				return Bool(true), true
			case "no", "off":
				return Bool(false), true
			}
		}
		return Str(n.Value), true
	default:
		r.problem(n, path, "unsupported tag %s", tag)
		return Scalar{}, false
	}
}

func (r *reader) deviceInfo(v *yaml.Node, path string) DeviceInfo {
	var d DeviceInfo
	v = r.deref(v)
	if v == nil || v.Kind != yaml.MappingNode {
		r.problem(v, path, "device-info must be a mapping (name, mac, ipv4, ...)")
		return d
	}
	r.pairs(v, path, func(k, val *yaml.Node, kpath string) {
		val = r.deref(val)
		if val == nil {
			r.budgetProblem(k, kpath)
			return
		}
		s, ok := r.scalar(val, kpath)
		if !ok {
			return
		}
		if s.Kind == KindNull {
			return
		}
		r.deviceField(&d, k, val, s, kpath)
	})
	if d.Name == "" {
		r.problem(v, path, "device-info.name is missing")
	}
	return d
}

func (r *reader) deviceField(d *DeviceInfo, k, val *yaml.Node, s Scalar, path string) {
	check := func(msg string) {
		if msg != "" {
			r.problem(val, path, "%s", msg)
		}
	}
	switch k.Value {
	case "name":
		d.Name = s.Text
	case "mac":
		d.MAC = s.Text
		check(checkMAC(s.Text))
	case "ipv4":
		d.IPv4 = s.Text
		check(checkAddr(s.Text, true))
	case "ipv6":
		d.IPv6 = s.Text
		check(checkAddr(s.Text, false))
	case "network":
		d.Network = s.Text
	case "mud-url":
		d.MUDURL = s.Text
	case "last-update":
		d.LastUpdate = s.Text
	case "mud-version", "cache-validity":
		n, ok := s.IntValue()
		if !ok {
			check("expected an integer, got " + strconv.Quote(s.Text))
			return
		}
		if k.Value == "mud-version" {
			d.MUDVersion = &n
		} else {
			d.CacheValidity = &n
		}
	case "is-supported":
		b, ok := s.BoolValue()
		if !ok {
			check("expected true or false, got " + strconv.Quote(s.Text))
			return
		}
		d.IsSupported = &b
	default:
		r.problem(k, path, "unknown device-info key %q", k.Value)
	}
}

// entries reads a mapping of named policies, groups and includes.
// Placeholders (empty values) are allowed only under patterns.
func (r *reader) entries(v *yaml.Node, path string, placeholders bool) []Entry {
	v, ok := r.mapping(v, path, "expected a mapping of named policies")
	if !ok {
		return nil
	}
	var out []Entry
	r.pairs(v, path, func(k, val *yaml.Node, kpath string) {
		if e, ok := r.entry(k, val, kpath, placeholders); ok {
			out = append(out, e)
		}
	})
	return out
}

func (r *reader) entry(k, val *yaml.Node, path string, placeholders bool) (Entry, bool) {
	e := Entry{Name: k.Value, Comment: cleanComment(k.HeadComment)}
	val = r.deref(val)
	switch {
	case val == nil:
		r.budgetProblem(k, path)
		return e, false
	case val.Kind == yaml.ScalarNode && val.ShortTag() == "!include":
		s, ok := r.scalar(val, path)
		e.Include = s.Text
		return e, ok
	case val.Kind == yaml.MappingNode && hasKey(val, "protocols"):
		e.Policy = r.policy(val, path, placeholders)
		return e, true
	case val.Kind == yaml.MappingNode && len(val.Content) > 0:
		if r.nesting >= maxNesting {
			r.problem(val, path, "groups nested deeper than %d levels (a recursive alias?)", maxNesting)
			return e, false
		}
		r.nesting++
		e.Group = r.entries(val, path, placeholders)
		r.nesting--
		return e, len(e.Group) > 0
	}
	r.problem(val, path, "expected a policy (a mapping with protocols), a group of policies or an !include")
	return e, false
}

func hasKey(n *yaml.Node, key string) bool {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Kind == yaml.ScalarNode && n.Content[i].Value == key {
			return true
		}
	}
	return false
}

func (r *reader) policy(v *yaml.Node, path string, placeholders bool) *Policy {
	p := &Policy{}
	r.pairs(v, path, func(k, val *yaml.Node, kpath string) {
		val = r.deref(val)
		if val == nil {
			r.budgetProblem(k, kpath)
			return
		}
		switch k.Value {
		case "protocols":
			p.Protocols = r.protocols(val, kpath, placeholders)
		case "bidirectional":
			if s, ok := r.scalar(val, kpath); ok {
				b, isBool := s.BoolValue()
				if !isBool {
					r.problem(val, kpath, "expected true or false, got %q", s.Text)
					return
				}
				p.Bidirectional = &b
			}
		case "stats":
			p.Stats = r.stats(val, kpath)
		case "initiator":
			if s, ok := r.scalar(val, kpath); ok {
				if s.Text != "src" && s.Text != "dst" {
					r.problem(val, kpath, "initiator must be src or dst, got %q", s.Text)
					return
				}
				p.Initiator = s.Text
			}
		case "activity-period":
			p.ActivityPeriod = r.activity(val, kpath)
		case "timeout":
			if s, ok := r.scalar(val, kpath); ok {
				if msg := timeoutSpec(s); msg != "" {
					r.problem(val, kpath, "%s", msg)
					return
				}
				p.Timeout = &s
			}
		default:
			r.problem(k, path, "unknown policy key %q (expected protocols, bidirectional, stats, initiator, activity-period, timeout)", k.Value)
		}
	})
	if len(p.Protocols) == 0 && !placeholders {
		r.problem(v, path, "policy has no protocols")
	}
	return p
}

func (r *reader) protocols(v *yaml.Node, path string, placeholders bool) []Layer {
	if v.Kind != yaml.MappingNode {
		if v.Kind == yaml.ScalarNode && v.ShortTag() == "!!null" && placeholders {
			return nil
		}
		r.problem(v, path, "protocols must be a mapping of protocol names (ipv4, tcp, dns, ...)")
		return nil
	}
	var out []Layer
	r.pairs(v, path, func(k, val *yaml.Node, kpath string) {
		schema, known := layerSchema[k.Value]
		if !known {
			r.problem(k, path, "unknown protocol %q (the firewall supports %s)", k.Value, joinSet(keysOf(layerSchema)))
			return
		}
		l := Layer{Name: k.Value}
		val = r.deref(val)
		switch {
		case val == nil:
			r.budgetProblem(k, kpath)
			return
		case val.Kind == yaml.ScalarNode && val.ShortTag() == "!!null":
		case val.Kind == yaml.MappingNode:
			r.pairs(val, kpath, func(fk, fv *yaml.Node, fpath string) {
				check, ok := schema[fk.Value]
				if !ok {
					msg := fmt.Sprintf("unknown %s field %q", k.Value, fk.Value)
					if hint := fieldHints[k.Value+"."+fk.Value]; hint != "" {
						msg += fmt.Sprintf(" (did you mean %q?)", hint)
					}
					r.problem(fk, kpath, "%s", msg)
					return
				}
				if value, ok := r.value(fv, fpath, check, placeholders); ok {
					l.Fields = append(l.Fields, Field{Key: fk.Value, Value: value})
				}
			})
		default:
			r.problem(val, kpath, "expected the fields of %s as a mapping", k.Value)
			return
		}
		out = append(out, l)
	})
	return out
}

func keysOf[V any](m map[string]V) map[string]bool {
	out := make(map[string]bool, len(m))
	for k := range m {
		out[k] = true
	}
	return out
}

// value reads a scalar or a list of scalars and checks each.
func (r *reader) value(n *yaml.Node, path string, check checker, placeholders bool) (Value, bool) {
	n = r.deref(n)
	if n == nil {
		r.budgetProblem(n, path)
		return Value{}, false
	}
	one := func(item *yaml.Node) (Scalar, bool) {
		item = r.deref(item)
		if item == nil {
			r.budgetProblem(n, path)
			return Scalar{}, false
		}
		s, ok := r.scalar(item, path)
		if !ok {
			return s, false
		}
		switch s.Kind {
		case KindNull:
			if !placeholders {
				r.problem(item, path, "no value (empty placeholders are only allowed under patterns)")
				return s, false
			}
		case KindInclude:
		default:
			if msg := check(s); msg != "" {
				r.problem(item, path, "%s", msg)
				return s, false
			}
		}
		return s, true
	}
	switch n.Kind {
	case yaml.ScalarNode:
		s, ok := one(n)
		return One(s), ok
	case yaml.SequenceNode:
		if len(n.Content) == 0 {
			r.problem(n, path, "empty list")
			return Value{}, false
		}
		v := Value{List: true}
		ok := true
		for _, item := range n.Content {
			s, good := one(item)
			ok = ok && good
			v.Items = append(v.Items, s)
		}
		return v, ok
	}
	r.problem(n, path, "expected a value or a list of values")
	return Value{}, false
}

func (r *reader) stats(v *yaml.Node, path string) []Stat {
	if v.Kind != yaml.MappingNode {
		r.problem(v, path, "stats must be a mapping (rate, packet-size, packet-count, duration)")
		return nil
	}
	var out []Stat
	r.pairs(v, path, func(k, val *yaml.Node, kpath string) {
		check, ok := statSchema[k.Value]
		if !ok {
			r.problem(k, path, "unknown stat %q (expected rate, packet-size, packet-count, duration)", k.Value)
			return
		}
		st := Stat{Key: k.Value}
		val = r.deref(val)
		if val != nil && val.Kind == yaml.MappingNode {
			st.PerDirection = true
			var fwd, bwd bool
			r.pairs(val, kpath, func(dk, dv *yaml.Node, dpath string) {
				switch dk.Value {
				case "fwd":
					st.Fwd, fwd = r.value(dv, dpath, check, false)
				case "bwd":
					st.Bwd, bwd = r.value(dv, dpath, check, false)
				default:
					r.problem(dk, kpath, "per-direction stats take fwd and bwd, not %q", dk.Value)
				}
			})
			if !fwd || !bwd {
				r.problem(val, kpath, "per-direction stats need both fwd and bwd")
				return
			}
		} else {
			value, ok := r.value(val, kpath, check, false)
			if !ok {
				return
			}
			st.Value = value
		}
		out = append(out, st)
	})
	return out
}

func (r *reader) activity(v *yaml.Node, path string) []Field {
	if v.Kind != yaml.MappingNode {
		r.problem(v, path, "activity-period must be a mapping with start and duration")
		return nil
	}
	var out []Field
	r.pairs(v, path, func(k, val *yaml.Node, kpath string) {
		if k.Value != "start" && k.Value != "duration" {
			r.problem(k, path, "unknown activity-period key %q (expected start, duration)", k.Value)
			return
		}
		if value, ok := r.value(val, kpath, nonEmpty, false); ok {
			out = append(out, Field{Key: k.Value, Value: value})
		}
	})
	return out
}

func (r *reader) interactions(v *yaml.Node, path string) []Interaction {
	v, ok := r.mapping(v, path, "interactions must be a mapping of named interactions")
	if !ok {
		return nil
	}
	var out []Interaction
	r.pairs(v, path, func(k, val *yaml.Node, kpath string) {
		it := Interaction{Name: k.Value, Comment: cleanComment(k.HeadComment)}
		val = r.deref(val)
		switch {
		case val == nil:
			r.budgetProblem(k, kpath)
			return
		case val.Kind == yaml.ScalarNode && val.ShortTag() == "!include":
			s, ok := r.scalar(val, kpath)
			if !ok {
				return
			}
			it.Include = s.Text
		case val.Kind == yaml.MappingNode:
			r.steps(&it, val, kpath)
			if len(it.Steps) == 0 {
				r.problem(val, kpath, "interaction has no steps")
				return
			}
		default:
			r.problem(val, kpath, "an interaction is a mapping of ordered steps (policies)")
			return
		}
		out = append(out, it)
	})
	return out
}

// steps reads an interaction's steps; "loop" and "next" with plain values
// are the interaction's own settings, not steps.
func (r *reader) steps(it *Interaction, v *yaml.Node, path string) {
	r.pairs(v, path, func(k, val *yaml.Node, kpath string) {
		if k.Value == "loop" || k.Value == "next" {
			if d := r.deref(val); d != nil && d.Kind != yaml.MappingNode {
				value, ok := r.value(d, kpath, nonEmpty, false)
				if !ok {
					return
				}
				if k.Value == "loop" {
					it.Loop = &value
				} else {
					it.Next = &value
				}
				return
			}
		}
		if e, ok := r.entry(k, val, kpath, false); ok {
			it.Steps = append(it.Steps, e)
		}
	})
}

// cleanComment strips "#" markers from a YAML comment block.
func cleanComment(c string) string {
	if c == "" {
		return ""
	}
	lines := strings.Split(c, "\n")
	for i, l := range lines {
		l = strings.TrimSpace(l)
		l = strings.TrimPrefix(l, "#")
		lines[i] = strings.TrimPrefix(l, " ")
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}
