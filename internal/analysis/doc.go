// Package analysis holds one sub-package per analysis. Each implements
// engine.Analysis: it consumes engine.Events and keeps a mergeable per-file
// aggregate, so results are identical however the files are split across
// workers or shards.
package analysis
