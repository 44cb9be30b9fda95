package project

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxsim/wxsim/sim"
)

// writeFiles creates files (slash paths) under dir.
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(body), 0o644))
	}
}

func ptr[T any](v T) *T { return &v }

const appJS = "App({})"

func TestLoad(t *testing.T) {
	tests := []struct {
		name    string
		files   map[string]string
		entry   string
		want    Project // Dir is not compared; an empty Name stands for the folder's name
		wantErr string  // a part of the error; the project is not loaded
	}{{
		name: "a complete project",
		files: map[string]string{
			"app.js": appJS,
			"project.config.json": `{"appid":"wx0123456789abcdef","projectname":"shop","libVersion":"2.30.4",
				"compileType":"miniprogram","setting":{"urlCheck":true,"es6":true}}`,
			"app.json": `{"pages":["pages/index/index"],"networkTimeout":{"request":5000,"connectSocket":6000,"uploadFile":7000,"downloadFile":8000.5}}`,
		},
		want: Project{Name: "shop", Entry: "app.js", Config: Config{AppID: "wx0123456789abcdef", URLCheck: ptr(true),
			SDKVersion:     "2.30.4",
			NetworkTimeout: map[string]float64{"request": 5000, "connectSocket": 6000, "uploadFile": 7000, "downloadFile": 8000.5}}},
	}, {
		name:  "an empty folder but the entry",
		files: map[string]string{"app.js": appJS},
		want: Project{Entry: "app.js", Warnings: []string{
			"project.config.json not found: appId defaults to touristappid",
			"app.json not found: no networkTimeout"}},
	}, {
		name: "the private config wins: its setting keys and its top-level fields",
		files: map[string]string{
			"app.js":                      appJS,
			"app.json":                    `{}`,
			"project.config.json":         `{"appid":"wxpublic","projectname":"public","libVersion":"2.20.0","setting":{"urlCheck":true,"minified":true}}`,
			"project.private.config.json": `{"projectname":"private","libVersion":"3.0.1","setting":{"urlCheck":false}}`,
		},
		want: Project{Name: "private", Entry: "app.js", Config: Config{AppID: "wxpublic", URLCheck: ptr(false), SDKVersion: "3.0.1"}},
	}, {
		name: "the private config alone",
		files: map[string]string{
			"app.js": appJS, "app.json": `{}`,
			"project.private.config.json": `{"appid":"wxprivate","setting":{"urlCheck":false}}`,
		},
		want: Project{Entry: "app.js", Config: Config{AppID: "wxprivate", URLCheck: ptr(false)}},
	}, {
		name: "a private setting without urlCheck keeps the public one",
		files: map[string]string{
			"app.js": appJS, "app.json": `{}`,
			"project.config.json":         `{"appid":"wxa","setting":{"urlCheck":false}}`,
			"project.private.config.json": `{"setting":{"compileHotReLoad":true}}`,
		},
		want: Project{Entry: "app.js", Config: Config{AppID: "wxa", URLCheck: ptr(false)}},
	}, {
		name: "libVersion latest is left out",
		files: map[string]string{
			"app.js": appJS, "app.json": `{}`,
			"project.config.json":         `{"appid":"wxa","libVersion":"latest"}`,
			"project.private.config.json": `{}`,
		},
		want: Project{Entry: "app.js", Config: Config{AppID: "wxa"},
			Warnings: []string{`libVersion "latest" is not a version like 3.7.0: sdkVersion defaults to 3.7.0`}},
	}, {
		name: "libVersion trial in the private config, over a short version",
		files: map[string]string{"app.js": appJS, "app.json": `{}`,
			"project.config.json": `{"appid":"wxa","libVersion":"2.30"}`, "project.private.config.json": `{"libVersion":"trial"}`},
		want: Project{Entry: "app.js", Config: Config{AppID: "wxa"},
			Warnings: []string{`libVersion "trial" is not a version like 3.7.0: sdkVersion defaults to 3.7.0`}},
	}, {
		name: "non-numeric, non-positive and unknown timeouts are left out",
		files: map[string]string{"app.js": appJS, "project.config.json": `{"appid":"wxa"}`,
			"app.json": `{"networkTimeout":{"request":"5000","connectSocket":null,"uploadFile":-1,"downloadFile":9000,"websocket":100}}`},
		want: Project{Entry: "app.js", Config: Config{AppID: "wxa", NetworkTimeout: map[string]float64{"downloadFile": 9000}},
			Warnings: []string{
				"app.json networkTimeout.connectSocket should be a positive number of ms, got null: left out",
				`app.json networkTimeout.request should be a positive number of ms, got "5000": left out`,
				"app.json networkTimeout.uploadFile should be a positive number of ms, got -1: left out",
				"app.json networkTimeout.websocket is not one of request, connectSocket, uploadFile, downloadFile: left out",
			}},
	}, {
		name: "networkTimeout not an object",
		files: map[string]string{"app.js": appJS, "project.config.json": `{"appid":"wxa"}`,
			"app.json": `{"networkTimeout":60000}`},
		want: Project{Entry: "app.js", Config: Config{AppID: "wxa"},
			Warnings: []string{"app.json networkTimeout should be an object, got 60000: left out"}},
	}, {
		name: "values of the wrong type",
		files: map[string]string{"app.js": appJS, "app.json": `{}`,
			"project.config.json": `{"appid":12,"projectname":null,"libVersion":3,"setting":{"urlCheck":"false"}}`},
		want: Project{Entry: "app.js", Warnings: []string{
			"appid should be a string, got 12: left out",
			"no appid in project.config.json: appId defaults to touristappid",
			"projectname should be a string, got null: left out",
			"libVersion should be a string, got 3: left out",
			`setting.urlCheck should be true or false, got "false": left out`,
		}},
	}, {
		name: "an empty appid, a setting that is not an object",
		files: map[string]string{"app.js": appJS, "app.json": `{}`,
			"project.config.json": `{"appid":"","setting":[]}`},
		want: Project{Entry: "app.js", Warnings: []string{
			"project.config.json: setting is not an object: left out",
			"no appid in project.config.json: appId defaults to touristappid",
		}},
	}, {
		name: "a URL-encoded projectname is decoded, a malformed one kept",
		files: map[string]string{"app.js": appJS, "app.json": `{}`,
			"project.config.json": `{"appid":"wxa","projectname":"%E5%B0%8F%E7%A8%8B%E5%BA%8F2"}`},
		want: Project{Name: "小程序2", Entry: "app.js", Config: Config{AppID: "wxa"}},
	}, {
		name: "a malformed escape is kept",
		files: map[string]string{"app.js": appJS, "app.json": `{}`,
			"project.config.json": `{"appid":"wxa","projectname":"100%"}`},
		want: Project{Name: "100%", Entry: "app.js", Config: Config{AppID: "wxa"}},
	}, {
		name: "miniprogramRoot is warned about",
		files: map[string]string{"app.js": appJS, "app.json": `{}`,
			"project.config.json": `{"appid":"wxa","miniprogramRoot":"miniprogram/"}`},
		want: Project{Entry: "app.js", Config: Config{AppID: "wxa"}, Warnings: []string{
			`miniprogramRoot "miniprogram/" is not followed: app.json and the entry are read from the app dir itself`}},
	}, {
		name:  "an entry in a subfolder, cleaned",
		files: map[string]string{"src/main.mjs": appJS, "app.json": `{}`, "project.config.json": `{"appid":"wxa"}`},
		entry: "./src/../src/main.mjs",
		want:  Project{Entry: "src/main.mjs", Config: Config{AppID: "wxa"}},
	}, {
		name:    "bad JSON in project.config.json",
		files:   map[string]string{"app.js": appJS, "project.config.json": "{\n  \"appid\": \"wxa\",\n}"},
		wantErr: "project.config.json:3:1: invalid character '}'",
	}, {
		name:    "bad JSON in the private config",
		files:   map[string]string{"app.js": appJS, "project.config.json": `{}`, "project.private.config.json": `{`},
		wantErr: "project.private.config.json:1:1: unexpected end of JSON input",
	}, {
		name:    "bad JSON in app.json",
		files:   map[string]string{"app.js": appJS, "app.json": `["pages"]`},
		wantErr: "app.json: json: cannot unmarshal array",
	}, {
		name:    "app.json null",
		files:   map[string]string{"app.js": appJS, "app.json": `null`},
		wantErr: "app.json: want a JSON object, got null",
	}, {
		name:    "no app.js",
		files:   map[string]string{"index.js": appJS},
		wantErr: `entry "app.js": no such file in the app dir`,
	}, {
		name: "entry escapes with ..", files: map[string]string{"app.js": appJS},
		entry: "../app.js", wantErr: `entry "../app.js": must stay inside the app dir`,
	}, {
		name: "entry escapes with .. in the middle", files: map[string]string{"app.js": appJS},
		entry: "sub/../../x.js", wantErr: "must stay inside the app dir",
	}, {
		name: "entry is absolute", files: map[string]string{"app.js": appJS},
		entry: "/etc/x.js", wantErr: "want a path relative to the app dir",
	}, {
		name: "entry is the folder itself", files: map[string]string{"app.js": appJS},
		entry: "sub/..", wantErr: "must stay inside the app dir",
	}, {
		name: "entry is hidden", files: map[string]string{".hidden/app.js": appJS},
		entry: ".hidden/app.js", wantErr: "hidden files are not served",
	}, {
		name: "entry is not a script", files: map[string]string{"app.json": `{}`},
		entry: "app.json", wantErr: "want a .js or .mjs file",
	}, {
		name: "entry is a folder", files: map[string]string{"dir.js/app.js": appJS},
		entry: "dir.js", wantErr: "not a regular file",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFiles(t, dir, tt.files)
			got, err := Load(dir, tt.entry)
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.wantErr)
				return
			}
			require.NoError(t, err)
			want := tt.want
			want.Dir = dir
			if want.Name == "" {
				want.Name = filepath.Base(dir)
			}
			if want.Warnings == nil {
				want.Warnings = []string{}
			}
			assert.Equal(t, want, got)
		})
	}
}

