// Package project reads a mini-program project folder the way WeChat DevTools does, as
// far as wxsim needs it: project.config.json with project.private.config.json merged
// over it, and app.json. It turns them into the start configuration of wxsim (the
// object the page passes to wxsim.start) and finds the script the page runs.
//
// Read: appid, projectname (URL-decoded: DevTools writes non-ASCII names encoded),
// libVersion and setting.urlCheck from the project files, where the private file's
// setting keys and its own appid, projectname and libVersion win; networkTimeout
// (request, connectSocket, uploadFile, downloadFile, in ms) from app.json. A missing
// project file or app.json is no error: what it would have given keeps wxsim's default,
// with a warning. A value wxsim cannot use is left out with a warning, too. Only a
// file that is not a JSON object is an error.
//
// The package does no networking; sim/server serves what Load finds.
package project

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"math"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/wxsim/wxsim/sim"
)

// DefaultEntry is the script run when no entry is given: app.js, as in WeChat.
const DefaultEntry = "app.js"

// The files Load reads, in the project folder.
const (
	ConfigFile        = "project.config.json"
	PrivateConfigFile = "project.private.config.json"
	AppFile           = "app.json"
)

// Project is what Load found in a project folder.
type Project struct {
	// Dir is the project folder, absolute.
	Dir string
	// Name is projectname, or the folder's name when there is none.
	Name string
	// Entry is the script to run, a slash-separated path relative to Dir.
	Entry string
	// Config is the start configuration of wxsim, with only the fields found.
	Config Config
	// Warnings tell what was missing or left out; never nil.
	Warnings []string
}

// Config is the part of wxsim's start configuration (spec §2) a project gives. Fields
// not found are absent from its JSON.
type Config struct {
	AppID          string             `json:"appId,omitempty"`
	URLCheck       *bool              `json:"urlCheck,omitempty"`
	SDKVersion     string             `json:"sdkVersion,omitempty"`
	NetworkTimeout map[string]float64 `json:"networkTimeout,omitempty"`
}

// timeoutKeys are the fields of app.json networkTimeout wxsim uses.
var timeoutKeys = []string{"request", "connectSocket", "uploadFile", "downloadFile"}

// version is what sdkVersion takes from libVersion; "latest", "trial" and the like are
// DevTools' own choices, not versions.
var version = regexp.MustCompile(`^[0-9]{1,6}\.[0-9]{1,6}\.[0-9]{1,6}$`)

// Load reads the project in dir; entry is the script to run, relative to dir
// (DefaultEntry when empty). It fails when dir is not a folder, a JSON file is not a
// JSON object, or the entry is not a .js or .mjs file inside dir.
func Load(dir, entry string) (Project, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return Project{}, err
	}
	info, err := os.Stat(abs)
	if err != nil {
		return Project{}, fmt.Errorf("app dir: %w", err)
	}
	if !info.IsDir() {
		return Project{}, fmt.Errorf("app dir %s is not a directory", dir)
	}
	p := Project{Dir: abs, Warnings: []string{}}
	if p.Entry, err = checkEntry(abs, entry); err != nil {
		return Project{}, err
	}
	if err := p.readProjectConfig(); err != nil {
		return Project{}, err
	}
	if err := p.readAppJSON(); err != nil {
		return Project{}, err
	}
	if p.Name == "" {
		p.Name = filepath.Base(abs)
	}
	return p, nil
}

func (p *Project) warnf(format string, args ...any) {
	p.Warnings = append(p.Warnings, fmt.Sprintf(format, args...))
}

// checkEntry validates entry (DefaultEntry when empty) and returns it cleaned, in slash
// form.
func checkEntry(dir, entry string) (string, error) {
	if entry == "" {
		entry = DefaultEntry
	}
	bad := func(why string) error { return fmt.Errorf("entry %q: %s", entry, why) }
	name := filepath.ToSlash(entry)
	if filepath.IsAbs(entry) || strings.HasPrefix(name, "/") {
		return "", bad("want a path relative to the app dir")
	}
	name = path.Clean(name)
	if !fs.ValidPath(name) || name == "." { // ValidPath refuses ".." segments
		return "", bad("must stay inside the app dir")
	}
	for seg := range strings.SplitSeq(name, "/") {
		if strings.HasPrefix(seg, ".") {
			return "", bad("hidden files are not served")
		}
	}
	if ext := path.Ext(name); ext != ".js" && ext != ".mjs" {
		return "", bad("want a .js or .mjs file")
	}
	// through os.Root: a symbolic link out of the folder is refused too
	root, err := os.OpenRoot(dir)
	if err != nil {
		return "", err
	}
	defer root.Close()
	info, err := root.Stat(filepath.FromSlash(name))
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "", bad("no such file in the app dir")
	case err != nil:
		return "", bad(err.Error())
	case !info.Mode().IsRegular():
		return "", bad("not a regular file")
	}
	return name, nil
}

