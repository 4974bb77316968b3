package report

import (
	"testing"
	"unicode/utf8"
)

func TestVisible(t *testing.T) {
	cases := []struct{ in, want string }{
		{"api.wyzecam.com", "api.wyzecam.com"},
		{"<script>alert(1)</script>", "<script>alert(1)</script>"}, // markup is html/template's job
		{"red\x1b[31m\r\n", `red\x1b[31m\x0d\x0a`},
		{"\xff\xfe ok", `\xff\xfe ok`},
		{"caf\xc3\xa9 \xc3\x28", `café \xc3(`},
		{"moc.\u202elive", `moc.\u{202e}live`},
		{"münchen.de", "münchen.de"},
		{"a\u0085b\u2028c", `a\u{0085}b\u{2028}c`},
	}
	for _, c := range cases {
		got := visible(c.in)
		if got != c.want {
			t.Errorf("visible(%q) = %q, want %q", c.in, got, c.want)
		}
		if !utf8.ValidString(got) {
			t.Errorf("visible(%q) is not valid UTF-8", c.in)
		}
		if again := visible(got); again != got {
			t.Errorf("visible is not idempotent on %q: %q", got, again)
		}
	}
}

func TestHumanNumbers(t *testing.T) {
	bytes := []struct {
		n    int64
		want string
	}{
		{0, "0 B"}, {999, "999 B"}, {1000, "1.00 kB"}, {1536, "1.54 kB"}, {23893579, "23.9 MB"},
		{999_499, "999 kB"}, {999_500, "1.00 MB"}, {52_225_164, "52.2 MB"}, {3_000_000_000_000, "3.00 TB"},
	}
	for _, c := range bytes {
		if got := humanBytes(c.n); got != c.want {
			t.Errorf("humanBytes(%d) = %q, want %q", c.n, got, c.want)
		}
	}
	counts := []struct {
		n    int64
		want string
	}{{7, "7"}, {999, "999"}, {59549, "59.5k"}, {339407, "339k"}, {2_500_000, "2.50M"}}
	for _, c := range counts {
		if got := humanCount(c.n); got != c.want {
			t.Errorf("humanCount(%d) = %q, want %q", c.n, got, c.want)
		}
	}
	digits := []struct {
		n    int64
		want string
	}{{0, "0"}, {999, "999"}, {1000, "1,000"}, {23893579, "23,893,579"}, {-1234, "-1,234"}}
	for _, c := range digits {
		if got := groupDigits(c.n); got != c.want {
			t.Errorf("groupDigits(%d) = %q, want %q", c.n, got, c.want)
		}
	}
	if got := percent(1, 3); got != "33.3%" {
		t.Errorf("percent(1,3) = %q", got)
	}
	if got := percent(1, 0); got != "0%" {
		t.Errorf("percent(1,0) = %q", got)
	}
}

func TestShorten(t *testing.T) {
	cases := []struct {
		in   string
		max  int
		want string
	}{
		{"short", 10, "short"},
		{"exactly10!", 10, "exactly10!"},
		{"wyze-device-alarm-file-face.s3.us-west-2.amazonaws.com", 12, "wyze-device…"},
		{"ééééé", 3, "éé…"},
	}
	for _, c := range cases {
		if got := shorten(c.in, c.max); got != c.want {
			t.Errorf("shorten(%q, %d) = %q, want %q", c.in, c.max, got, c.want)
		}
	}
}
