package profile

import (
	"path/filepath"
	"strings"

	"gopkg.in/yaml.v3"
)

// resolve returns a copy of n with every !include replaced by the node it
// names, like the firewall's IncludeLoader:
//
//	!include patterns.dns-server protocols.dns.domain-name:time.example.com
//	!include ../other/profile.yaml#device-info.ipv4
//
// The reference is "[file#]member.path", followed by overrides
// "key.path:value" applied to the copy. Members of another file have
// "self" replaced by that file's own addresses. root is the document the
// reference is looked up in when it names no file; dir is where other
// files are found. Copies take the include's position, so problems in
// included content point at the include.
func (r *reader) resolve(n, root *yaml.Node, dir string, depth int) *yaml.Node {
	n = r.deref(n)
	if n == nil {
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null"}
	}
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!include" {
		if depth >= maxIncludeDepth {
			r.problem(n, "", "!include nested deeper than %d levels", maxIncludeDepth)
			return n
		}
		target, tRoot, tDir, ok := r.lookupInclude(n, root, dir)
		if !ok {
			return n
		}
		out := r.resolve(target, tRoot, tDir, depth+1)
		out = r.applyOverrides(out, n)
		if tRoot != root {
			replaceSelf(out, deviceAddrs(tRoot))
		}
		setPos(out, n.Line, n.Column)
		return out
	}
	cp := *n
	cp.Alias, cp.Anchor = nil, ""
	if len(n.Content) > 0 {
		if r.nesting >= 4*maxNesting {
			r.problem(n, "", "nested deeper than %d levels (a recursive alias?)", 4*maxNesting)
			r.budget = -1000 // stop: the expansion cannot succeed
			return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null"}
		}
		r.nesting++
		cp.Content = make([]*yaml.Node, len(n.Content))
		for i, c := range n.Content {
			cp.Content[i] = r.resolve(c, root, dir, depth)
		}
		r.nesting--
	}
	return &cp
}

// lookupInclude finds the node an include names.
func (r *reader) lookupInclude(n, root *yaml.Node, dir string) (target, tRoot *yaml.Node, tDir string, ok bool) {
	ref := strings.Fields(n.Value)
	if len(ref) == 0 {
		r.problem(n, "", "empty !include")
		return nil, nil, "", false
	}
	file, member, hasFile := strings.Cut(ref[0], "#")
	if !hasFile {
		file, member = "", ref[0]
	}
	tRoot, tDir = root, dir
	if file != "" && file != "self" {
		if dir == "" {
			r.problem(n, "", "!include %s: another profile file can only be included when the profile is read from a file", file)
			return nil, nil, "", false
		}
		path := filepath.Join(dir, file)
		other, err := r.otherFile(path)
		if err != nil {
			r.problem(n, "", "!include %s: %v", file, err)
			return nil, nil, "", false
		}
		tRoot, tDir = other, filepath.Dir(path)
	}
	target = tRoot
	for _, key := range strings.Split(member, ".") {
		target = r.deref(target)
		child := mapGet(target, key)
		if child == nil {
			r.problem(n, "", "!include %s: no member %q", ref[0], key)
			return nil, nil, "", false
		}
		target = child
	}
	return target, tRoot, tDir, true
}

func (r *reader) otherFile(path string) (*yaml.Node, error) {
	if n, ok := r.files[path]; ok {
		return n, nil
	}
	data, err := readLimited(path)
	if err != nil {
		return nil, err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	var root *yaml.Node
	if len(doc.Content) > 0 {
		root = doc.Content[0]
	}
	r.files[path] = root
	return root, nil
}

// applyOverrides sets the "key.path:value" overrides of include n.
func (r *reader) applyOverrides(out, n *yaml.Node) *yaml.Node {
	for _, ov := range strings.Fields(n.Value)[1:] {
		keyPath, value, ok := strings.Cut(ov, ":")
		if !ok || keyPath == "" {
			r.problem(n, "", "!include override %q is not key.path:value", ov)
			continue
		}
		keys := strings.Split(keyPath, ".")
		parent := out
		for _, k := range keys[:len(keys)-1] {
			parent = mapGet(parent, k)
			if parent == nil {
				break
			}
		}
		if parent == nil || parent.Kind != yaml.MappingNode {
			r.problem(n, "", "!include override %q: no member %q", ov, keyPath)
			continue
		}
		mapSet(parent, keys[len(keys)-1], &yaml.Node{Kind: yaml.ScalarNode, Value: value})
	}
	return out
}

func mapGet(n *yaml.Node, key string) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

func mapSet(n *yaml.Node, key string, val *yaml.Node) {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			n.Content[i+1] = val
			return
		}
	}
	n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: key}, val)
}

// deviceAddrs reads device-info mac, ipv4 and ipv6 of a profile root.
func deviceAddrs(root *yaml.Node) map[string]string {
	info := mapGet(root, "device-info")
	out := map[string]string{}
	for _, k := range []string{"mac", "ipv4", "ipv6"} {
		if v := mapGet(info, k); v != nil && v.Kind == yaml.ScalarNode {
			out[k] = v.Value
		}
	}
	return out
}

// replaceSelf rewrites "self" in arp sha/tha, ipv4 and ipv6 src/dst of an
// included member with the addresses of the profile it comes from.
func replaceSelf(n *yaml.Node, addrs map[string]string) {
	var walk func(n *yaml.Node, parent string)
	walk = func(n *yaml.Node, parent string) {
		if n == nil || n.Kind != yaml.MappingNode {
			return
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i].Value, n.Content[i+1]
			switch v.Kind {
			case yaml.MappingNode:
				walk(v, k)
			case yaml.SequenceNode:
				for j, item := range v.Content {
					v.Content[j] = selfReplacement(item, parent, k, addrs)
				}
			default:
				n.Content[i+1] = selfReplacement(v, parent, k, addrs)
			}
		}
	}
	walk(n, "")
}

func selfReplacement(v *yaml.Node, layer, key string, addrs map[string]string) *yaml.Node {
	if v.Kind != yaml.ScalarNode || v.Value != "self" {
		return v
	}
	var repl string
	switch {
	case layer == "arp" && (key == "sha" || key == "tha"):
		repl = addrs["mac"]
	case layer == "ipv4" && (key == "src" || key == "dst"):
		repl = addrs["ipv4"]
	case layer == "ipv6" && (key == "src" || key == "dst"):
		repl = addrs["ipv6"]
	}
	if repl == "" {
		return v
	}
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: repl, Line: v.Line, Column: v.Column}
}

func setPos(n *yaml.Node, line, col int) {
	n.Line, n.Column = line, col
	for _, c := range n.Content {
		setPos(c, line, col)
	}
}