// readObject reads the JSON object in file name of p.Dir; found is false when there is
// no such file.
func (p *Project) readObject(name string) (obj map[string]json.RawMessage, found bool, err error) {
	b, err := os.ReadFile(filepath.Join(p.Dir, name))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	if err := json.Unmarshal(b, &obj); err != nil {
		if se, ok := errors.AsType[*json.SyntaxError](err); ok {
			line, col := position(b, se.Offset)
			return nil, false, fmt.Errorf("%s:%d:%d: %w", name, line, col, err)
		}
		return nil, false, fmt.Errorf("%s: %w", name, err)
	}
	if obj == nil { // the file says null
		return nil, false, fmt.Errorf("%s: want a JSON object, got null", name)
	}
	return obj, true, nil
}

// position returns the line and column (1-based, in bytes) of the byte before offset
// in b, where a json.SyntaxError points.
func position(b []byte, offset int64) (line, col int) {
	before := b[:max(0, min(int(offset)-1, len(b)))]
	line = 1 + bytes.Count(before, []byte("\n"))
	return line, len(before) - bytes.LastIndexByte(before, '\n')
}

// readProjectConfig reads appid, projectname, libVersion and setting.urlCheck from
// project.config.json with project.private.config.json over it.
func (p *Project) readProjectConfig() error {
	pub, foundPub, err := p.readObject(ConfigFile)
	if err != nil {
		return err
	}
	priv, foundPriv, err := p.readObject(PrivateConfigFile)
	if err != nil {
		return err
	}
	if !foundPub && !foundPriv {
		p.warnf("%s not found: appId defaults to %s", ConfigFile, sim.DefaultAppID)
		return nil
	}
	merged, setting := map[string]json.RawMessage{}, map[string]json.RawMessage{}
	for _, f := range []struct {
		name string
		obj  map[string]json.RawMessage
	}{{ConfigFile, pub}, {PrivateConfigFile, priv}} {
		for k, v := range f.obj {
			if k != "setting" {
				merged[k] = v
				continue
			}
			var s map[string]json.RawMessage
			if err := json.Unmarshal(v, &s); err != nil {
				p.warnf("%s: setting is not an object: left out", f.name)
			}
			for k, v := range s {
				setting[k] = v
			}
		}
	}
	if appID, ok := p.stringField(merged, "appid"); ok && appID != "" {
		p.Config.AppID = appID
	} else {
		p.warnf("no appid in %s: appId defaults to %s", ConfigFile, sim.DefaultAppID)
	}
	if name, ok := p.stringField(merged, "projectname"); ok {
		p.Name = name
		if dec, err := url.PathUnescape(name); err == nil && utf8.ValidString(dec) {
			p.Name = dec // DevTools writes "%E5%B0%8F%E7%A8%8B%E5%BA%8F" for 小程序
		}
	}
	if lib, ok := p.stringField(merged, "libVersion"); ok {
		if version.MatchString(lib) {
			p.Config.SDKVersion = lib
		} else {
			p.warnf("libVersion %q is not a version like 3.7.0: sdkVersion defaults to %s", lib, sim.DefaultSDK)
		}
	}
	if raw, ok := setting["urlCheck"]; ok {
		var check bool
		if err := json.Unmarshal(raw, &check); err != nil || isNull(raw) {
			p.warnf("setting.urlCheck should be true or false, got %s: left out", raw)
		} else {
			p.Config.URLCheck = &check
		}
	}
	if root, ok := p.stringField(merged, "miniprogramRoot"); ok && path.Clean(root) != "." {
		p.warnf("miniprogramRoot %q is not followed: app.json and the entry are read from the app dir itself", root)
	}
	return nil
}

// stringField returns obj[key] when it is a string; a value of another type is
// warned about.
func (p *Project) stringField(obj map[string]json.RawMessage, key string) (string, bool) {
	raw, ok := obj[key]
	if !ok {
		return "", false
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil || isNull(raw) {
		p.warnf("%s should be a string, got %s: left out", key, raw)
		return "", false
	}
	return s, true
}

// readAppJSON reads networkTimeout from app.json.
func (p *Project) readAppJSON() error {
	app, found, err := p.readObject(AppFile)
	if err != nil {
		return err
	}
	if !found {
		p.warnf("%s not found: no networkTimeout", AppFile)
		return nil
	}
	raw, ok := app["networkTimeout"]
	if !ok {
		return nil
	}
	var nt map[string]json.RawMessage
	if err := json.Unmarshal(raw, &nt); err != nil || nt == nil {
		p.warnf("%s networkTimeout should be an object, got %s: left out", AppFile, raw)
		return nil
	}
	for _, k := range slices.Sorted(maps.Keys(nt)) { // warnings in a stable order
		v := nt[k]
		if !slices.Contains(timeoutKeys, k) {
			p.warnf("%s networkTimeout.%s is not one of %s: left out", AppFile, k, strings.Join(timeoutKeys, ", "))
			continue
		}
		var ms float64
		if err := json.Unmarshal(v, &ms); err != nil || isNull(v) || !(ms > 0) || math.IsInf(ms, 0) {
			p.warnf("%s networkTimeout.%s should be a positive number of ms, got %s: left out", AppFile, k, v)
			continue
		}
		if p.Config.NetworkTimeout == nil {
			p.Config.NetworkTimeout = map[string]float64{}
		}
		p.Config.NetworkTimeout[k] = ms
	}
	return nil
}

// isNull reports whether raw is JSON null (which json.Unmarshal accepts for anything).
func isNull(raw json.RawMessage) bool { return bytes.Equal(bytes.TrimSpace(raw), []byte("null")) }
