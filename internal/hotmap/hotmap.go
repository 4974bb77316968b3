// Package hotmap is a map with a two-entry cache in front of it, for
// per-packet aggregation: consecutive packets mostly belong to the same
// conversation, so the last two keys looked up answer most lookups without
// hashing. Used by the analyses' per-MAC and per-IP counters.
package hotmap

// Map maps K to *V. The zero value is ready to use.
type Map[K comparable, V any] struct {
	M    map[K]*V
	keys [2]K
	vals [2]*V
}

// Lookup returns the value of k, or nil.
func (h *Map[K, V]) Lookup(k K) *V {
	for i := range h.keys {
		if h.vals[i] != nil && h.keys[i] == k {
			return h.vals[i]
		}
	}
	v := h.M[k]
	if v != nil {
		h.remember(k, v)
	}
	return v
}

// Get returns the value of k, creating a zero V when absent.
func (h *Map[K, V]) Get(k K) *V {
	if v := h.Lookup(k); v != nil {
		return v
	}
	return h.Put(k, new(V))
}

// Put stores v under k and returns it.
func (h *Map[K, V]) Put(k K, v *V) *V {
	if h.M == nil {
		h.M = make(map[K]*V)
	}
	h.M[k] = v
	h.remember(k, v)
	return v
}

// Len is the number of keys.
func (h *Map[K, V]) Len() int { return len(h.M) }

func (h *Map[K, V]) remember(k K, v *V) {
	h.keys[1], h.vals[1] = h.keys[0], h.vals[0]
	h.keys[0], h.vals[0] = k, v
}
