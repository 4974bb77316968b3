package headless

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"
)

// Find returns the path of a Chromium-family browser: $IOTLENS_CHROMIUM, or
// the first of chromium, chromium-browser, google-chrome on PATH; "" if none.
func Find() string {
	if p := os.Getenv("IOTLENS_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// Browser is one running headless browser.
type Browser struct {
	cmd      *exec.Cmd
	toChrome io.WriteCloser
	profile  string

	mu       sync.Mutex
	nextID   int
	pending  map[int]chan message
	events   []message
	eventsCh chan struct{}
	readErr  error
	done     chan struct{}
}

type message struct {
	ID        int             `json:"id,omitempty"`
	Method    string          `json:"method,omitempty"`
	Params    json.RawMessage `json:"params,omitempty"`
	Result    json.RawMessage `json:"result,omitempty"`
	Error     *protocolError  `json:"error,omitempty"`
	SessionID string          `json:"sessionId,omitempty"`
}

type protocolError struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

// Start launches the browser with a fresh profile and no network services
// (no sync, component updates or background requests).
func Start(path string) (*Browser, error) {
	profile, err := os.MkdirTemp("", "iotlens-chromium-")
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(path, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
		"--disable-component-update", "--disable-sync", "--no-first-run", "--no-default-browser-check",
		"--disable-extensions", "--hide-scrollbars", "--mute-audio", "--user-data-dir="+profile,
		"--remote-debugging-pipe", "about:blank")
	// fd 3: commands to the browser; fd 4: its answers.
	cmdR, cmdW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	resR, resW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	cmd.ExtraFiles = []*os.File{cmdR, resW}
	if err := cmd.Start(); err != nil {
		os.RemoveAll(profile)
		return nil, fmt.Errorf("start %s: %w", path, err)
	}
	cmdR.Close()
	resW.Close()
	b := &Browser{cmd: cmd, toChrome: cmdW, profile: profile, pending: map[int]chan message{},
		eventsCh: make(chan struct{}, 1), done: make(chan struct{})}
	go b.read(resR)
	return b, nil
}

// Close stops the browser and removes its profile.
func (b *Browser) Close() {
	b.toChrome.Close()
	if b.cmd.Process != nil {
		b.cmd.Process.Kill()
	}
	b.cmd.Wait()
	<-b.done
	os.RemoveAll(b.profile)
}

func (b *Browser) read(r io.ReadCloser) {
	defer close(b.done)
	defer r.Close()
	br := bufio.NewReaderSize(r, 1<<20)
	for {
		raw, err := br.ReadBytes(0)
		if err != nil {
			b.fail(err)
			return
		}
		var m message
		if err := json.Unmarshal(raw[:len(raw)-1], &m); err != nil {
			b.fail(fmt.Errorf("devtools message: %w", err))
			return
		}
		b.mu.Lock()
		if m.ID != 0 {
			if ch := b.pending[m.ID]; ch != nil {
				ch <- m
				delete(b.pending, m.ID)
			}
		} else {
			b.events = append(b.events, m)
			select {
			case b.eventsCh <- struct{}{}:
			default:
			}
		}
		b.mu.Unlock()
	}
}

func (b *Browser) fail(err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.readErr = err
	for id, ch := range b.pending {
		close(ch)
		delete(b.pending, id)
	}
}

// call sends one command and waits for its answer.
func (b *Browser) call(ctx context.Context, session, method string, params any, result any) error {
	if params == nil {
		params = struct{}{}
	}
	p, err := json.Marshal(params)
	if err != nil {
		return err
	}
	b.mu.Lock()
	if b.readErr != nil {
		b.mu.Unlock()
		return fmt.Errorf("browser gone: %w", b.readErr)
	}
	b.nextID++
	id := b.nextID
	ch := make(chan message, 1)
	b.pending[id] = ch
	b.mu.Unlock()
	msg, err := json.Marshal(message{ID: id, Method: method, Params: p, SessionID: session})
	if err != nil {
		return err
	}
	if _, err := b.toChrome.Write(append(msg, 0)); err != nil {
		return fmt.Errorf("%s: %w", method, err)
	}
	select {
	case m, ok := <-ch:
		if !ok {
			return fmt.Errorf("%s: browser closed the connection", method)
		}
		if m.Error != nil {
			return fmt.Errorf("%s: %s (%d)", method, m.Error.Message, m.Error.Code)
		}
		if result != nil {
			return json.Unmarshal(m.Result, result)
		}
		return nil
	case <-ctx.Done():
		return fmt.Errorf("%s: %w", method, ctx.Err())
	}
}

// Page is one tab.
type Page struct {
	b       *Browser
	session string
	url     string
}

// Open creates a tab of the given viewport size with console, network and
// page events on, ready to Load.
func (b *Browser) Open(ctx context.Context, width, height int) (*Page, error) {
	var target struct {
		TargetID string `json:"targetId"`
	}
	if err := b.call(ctx, "", "Target.createTarget", map[string]any{"url": "about:blank"}, &target); err != nil {
		return nil, err
	}
	var att struct {
		SessionID string `json:"sessionId"`
	}
	if err := b.call(ctx, "", "Target.attachToTarget", map[string]any{"targetId": target.TargetID, "flatten": true}, &att); err != nil {
		return nil, err
	}
	p := &Page{b: b, session: att.SessionID}
	for _, m := range []string{"Page.enable", "Runtime.enable", "Log.enable", "Network.enable"} {
		if err := b.call(ctx, p.session, m, nil, nil); err != nil {
			return nil, err
		}
	}
	err := b.call(ctx, p.session, "Emulation.setDeviceMetricsOverride",
		map[string]any{"width": width, "height": height, "deviceScaleFactor": 1, "mobile": false}, nil)
	return p, err
}

// Load navigates to a local file and waits for its load event.
func (p *Page) Load(ctx context.Context, path string) error {
	u := (&url.URL{Scheme: "file", Path: path}).String()
	p.url = u
	var nav struct {
		ErrorText string `json:"errorText"`
	}
	if err := p.b.call(ctx, p.session, "Page.navigate", map[string]any{"url": u}, &nav); err != nil {
		return err
	}
	if nav.ErrorText != "" {
		return fmt.Errorf("navigate %s: %s", u, nav.ErrorText)
	}
	return p.waitEvent(ctx, "Page.loadEventFired")
}

func (p *Page) waitEvent(ctx context.Context, method string) error {
	seen := 0
	for {
		p.b.mu.Lock()
		events := p.b.events[seen:]
		seen = len(p.b.events)
		err := p.b.readErr
		p.b.mu.Unlock()
		for _, e := range events {
			if e.Method == method && e.SessionID == p.session {
				return nil
			}
		}
		if err != nil {
			return fmt.Errorf("waiting for %s: %w", method, err)
		}
		select {
		case <-p.b.eventsCh:
		case <-time.After(100 * time.Millisecond):
		case <-ctx.Done():
			return fmt.Errorf("waiting for %s: %w", method, ctx.Err())
		}
	}
}

// Problems lists everything a clean page must not do: console errors,
// uncaught exceptions, log entries of level error (CSP violations land
// here), failed requests, requests to anything but the page itself, and
// JavaScript dialogs (alert, confirm, prompt).
func (p *Page) Problems() []string {
	p.b.mu.Lock()
	events := append([]message(nil), p.b.events...)
	p.b.mu.Unlock()
	var out []string
	for _, e := range events {
		if e.SessionID != p.session {
			continue
		}
		if problem := p.problem(e); problem != "" {
			out = append(out, problem)
		}
	}
	return out
}

func (p *Page) problem(e message) string {
	var v struct {
		Type string `json:"type"`
		Args []struct {
			Value       any    `json:"value"`
			Description string `json:"description"`
		} `json:"args"`
		ExceptionDetails struct {
			Text      string `json:"text"`
			Exception struct {
				Description string `json:"description"`
			} `json:"exception"`
		} `json:"exceptionDetails"`
		Entry struct {
			Level string `json:"level"`
			Text  string `json:"text"`
			URL   string `json:"url"`
		} `json:"entry"`
		ErrorText string `json:"errorText"`
		Request   struct {
			URL string `json:"url"`
		} `json:"request"`
		Message string `json:"message"`
	}
	_ = json.Unmarshal(e.Params, &v)
	switch e.Method {
	case "Runtime.consoleAPICalled":
		if v.Type == "error" || v.Type == "assert" {
			var parts []string
			for _, a := range v.Args {
				parts = append(parts, fmt.Sprint(a.Value)+a.Description)
			}
			return "console." + v.Type + ": " + strings.Join(parts, " ")
		}
	case "Runtime.exceptionThrown":
		return "uncaught exception: " + v.ExceptionDetails.Text + " " + v.ExceptionDetails.Exception.Description
	case "Log.entryAdded":
		if v.Entry.Level == "error" {
			return "log error: " + v.Entry.Text + " " + v.Entry.URL
		}
	case "Network.loadingFailed":
		return "request failed: " + v.ErrorText
	case "Network.requestWillBeSent":
		if v.Request.URL != p.url && !strings.HasPrefix(v.Request.URL, "data:") {
			return "request to " + v.Request.URL
		}
	case "Page.javascriptDialogOpening":
		return "JavaScript dialog opened: " + v.Type + " " + v.Message
	}
	return ""
}

// Eval evaluates a JavaScript expression in the page and decodes its JSON
// value (promises are awaited) into result.
func (p *Page) Eval(ctx context.Context, expr string, result any) error {
	var r struct {
		Result struct {
			Value json.RawMessage `json:"value"`
		} `json:"result"`
		ExceptionDetails *struct {
			Text      string `json:"text"`
			Exception struct {
				Description string `json:"description"`
			} `json:"exception"`
		} `json:"exceptionDetails"`
	}
	err := p.b.call(ctx, p.session, "Runtime.evaluate",
		map[string]any{"expression": expr, "returnByValue": true, "awaitPromise": true}, &r)
	if err != nil {
		return err
	}
	if r.ExceptionDetails != nil {
		return fmt.Errorf("eval: %s %s", r.ExceptionDetails.Text, r.ExceptionDetails.Exception.Description)
	}
	if result == nil {
		return nil
	}
	if len(r.Result.Value) == 0 {
		return errors.New("eval: no value")
	}
	return json.Unmarshal(r.Result.Value, result)
}

// Screenshot returns a PNG of the page's top maxHeight CSS pixels (the
// whole page when it is shorter; maxHeight 0: the whole page).
func (p *Page) Screenshot(ctx context.Context, maxHeight int) ([]byte, error) {
	var m struct {
		CSSContentSize struct {
			Width, Height float64
		} `json:"cssContentSize"`
	}
	if err := p.b.call(ctx, p.session, "Page.getLayoutMetrics", nil, &m); err != nil {
		return nil, err
	}
	h := m.CSSContentSize.Height
	if maxHeight > 0 && h > float64(maxHeight) {
		h = float64(maxHeight)
	}
	var shot struct {
		Data string `json:"data"`
	}
	err := p.b.call(ctx, p.session, "Page.captureScreenshot", map[string]any{
		"format": "png", "captureBeyondViewport": true,
		"clip": map[string]any{"x": 0, "y": 0, "width": m.CSSContentSize.Width, "height": h, "scale": 1},
	}, &shot)
	if err != nil {
		return nil, err
	}
	return base64.StdEncoding.DecodeString(shot.Data)
}