func TestLoadBadDir(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"app.js": appJS})
	_, err := Load(filepath.Join(dir, "missing"), "")
	assert.ErrorContains(t, err, "app dir")
	_, err = Load(filepath.Join(dir, "app.js"), "")
	assert.ErrorContains(t, err, "is not a directory")
}

// A symbolic link out of the folder is no entry.
func TestLoadEntrySymlinkOut(t *testing.T) {
	outside, dir := t.TempDir(), t.TempDir()
	writeFiles(t, outside, map[string]string{"evil.js": appJS})
	writeFiles(t, dir, map[string]string{"local.js": appJS})
	if err := os.Symlink(filepath.Join(outside, "evil.js"), filepath.Join(dir, "app.js")); err != nil {
		t.Skip("no symbolic links:", err)
	}
	require.NoError(t, os.Symlink("local.js", filepath.Join(dir, "inside.js")))
	_, err := Load(dir, "")
	assert.ErrorContains(t, err, `entry "app.js"`)
	p, err := Load(dir, "inside.js")
	require.NoError(t, err, "a link that stays inside is fine")
	assert.Equal(t, "inside.js", p.Entry)
}

// The JSON of Config is exactly the fields found, and wxsim's own config parser takes it.
func TestConfigJSON(t *testing.T) {
	b, err := json.Marshal(Config{})
	require.NoError(t, err)
	assert.JSONEq(t, `{}`, string(b))
	c := Config{AppID: "wxa", URLCheck: ptr(false), SDKVersion: "2.30.4",
		NetworkTimeout: map[string]float64{"request": 100, "downloadFile": 2.5}}
	b, err = json.Marshal(c)
	require.NoError(t, err)
	assert.JSONEq(t, `{"appId":"wxa","urlCheck":false,"sdkVersion":"2.30.4","networkTimeout":{"request":100,"downloadFile":2.5}}`, string(b))
	var raw map[string]any
	require.NoError(t, json.Unmarshal(b, &raw))
	parsed, err := sim.ParseConfig(raw, nil)
	require.NoError(t, err)
	assert.Equal(t, "wxa", parsed.AppID)
	assert.False(t, parsed.Policy.URLCheck)
	assert.Equal(t, 100.0, parsed.NetworkTimeout["request"])
	assert.Equal(t, "2.30.4", parsed.SDKString)
}
