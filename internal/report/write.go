package report

import (
	"bufio"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"html/template"
	"io"
	"sync"

	"github.com/iotlens/iotlens/internal/output"
)

//go:embed assets/report.html.tmpl assets/report.css assets/report.js
var assets embed.FS

// pageTemplate is parsed once; the CSS and JS are the package's own files,
// trusted and inlined verbatim.
var pageTemplate = sync.OnceValues(func() (*template.Template, error) {
	return template.New("report.html.tmpl").Funcs(template.FuncMap{"num": num}).ParseFS(assets, "assets/report.html.tmpl")
})

type assetSet struct {
	css template.CSS
	js  template.JS
	csp string
}

// inlineAssets reads the style sheet and script and builds the Content
// Security Policy that allows exactly them: even if some markup slipped
// through escaping, the browser would run no other script and load nothing.
var inlineAssets = sync.OnceValues(func() (assetSet, error) {
	css, err := assets.ReadFile("assets/report.css")
	if err != nil {
		return assetSet{}, err
	}
	js, err := assets.ReadFile("assets/report.js")
	if err != nil {
		return assetSet{}, err
	}
	hash := func(b []byte) string {
		sum := sha256.Sum256(b)
		return "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
	}
	csp := "default-src 'none'; style-src " + hash(css) + "; script-src " + hash(js) +
		"; img-src 'none'; base-uri 'none'; form-action 'none'"
	return assetSet{css: template.CSS(css), js: template.JS(js), csp: csp}, nil
})

// Write renders the model as one self-contained HTML page.
func Write(w io.Writer, m *Model) error {
	tmpl, err := pageTemplate()
	if err != nil {
		return err
	}
	a, err := inlineAssets()
	if err != nil {
		return err
	}
	data := struct {
		Page *page
		CSS  template.CSS
		JS   template.JS
		CSP  string
	}{buildPage(m), a.css, a.js, a.csp}
	return tmpl.Execute(w, data)
}

// WriteFile renders the model to path atomically.
func WriteFile(path string, m *Model) error {
	return output.WriteFile(path, func(w *bufio.Writer) error { return Write(w, m) })
}
