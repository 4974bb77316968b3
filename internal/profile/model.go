package profile

import "strconv"

// Kind is the YAML type of a scalar; it decides how the writer quotes it.
type Kind uint8

// Scalar kinds.
const (
	KindString  Kind = iota
	KindInt          // 443
	KindFloat        // 0.5
	KindBool         // true / false
	KindNull         // a placeholder left empty (only under patterns)
	KindInclude      // an unresolved "!include ref key.path:value ..." reference
)

// Scalar is one YAML scalar with its type.
type Scalar struct {
	Text string
	Kind Kind
}

// Str, Int, Bool and Include build scalars.
func Str(s string) Scalar { return Scalar{Text: s, Kind: KindString} }

// Int builds an integer scalar.
func Int(n int) Scalar { return Scalar{Text: strconv.Itoa(n), Kind: KindInt} }

// Bool builds a boolean scalar.
func Bool(b bool) Scalar { return Scalar{Text: strconv.FormatBool(b), Kind: KindBool} }

// Include builds an unresolved !include reference.
func Include(ref string) Scalar { return Scalar{Text: ref, Kind: KindInclude} }

// IntValue returns the scalar as an integer.
func (s Scalar) IntValue() (int, bool) {
	if s.Kind != KindInt {
		return 0, false
	}
	n, err := strconv.Atoi(s.Text)
	return n, err == nil
}

// BoolValue returns the scalar as a boolean.
func (s Scalar) BoolValue() (bool, bool) {
	if s.Kind != KindBool {
		return false, false
	}
	b, err := strconv.ParseBool(s.Text)
	return b, err == nil
}

// Value is a field's value: one scalar, or a YAML list of scalars (the
// firewall reads a list as "any of").
type Value struct {
	Items []Scalar
	List  bool
}

// One is a single-scalar value.
func One(s Scalar) Value { return Value{Items: []Scalar{s}} }

// ListOf is a list value.
func ListOf(items ...Scalar) Value { return Value{Items: items, List: true} }

// Field is one key: value of a protocol layer, of device-info extras or of
// activity-period.
type Field struct {
	Key   string
	Value Value
}

// Stat is one entry of a policy's stats: a value for both directions, or
// one per direction ({fwd: ..., bwd: ...}).
type Stat struct {
	Key          string // rate, packet-size, packet-count, duration
	Value        Value  // when !PerDirection
	PerDirection bool
	Fwd, Bwd     Value
}

// Layer is one protocol of a policy ("dns", "udp", "ipv4", ...) with its
// fields in file order. A layer without fields (icmpv6:) has none.
type Layer struct {
	Name   string
	Fields []Field
}

// Field returns the value of key and whether the layer has it.
func (l *Layer) Field(key string) (Value, bool) {
	for _, f := range l.Fields {
		if f.Key == key {
			return f.Value, true
		}
	}
	return Value{}, false
}

// Policy is one access-control policy: traffic the device may send or
// receive.
type Policy struct {
	Protocols      []Layer
	Bidirectional  *bool
	Stats          []Stat
	Initiator      string  // "src" or "dst"; empty when absent
	ActivityPeriod []Field // start, duration
	Timeout        *Scalar // in interactions: seconds (number) or "<v> <unit>"
}

// Layer returns the protocol layer called name, or nil.
func (p *Policy) Layer(name string) *Layer {
	for i := range p.Protocols {
		if p.Protocols[i].Name == name {
			return &p.Protocols[i]
		}
	}
	return nil
}

// IsBidirectional reports whether replies are allowed too.
func (p *Policy) IsBidirectional() bool { return p.Bidirectional != nil && *p.Bidirectional }

// Entry is a named item of single-policies, patterns or an interaction: a
// policy, a group of nested entries (the firewall flattens them in order),
// or an unresolved !include reference.
type Entry struct {
	Name    string
	Comment string // written as a "# ..." line above the entry
	Policy  *Policy
	Group   []Entry
	Include string
}

// Interaction is an ordered sequence of policies (steps): the firewall
// allows step n only after step n-1 was seen.
type Interaction struct {
	Name    string
	Comment string
	Steps   []Entry
	Include string // the whole interaction is an !include
	// Loop and Next are kept as written (the firewall's loop support).
	Loop, Next *Value
}

// DeviceInfo is the profile's device-info section.
type DeviceInfo struct {
	Name          string
	MAC           string
	IPv4          string
	IPv6          string
	Network       string // wired / wireless
	MUDVersion    *int
	MUDURL        string
	LastUpdate    string
	CacheValidity *int
	IsSupported   *bool
}

// Profile is one device profile.
type Profile struct {
	Comment        string // written at the top of the file
	DeviceInfo     DeviceInfo
	Patterns       []Entry
	SinglePolicies []Entry
	Interactions   []Interaction
}

// Flatten lists the policies of entries in firewall order, nested groups
// expanded, with their names joined by "." (includes are skipped: resolve
// them first).
func Flatten(entries []Entry) []NamedPolicy {
	var out []NamedPolicy
	var walk func(prefix string, es []Entry)
	walk = func(prefix string, es []Entry) {
		for i := range es {
			e := &es[i]
			name := e.Name
			if prefix != "" {
				name = prefix + "." + e.Name
			}
			switch {
			case e.Policy != nil:
				out = append(out, NamedPolicy{Name: name, Policy: e.Policy})
			case len(e.Group) > 0:
				walk(name, e.Group)
			}
		}
	}
	walk("", entries)
	return out
}

// NamedPolicy is a policy with its (dotted) name.
type NamedPolicy struct {
	Name   string
	Policy *Policy
}
