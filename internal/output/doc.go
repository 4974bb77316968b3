// Package output is the last stage of the pipeline: it writes results as
// CSV, JSON and aligned terminal tables, always atomically (a temporary file
// in the target folder, then rename), so an interrupted run leaves the
// previous file or none, never half a file. CSV cells that a spreadsheet
// would run as a formula are neutralised; JSON is valid UTF-8.
package output
