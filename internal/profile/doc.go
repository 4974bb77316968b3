// Package profile is the device-profile model of the smart-home-firewall
// (github.com/smart-home-network-security/smart-home-firewall): the
// profile.yaml that `iotlens signatures` writes and `iotlens match` reads.
//
// Place in the pipeline: it sits after the analyses. internal/analysis/
// signatures turns recurring flows into a *Profile and calls Write; the
// match command calls LoadResolved, then hands the profile back to the
// signatures package, which compiles its policies into flow matchers.
//
// The package has four parts:
//
//   - model.go: the types (Profile, DeviceInfo, Entry, Policy, Layer,
//     Field, Value, Scalar), in file order, keeping !include references;
//   - read.go and schema.go: a YAML reader that checks every key and value
//     against the schema the firewall's translator accepts and reports
//     problems as file:line:column, optionally resolving !include (same file
//     and other files) and YAML aliases with a budget against alias bombs;
//   - write.go: the writer, whose output reads back to an equal Profile
//     (round trip) and is quoted so that PyYAML (YAML 1.1) reads the same
//     values;
//   - mud.go: an RFC 8520 MUD file (ietf-mud + ietf-access-control-list
//     JSON) derived from a profile's policies.
package profile
