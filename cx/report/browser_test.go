package report_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cxculture/cxculture/cx/report"
)

// ChromiumEnv names the Chromium binary the browser test runs; when it is
// unset the test looks for chromium (then chromium-browser, google-chrome)
// on PATH. ScreenshotsEnv names a folder to keep the screenshots in.
const (
	ChromiumEnv    = "CXCULTURE_CHROMIUM"
	ScreenshotsEnv = "CXCULTURE_REPORT_SCREENSHOTS"
)

// chromium returns the browser to run. It skips the test when none is
// found, except in CI (CI=true), where a missing browser fails it.
func chromium(t *testing.T) string {
	t.Helper()
	if p := os.Getenv(ChromiumEnv); p != "" {
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("%s=%s: %v", ChromiumEnv, p, err)
		}
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("no Chromium found (set %s or install Debian's chromium package); CI=true requires the browser test", ChromiumEnv)
	}
	t.Skipf("no Chromium found; set %s to run the browser test", ChromiumEnv)
	return ""
}

// TestHTMLInBrowser renders a small and a large report, loads each in
// headless Chromium through the DevTools protocol, and checks that the page
// loads without console errors, exceptions or failed loads, that it draws
// its charts and loads nothing from outside, and that its screenshot is
// not blank.
func TestHTMLInBrowser(t *testing.T) {
	bin := chromium(t)
	keep := os.Getenv(ScreenshotsEnv)
	for _, fx := range []fixture{
		{"small", withAnalytics(report.Report{Title: "Acme pulse", Scorecard: smallOrg(t)})},
		{"large", report.Report{Title: "Acme pulse, 421 units", Scorecard: largeOrg(t)}},
		{"loop", loopReport(t)},
		{"change", changeReport(t)},
	} {
		t.Run(fx.name, func(t *testing.T) {
			dir := t.TempDir()
			page := filepath.Join(dir, "report.html")
			var buf bytes.Buffer
			if err := report.Render(fx.r, report.Outputs{HTML: &buf}); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(page, buf.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(t.Context(), 90*time.Second)
			defer cancel()
			b, err := startBrowser(ctx, bin, dir)
			if err != nil {
				t.Fatal(err)
			}
			defer b.close()
			res, err := b.load(ctx, "file://"+page, 1280, 1600)
			if err != nil {
				t.Fatalf("%v\nbrowser output:\n%s", err, b.stderr())
			}
			for _, e := range res.errors {
				t.Errorf("console: %s", e)
			}
			var probe struct {
				Charts    int      `json:"charts"`
				Resources int      `json:"resources"`
				Height    int      `json:"height"`
				Titles    int      `json:"titles"`
				Legends   int      `json:"legends"`
				Overlaps  []string `json:"overlaps"`
				Texts     int      `json:"texts"`
				Outside   []string `json:"outside"`
			}
			if err := json.Unmarshal(res.probe, &probe); err != nil {
				t.Fatalf("probe %s: %v", res.probe, err)
			}
			want := 3 // behaviors, heatmap, eNPS
			switch fx.name {
			case "small":
				want += 1 + 2 // the organization's trend, impact on shares and on eNPS
			case "loop":
				want += 1 + 1 + 3 // the organization's trend, the impact on shares, links, gaps, Touchpoints
			case "change":
				want = 2 // behaviors and heatmap: its survey asks no eNPS; cuts, views and paired changes are tables
			}
			if probe.Charts < want || probe.Titles != probe.Charts {
				t.Errorf("the page drew %d charts with %d titles, want at least %d, each titled", probe.Charts, probe.Titles, want)
			}
			// Legend items (a swatch and its label) never overlap: their
			// boxes as the browser lays them out are disjoint.
			if probe.Legends == 0 {
				t.Error("the page drew no legend")
			}
			for _, o := range probe.Overlaps {
				t.Errorf("legend items overlap: %s", o)
			}
			// Every text of a chart lies inside its chart's box (within
			// 1 px): none runs past an edge.
			if probe.Texts == 0 {
				t.Error("the page's charts drew no text")
			}
			for _, o := range probe.Outside {
				t.Errorf("chart text runs past the chart's edge: %s", o)
			}
			if probe.Resources != 0 {
				t.Errorf("the page loaded %d resources; it must be self-contained", probe.Resources)
			}
			if keep != "" {
				if err := os.WriteFile(filepath.Join(keep, fx.name+".png"), res.png, 0o644); err != nil {
					t.Error(err)
				}
			}
			img, err := png.Decode(bytes.NewReader(res.png))
			if err != nil {
				t.Fatalf("screenshot: %v", err)
			}
			if got := img.Bounds().Dx(); got != 1280 {
				t.Errorf("screenshot %d px wide, want 1280", got)
			}
			sd, colors := pixelSpread(img)
			t.Logf("%s: %d×%d px, page height %d px, luminance sd %.1f, %d colors", fx.name, img.Bounds().Dx(), img.Bounds().Dy(), probe.Height, sd, colors)
			if sd < 10 || colors < 50 {
				t.Errorf("the screenshot looks blank: luminance sd %.1f, %d distinct colors", sd, colors)
			}
		})
	}
}

// pixelSpread returns the standard deviation of pixel luminance (0-255)
// and the number of distinct colors (up to 10,000).
func pixelSpread(img image.Image) (sd float64, colors int) {
	var sum, sum2, n float64
	seen := map[uint32]bool{}
	bounds := img.Bounds()
	for y := bounds.Min.Y; y < bounds.Max.Y; y++ {
		for x := bounds.Min.X; x < bounds.Max.X; x++ {
			r, g, b, _ := img.At(x, y).RGBA()
			l := (0.2126*float64(r) + 0.7152*float64(g) + 0.0722*float64(b)) / 257
			sum += l
			sum2 += l * l
			n++
			if len(seen) < 10000 {
				seen[(r>>8)<<16|(g>>8)<<8|b>>8] = true
			}
		}
	}
	mean := sum / n
	return math.Sqrt(math.Max(0, sum2/n-mean*mean)), len(seen)
}

// browser is headless Chromium driven through the DevTools protocol over
// a pipe (--remote-debugging-pipe): JSON messages ended by a NUL byte, to
// the browser on its file descriptor 3, from it on 4.
type browser struct {
	cmd    *exec.Cmd
	in     *os.File // our end of the browser's fd 3
	out    *os.File // our end of the browser's fd 4
	errBuf *lockedBuffer

	mu      sync.Mutex
	nextID  int
	waiting map[int]chan message
	events  chan message
	done    chan struct{}
}

type message struct {
	ID        int                       `json:"id,omitempty"`
	Method    string                    `json:"method,omitempty"`
	Params    json.RawMessage           `json:"params,omitempty"`
	Result    json.RawMessage           `json:"result,omitempty"`
	Error     *struct{ Message string } `json:"error,omitempty"`
	SessionID string                    `json:"sessionId,omitempty"`
}

type command struct {
	ID        int             `json:"id"`
	Method    string          `json:"method"`
	Params    json.RawMessage `json:"params"`
	SessionID string          `json:"sessionId,omitempty"`
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func startBrowser(ctx context.Context, bin, dir string) (*browser, error) {
	toBrowser, in, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	out, fromBrowser, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	b := &browser{in: in, out: out, errBuf: &lockedBuffer{}, waiting: map[int]chan message{},
		events: make(chan message, 1024), done: make(chan struct{})}
	b.cmd = exec.CommandContext(ctx, bin,
		"--headless", "--disable-gpu", "--no-sandbox", "--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check",
		"--disable-extensions", "--disable-background-networking", "--disable-sync", "--mute-audio",
		"--hide-scrollbars", "--remote-debugging-pipe", "--user-data-dir="+filepath.Join(dir, "profile"),
		"about:blank")
	b.cmd.ExtraFiles = []*os.File{toBrowser, fromBrowser}
	b.cmd.Stderr = b.errBuf
	b.cmd.WaitDelay = 5 * time.Second
	if err := b.cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting %s: %w", bin, err)
	}
	toBrowser.Close()
	fromBrowser.Close()
	go b.read()
	return b, nil
}

func (b *browser) stderr() string { return b.errBuf.String() }

func (b *browser) read() {
	defer close(b.done)
	r := bufio.NewReaderSize(b.out, 1<<20)
	for {
		raw, err := r.ReadBytes(0)
		if err != nil {
			return
		}
		var m message
		if err := json.Unmarshal(raw[:len(raw)-1], &m); err != nil {
			continue
		}
		if m.ID != 0 {
			b.mu.Lock()
			ch := b.waiting[m.ID]
			delete(b.waiting, m.ID)
			b.mu.Unlock()
			if ch != nil {
				ch <- m
			}
			continue
		}
		select {
		case b.events <- m:
		default: // an event nobody waits for
		}
	}
}

// call sends a command and waits for its result.
func (b *browser) call(ctx context.Context, session, method string, params any) (json.RawMessage, error) {
	b.mu.Lock()
	b.nextID++
	id := b.nextID
	ch := make(chan message, 1)
	b.waiting[id] = ch
	b.mu.Unlock()
	p, err := json.Marshal(params)
	if err != nil {
		return nil, err
	}
	msg, _ := json.Marshal(command{ID: id, Method: method, Params: p, SessionID: session})
	if _, err := b.in.Write(append(msg, 0)); err != nil {
		return nil, fmt.Errorf("%s: %w", method, err)
	}
	select {
	case m := <-ch:
		if m.Error != nil {
			return nil, fmt.Errorf("%s: %s", method, m.Error.Message)
		}
		return m.Result, nil
	case <-b.done:
		return nil, fmt.Errorf("%s: the browser closed its pipe", method)
	case <-ctx.Done():
		return nil, fmt.Errorf("%s: %w", method, ctx.Err())
	}
}

type loadResult struct {
	errors []string
	probe  json.RawMessage
	png    []byte
}

// load opens url in a page of the given viewport, waits for its load event
// and a quiet moment, and returns the console errors, a probe of the DOM
// and a screenshot of the viewport.
func (b *browser) load(ctx context.Context, url string, width, height int) (*loadResult, error) {
	raw, err := b.call(ctx, "", "Target.createTarget", map[string]any{"url": "about:blank"})
	if err != nil {
		return nil, err
	}
	var target struct{ TargetID string }
	_ = json.Unmarshal(raw, &target)
	raw, err = b.call(ctx, "", "Target.attachToTarget", map[string]any{"targetId": target.TargetID, "flatten": true})
	if err != nil {
		return nil, err
	}
	var att struct{ SessionID string }
	_ = json.Unmarshal(raw, &att)
	s := att.SessionID
	for _, m := range []string{"Runtime.enable", "Log.enable", "Page.enable"} {
		if _, err := b.call(ctx, s, m, map[string]any{}); err != nil {
			return nil, err
		}
	}
	if _, err := b.call(ctx, s, "Emulation.setDeviceMetricsOverride",
		map[string]any{"width": width, "height": height, "deviceScaleFactor": 1, "mobile": false}); err != nil {
		return nil, err
	}
	res := &loadResult{}
	collect := func(m message) (loaded bool) {
		if m.SessionID != s {
			return false
		}
		switch m.Method {
		case "Runtime.consoleAPICalled":
			var p struct {
				Type string
				Args []struct {
					Value       any
					Description string
				}
			}
			_ = json.Unmarshal(m.Params, &p)
			if p.Type == "error" || p.Type == "assert" || p.Type == "warning" {
				var parts []string
				for _, a := range p.Args {
					parts = append(parts, fmt.Sprint(a.Value, a.Description))
				}
				res.errors = append(res.errors, "console."+p.Type+": "+strings.Join(parts, " "))
			}
		case "Runtime.exceptionThrown":
			res.errors = append(res.errors, "exception: "+string(m.Params))
		case "Log.entryAdded":
			var p struct {
				Entry struct{ Level, Source, Text, URL string }
			}
			_ = json.Unmarshal(m.Params, &p)
			if p.Entry.Level == "error" || p.Entry.Level == "warning" {
				res.errors = append(res.errors, fmt.Sprintf("%s %s: %s %s", p.Entry.Source, p.Entry.Level, p.Entry.Text, p.Entry.URL))
			}
		case "Page.loadEventFired":
			return true
		}
		return false
	}
	raw, err = b.call(ctx, s, "Page.navigate", map[string]any{"url": url})
	if err != nil {
		return nil, err
	}
	var nav struct{ ErrorText string }
	_ = json.Unmarshal(raw, &nav)
	if nav.ErrorText != "" {
		return nil, fmt.Errorf("navigating to %s: %s", url, nav.ErrorText)
	}
	for loaded := false; !loaded; {
		select {
		case m := <-b.events:
			loaded = collect(m)
		case <-ctx.Done():
			return nil, fmt.Errorf("waiting for the page to load: %w", ctx.Err())
		}
	}
	// Late errors (layout, deferred work) arrive within a moment.
	quiet := time.After(750 * time.Millisecond)
	for waiting := true; waiting; {
		select {
		case m := <-b.events:
			collect(m)
		case <-quiet:
			waiting = false
		}
	}
	raw, err = b.call(ctx, s, "Runtime.evaluate", map[string]any{"returnByValue": true, "expression": `JSON.stringify({
		charts: document.querySelectorAll("svg.chart").length,
		titles: document.querySelectorAll("svg.chart > title").length,
		resources: performance.getEntriesByType("resource").length,
		height: document.documentElement.scrollHeight,
		legends: document.querySelectorAll("svg.chart g.legend").length,
		overlaps: (() => {
			const out = [];
			for (const svg of document.querySelectorAll("svg.chart")) {
				const items = [...svg.querySelectorAll("g.legend")].map(g => [g.textContent, g.getBoundingClientRect()]);
				for (let i = 0; i < items.length; i++) {
					for (let j = i + 1; j < items.length; j++) {
						const a = items[i][1], b = items[j][1];
						if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom) {
							out.push(svg.id + ": " + items[i][0] + " / " + items[j][0]);
						}
					}
				}
			}
			return out;
		})(),
		texts: document.querySelectorAll("svg.chart text").length,
		outside: (() => {
			const out = [];
			for (const svg of document.querySelectorAll("svg.chart")) {
				const box = svg.getBoundingClientRect();
				for (const t of svg.querySelectorAll("text")) {
					const r = t.getBoundingClientRect();
					if (r.width === 0 && r.height === 0) {
						continue;
					}
					const sides = [];
					if (r.left < box.left - 1) sides.push("left by " + (box.left - r.left).toFixed(1) + " px");
					if (r.right > box.right + 1) sides.push("right by " + (r.right - box.right).toFixed(1) + " px");
					if (r.top < box.top - 1) sides.push("top by " + (box.top - r.top).toFixed(1) + " px");
					if (r.bottom > box.bottom + 1) sides.push("bottom by " + (r.bottom - box.bottom).toFixed(1) + " px");
					if (sides.length > 0) {
						const label = [...t.childNodes].filter(n => n.nodeType === Node.TEXT_NODE).map(n => n.textContent).join("") || t.textContent;
						out.push(svg.id + ": " + JSON.stringify(label) + " past the " + sides.join(", "));
					}
				}
			}
			return out;
		})()})`})
	if err != nil {
		return nil, err
	}
	var ev struct{ Result struct{ Value string } }
	_ = json.Unmarshal(raw, &ev)
	res.probe = json.RawMessage(ev.Result.Value)
	raw, err = b.call(ctx, s, "Page.captureScreenshot", map[string]any{"format": "png"})
	if err != nil {
		return nil, err
	}
	var shot struct{ Data string }
	_ = json.Unmarshal(raw, &shot)
	res.png, err = base64.StdEncoding.DecodeString(shot.Data)
	if err != nil {
		return nil, fmt.Errorf("screenshot: %w", err)
	}
	for {
		select {
		case m := <-b.events:
			collect(m)
		default:
			return res, nil
		}
	}
}

// close asks the browser to quit, then kills it if it lingers.
func (b *browser) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, _ = b.call(ctx, "", "Browser.close", map[string]any{})
	b.in.Close()
	done := make(chan struct{})
	go func() { _ = b.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		_ = b.cmd.Process.Kill()
		<-done
	}
	b.out.Close()
}

