// Package headless drives a headless Chromium for the report's browser
// tests: it loads a page, records every console error, uncaught exception,
// failed or outside request and JavaScript dialog, evaluates expressions
// and takes screenshots. It speaks the Chrome DevTools protocol over
// --remote-debugging-pipe (NUL-separated JSON on file descriptors 3 and 4),
// so there is no port to race for and no websocket to negotiate.
//
// It is test support, not part of the iotlens pipeline; tests skip when no
// browser is installed (Find returns "").
package headless
