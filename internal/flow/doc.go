// Package flow groups decoded packets into bidirectional transport flows
// (5-tuple with an idle timeout) held in a bounded table: stage three of the
// pipeline, between decode and the analyses. Idle flows are evicted by packet
// time, and the table never holds more than its cap, so memory stays bounded
// on captures larger than RAM.
package flow
