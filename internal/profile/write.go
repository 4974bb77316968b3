package profile

import (
	"bytes"
	"io"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"
)

// Write writes p as YAML that Parse reads back to an equal Profile and
// that PyYAML (the firewall's YAML 1.1 loader) reads to the same values.
func Write(w io.Writer, p *Profile) error {
	enc := yaml.NewEncoder(w)
	enc.SetIndent(2)
	doc := &yaml.Node{Kind: yaml.DocumentNode, HeadComment: comment(p.Comment), Content: []*yaml.Node{profileNode(p)}}
	if err := enc.Encode(doc); err != nil {
		return err
	}
	return enc.Close()
}

// Marshal returns Write's output.
func Marshal(p *Profile) ([]byte, error) {
	var b bytes.Buffer
	err := Write(&b, p)
	return b.Bytes(), err
}

func profileNode(p *Profile) *yaml.Node {
	root := mapping()
	add(root, "device-info", deviceNode(&p.DeviceInfo), "")
	if len(p.Patterns) > 0 {
		add(root, "patterns", entriesNode(p.Patterns), "")
	}
	if len(p.SinglePolicies) > 0 {
		add(root, "single-policies", entriesNode(p.SinglePolicies), "")
	}
	if len(p.Interactions) > 0 {
		its := mapping()
		for i := range p.Interactions {
			it := &p.Interactions[i]
			add(its, it.Name, interactionNode(it), it.Comment)
		}
		add(root, "interactions", its, "")
	}
	return root
}

func deviceNode(d *DeviceInfo) *yaml.Node {
	n := mapping()
	str := func(k, v string) {
		if v != "" {
			add(n, k, scalarNode(Str(v)), "")
		}
	}
	str("name", d.Name)
	str("mac", d.MAC)
	str("ipv4", d.IPv4)
	str("ipv6", d.IPv6)
	str("network", d.Network)
	if d.MUDVersion != nil {
		add(n, "mud-version", scalarNode(Int(*d.MUDVersion)), "")
	}
	str("mud-url", d.MUDURL)
	str("last-update", d.LastUpdate)
	if d.CacheValidity != nil {
		add(n, "cache-validity", scalarNode(Int(*d.CacheValidity)), "")
	}
	if d.IsSupported != nil {
		add(n, "is-supported", scalarNode(Bool(*d.IsSupported)), "")
	}
	return n
}

func entriesNode(es []Entry) *yaml.Node {
	n := mapping()
	for i := range es {
		add(n, es[i].Name, entryNode(&es[i]), es[i].Comment)
	}
	return n
}

func entryNode(e *Entry) *yaml.Node {
	switch {
	case e.Include != "":
		return scalarNode(Include(e.Include))
	case e.Policy != nil:
		return policyNode(e.Policy)
	}
	return entriesNode(e.Group)
}

func interactionNode(it *Interaction) *yaml.Node {
	if it.Include != "" {
		return scalarNode(Include(it.Include))
	}
	n := entriesNode(it.Steps)
	if it.Loop != nil {
		add(n, "loop", valueNode(*it.Loop), "")
	}
	if it.Next != nil {
		add(n, "next", valueNode(*it.Next), "")
	}
	return n
}

func policyNode(p *Policy) *yaml.Node {
	n := mapping()
	protos := mapping()
	for _, l := range p.Protocols {
		var fields *yaml.Node
		if len(l.Fields) == 0 {
			fields = &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: ""}
		} else {
			fields = fieldsNode(l.Fields)
		}
		add(protos, l.Name, fields, "")
	}
	add(n, "protocols", protos, "")
	if p.Bidirectional != nil {
		add(n, "bidirectional", scalarNode(Bool(*p.Bidirectional)), "")
	}
	if len(p.Stats) > 0 {
		st := mapping()
		for _, s := range p.Stats {
			if s.PerDirection {
				d := mapping()
				add(d, "fwd", valueNode(s.Fwd), "")
				add(d, "bwd", valueNode(s.Bwd), "")
				add(st, s.Key, d, "")
			} else {
				add(st, s.Key, valueNode(s.Value), "")
			}
		}
		add(n, "stats", st, "")
	}
	if p.Initiator != "" {
		add(n, "initiator", scalarNode(Str(p.Initiator)), "")
	}
	if len(p.ActivityPeriod) > 0 {
		add(n, "activity-period", fieldsNode(p.ActivityPeriod), "")
	}
	if p.Timeout != nil {
		add(n, "timeout", scalarNode(*p.Timeout), "")
	}
	return n
}

func fieldsNode(fs []Field) *yaml.Node {
	n := mapping()
	for _, f := range fs {
		add(n, f.Key, valueNode(f.Value), "")
	}
	return n
}

func valueNode(v Value) *yaml.Node {
	if !v.List && len(v.Items) == 1 {
		return scalarNode(v.Items[0])
	}
	n := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
	for _, s := range v.Items {
		n.Content = append(n.Content, scalarNode(s))
	}
	return n
}

func scalarNode(s Scalar) *yaml.Node {
	n := &yaml.Node{Kind: yaml.ScalarNode, Value: s.Text}
	switch s.Kind {
	case KindInt:
		n.Tag = "!!int"
	case KindFloat:
		n.Tag = "!!float"
	case KindBool:
		n.Tag = "!!bool"
	case KindNull:
		n.Tag, n.Value = "!!null", ""
	case KindInclude:
		n.Tag = "!include"
	default:
		n.Tag = "!!str"
		if needsQuotes(s.Text) {
			n.Style = yaml.DoubleQuotedStyle
		}
	}
	return n
}

// PyYAML's implicit resolvers (YAML 1.1): a plain scalar matching one of
// these is not read as a string, so such strings are quoted. The
// sexagesimal forms matter: a MAC such as 10:20:30:40:50:59 is an integer
// to YAML 1.1.
var yaml11NonString = regexp.MustCompile(`^(?:` +
	`yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|y|Y|n|N` + // bool (y/n: other YAML 1.1 loaders)
	`|~|null|Null|NULL` + // null
	`|[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+` + // int
	`|[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9_]+(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)` + // float
	`|[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?` + // timestamp
	`|=|<<)$`)

func needsQuotes(s string) bool {
	return s == "" || yaml11NonString.MatchString(s) || strings.ContainsAny(s, ":#\t\n") ||
		strings.TrimSpace(s) != s
}

func mapping() *yaml.Node { return &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"} }

func add(m *yaml.Node, key string, val *yaml.Node, headComment string) {
	k := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key, HeadComment: comment(headComment)}
	if needsQuotes(key) {
		k.Style = yaml.DoubleQuotedStyle
	}
	m.Content = append(m.Content, k, val)
}

// comment renders text as "# " lines.
func comment(text string) string {
	if text == "" {
		return ""
	}
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight("# "+l, " ")
	}
	return strings.Join(lines, "\n")
}
