package inventory

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/netip"

	"gopkg.in/yaml.v3"
)

// yamlDevice is one entry of a devices.yaml (UCLouvain smart-home-network-
// security layout). The map key is the device id; `name` is the model.
type yamlDevice struct {
	Model        string     `yaml:"name"`
	IPv4         stringList `yaml:"ipv4"`
	IPv6         stringList `yaml:"ipv6"`
	IP           stringList `yaml:"ip"`
	MAC          stringList `yaml:"mac"`
	Type         string     `yaml:"device-type"`
	Manufacturer string     `yaml:"manufacturer"`
}

// stringList accepts a scalar or a sequence of scalars.
type stringList []string

func (s *stringList) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		if n.Tag != "!!null" && n.Value != "" {
			*s = stringList{n.Value}
		}
		return nil
	}
	var list []string
	if err := n.Decode(&list); err != nil {
		return err
	}
	*s = list
	return nil
}

// maxYAMLNodes bounds alias expansion (a "billion laughs" file).
const maxYAMLNodes = 100000

func parseYAML(inv *Inventory, data []byte, name string) error {
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil
		}
		return &ParseError{File: name, Err: err}
	}
	if countNodes(&doc, maxYAMLNodes) > maxYAMLNodes {
		return &ParseError{File: name, Err: errors.New("YAML document too large")}
	}
	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	root = unwrapDevicesKey(root)
	if root.Kind != yaml.MappingNode {
		return &ParseError{File: name, Line: root.Line, Err: errors.New("want a map of device id to its fields")}
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		key, value := root.Content[i], root.Content[i+1]
		if err := addYAMLDevice(inv, key, value); err != nil {
			return &ParseError{File: name, Line: key.Line, Err: err}
		}
	}
	return nil
}

// unwrapDevicesKey accepts a file whose only top-level key is "devices".
func unwrapDevicesKey(n *yaml.Node) *yaml.Node {
	if n.Kind == yaml.MappingNode && len(n.Content) == 2 && n.Content[0].Value == "devices" && n.Content[1].Kind == yaml.MappingNode {
		return n.Content[1]
	}
	return n
}

func addYAMLDevice(inv *Inventory, key, value *yaml.Node) error {
	if key.Kind != yaml.ScalarNode || key.Value == "" {
		return errors.New("device id must be a non-empty string")
	}
	var y yamlDevice
	if value.Kind != yaml.ScalarNode || value.Tag != "!!null" {
		if err := value.Decode(&y); err != nil {
			return fmt.Errorf("device %q: %v", key.Value, err)
		}
	}
	d := Device{
		Name:         key.Value,
		Model:        y.Model,
		Type:         y.Type,
		Manufacturer: y.Manufacturer,
		Source:       SourceDevicesYAML,
	}
	for _, list := range []stringList{y.IPv4, y.IPv6, y.IP} {
		for _, s := range list {
			ip, err := netip.ParseAddr(s)
			if err != nil {
				return fmt.Errorf("device %q: bad IP address %q", key.Value, s)
			}
			d.IPs = append(d.IPs, ip)
		}
	}
	for _, s := range y.MAC {
		m, err := parseMAC(s)
		if err != nil {
			return fmt.Errorf("device %q: %v", key.Value, err)
		}
		d.MACs = append(d.MACs, m)
	}
	// Ids sharing an address are one physical device (TpLinkPlug,
	// TpLinkPlugTapo, ...): the first id names it, the others are aliases.
	_, err := inv.add(d, true)
	return err
}

// countNodes counts n's nodes, following aliases, stopping past limit.
func countNodes(n *yaml.Node, limit int) int {
	count := 0
	var walk func(*yaml.Node, int)
	walk = func(n *yaml.Node, depth int) {
		if n == nil {
			return
		}
		if count > limit || depth > 100 {
			count = limit + 1
			return
		}
		count++
		if n.Kind == yaml.AliasNode {
			walk(n.Alias, depth+1)
			return
		}
		for _, c := range n.Content {
			walk(c, depth+1)
		}
	}
	walk(n, 0)
	return count
}
