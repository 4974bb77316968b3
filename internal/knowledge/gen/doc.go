// Command gen turns the advertising and tracking filter lists that Debian's
// webext-ublock-origin-firefox package ships (EasyList and EasyPrivacy) into
// internal/knowledge/trackers.txt.gz, the compact host list that package
// knowledge embeds for its Third-party rule. It is run by
// `go generate ./internal/knowledge`.
//
// Only whole-host blocking rules are kept: `||host^`, optionally followed by
// resource-type options ($third-party, $script, $popup, ...). Rules that
// apply only on some sites ($domain=...), only first-party, or to a URL path
// say nothing about the host itself and are dropped; so are EasyPrivacy's
// CNAME-cloaking sections (website subdomains that alias a tracker whose own
// domain the lists already name). A global exception `@@||host^` removes the
// host. A host under a listed host of the same category is redundant and is
// dropped.
//
// Output: a gzip-compressed text file; header lines start with '#' and name
// the Debian package and version and each list's title, then one line per
// host, sorted:
//
//	<host> TAB <A|T>
//
// A = Advertising (EasyList), T = Tracking (EasyPrivacy: analytics, telemetry,
// tracking). A host in both lists is Advertising.
package main
