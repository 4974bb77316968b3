// Package report is the last stage of the pipeline for people rather than
// programs: it turns the results of the analyses (summary rows, destination
// rows, and, when computed, time series, protocol mix, endpoints, backends
// and signatures) into one self-contained HTML file.
//
// The page needs nothing but itself: charts are inline SVG drawn here in Go,
// styles and the small table script (sorting, filtering) are inlined, and
// there is no font, image or request to fetch, so it opens from file:// and
// as an e-mail attachment. Everything is rendered with html/template, so
// every string that came from traffic (DNS names, SNI, host names, device
// names) is escaped for the context it lands in; the model is also embedded
// as JSON in a <script type="application/json"> block for anyone who wants
// the numbers behind a chart.
//
// Commands build a Model with the adapters (FromSummary, FromDestinations,
// ProtocolsFromSummary, RunFromResult) or read an existing output folder with
// Load, then call Write. A new analysis adds its section by filling one of
// the optional Model slices (or adding one, with a section function in
// sections.go); sections with no rows are not rendered.
package report