// TestBrowserHarnessSeesFailures checks the checks: a page that loads an
// outside image and runs a failing script reports errors, and a blank page
// is found blank.
func TestBrowserHarnessSeesFailures(t *testing.T) {
	bin := chromium(t)
	dir := t.TempDir()
	page := filepath.Join(dir, "bad.html")
	bad := `<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'"><title>bad</title></head>` +
		`<body><img src="https://example.invalid/logo.png" alt=""><script>console.error("boom")</script></body></html>`
	if err := os.WriteFile(page, []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	b, err := startBrowser(ctx, bin, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer b.close()
	res, err := b.load(ctx, "file://"+page, 800, 600)
	if err != nil {
		t.Fatalf("%v\nbrowser output:\n%s", err, b.stderr())
	}
	t.Logf("reported: %q", res.errors)
	if len(res.errors) < 2 {
		t.Errorf("a page with a blocked image and a blocked script: %d errors reported, want at least 2: %q", len(res.errors), res.errors)
	}
	img, err := png.Decode(bytes.NewReader(res.png))
	if err != nil {
		t.Fatal(err)
	}
	if sd, colors := pixelSpread(img); sd >= 10 || colors >= 50 {
		t.Errorf("a blank page: luminance sd %.1f, %d colors; the blank check would pass it", sd, colors)
	}
}
