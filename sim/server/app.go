package server

import (
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/wxsim/wxsim/sim/project"
)

// projectInfo is what GET /wxsim/project answers: what the simulator page runs.
type projectInfo struct {
	Mode     string         `json:"mode"` // "app" (--app) or "demo"
	Name     string         `json:"name"`
	Entry    string         `json:"entry"` // the script's URL path on this server
	Config   project.Config `json:"config"`
	Warnings []string       `json:"warnings"`
}

// demoProject is the answer without a project: the built-in demo of web/demo-app.
var demoProject = projectInfo{
	Mode:     "demo",
	Name:     "wxsim demo",
	Entry:    "/demo-app/app.js",
	Config:   project.Config{AppID: "wxdemo", URLCheck: new(bool)},
	Warnings: []string{},
}

// projectHandler answers GET /wxsim/project. With a project, its files are read again
// on every request, so an edited project.config.json shows on the page's next load.
func projectHandler(app *project.Project) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if app == nil {
			writeJSON(w, http.StatusOK, demoProject)
			return
		}
		p, err := project.Load(app.Dir, app.Entry)
		if err != nil {
			writeJSON(w, http.StatusInternalServerError, map[string]string{"error": err.Error()})
			return
		}
		writeJSON(w, http.StatusOK, projectInfo{
			Mode:     "app",
			Name:     p.Name,
			Entry:    (&url.URL{Path: "/app/" + p.Entry}).EscapedPath(),
			Config:   p.Config,
			Warnings: p.Warnings,
		})
	}
}

// appHandler serves the files of dir under /app/ with the types and Cache-Control of
// staticHandler. Hidden files and folders are not served, a folder answers 404 (no
// listing, no index.html), and nothing outside dir is reached, not even through a
// symbolic link (os.Root).
func appHandler(dir string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(r.URL.Path, "/app/")
		if !fs.ValidPath(name) || name == "." || hasHiddenSegment(name) {
			http.NotFound(w, r)
			return
		}
		root, err := os.OpenRoot(dir)
		if err != nil {
			http.Error(w, "app dir unavailable", http.StatusInternalServerError)
			return
		}
		defer root.Close()
		f, err := root.Open(filepath.FromSlash(name))
		if err != nil { // missing, unreadable, or a link out of dir
			http.NotFound(w, r)
			return
		}
		defer f.Close()
		info, err := f.Stat()
		if err != nil || !info.Mode().IsRegular() {
			http.NotFound(w, r)
			return
		}
		if ct, ok := contentTypes[path.Ext(name)]; ok {
			w.Header().Set("Content-Type", ct)
		}
		w.Header().Set("Cache-Control", "no-cache")
		http.ServeContent(w, r, name, info.ModTime(), f)
	}
}
