package synth

// taskKind says what a scheduled task does when it fires.
type taskKind uint8

// task is one scheduled action. seq breaks ties between equal times in
// scheduling order, which keeps the output deterministic. The meaning of
// a, b and c depends on kind.
type task struct {
	at   int64
	seq  uint64
	kind taskKind
	dev  int32
	a, b uint32
	c    uint64
}

// taskQueue is a binary min-heap of tasks by (at, seq). It stores values,
// not pointers, so scheduling does not allocate once the slice has grown to
// the home's steady-state number of pending tasks.
type taskQueue struct {
	items []task
}

func (q *taskQueue) len() int { return len(q.items) }

func (q *taskQueue) less(i, j int) bool {
	a, b := &q.items[i], &q.items[j]
	if a.at != b.at {
		return a.at < b.at
	}
	return a.seq < b.seq
}

func (q *taskQueue) push(t task) {
	q.items = append(q.items, t)
	i := len(q.items) - 1
	for i > 0 {
		parent := (i - 1) / 2
		if !q.less(i, parent) {
			break
		}
		q.items[i], q.items[parent] = q.items[parent], q.items[i]
		i = parent
	}
}

func (q *taskQueue) pop() task {
	top := q.items[0]
	last := len(q.items) - 1
	q.items[0] = q.items[last]
	q.items = q.items[:last]
	i := 0
	for {
		left := 2*i + 1
		if left >= last {
			break
		}
		least := left
		if right := left + 1; right < last && q.less(right, left) {
			least = right
		}
		if !q.less(least, i) {
			break
		}
		q.items[i], q.items[least] = q.items[least], q.items[i]
		i = least
	}
	return top
}
