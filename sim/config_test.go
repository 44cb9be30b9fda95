package sim_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxsim/wxsim/sim"
	"github.com/wxsim/wxsim/sim/urlx"
)

// spec §2: defaults.
func TestConfigDefaults(t *testing.T) {
	c, err := sim.ParseConfig(nil, urlx.Parse)
	require.NoError(t, err)
	assert.Equal(t, "touristappid", c.AppID)
	assert.Equal(t, "devtools", c.AppVersion)
	assert.Equal(t, sim.Version{3, 7, 0}, c.SDK)
	assert.True(t, c.Policy.URLCheck)
	assert.True(t, c.QueueExcess)
	assert.False(t, c.BackgroundKeepAlive)
	assert.Equal(t, map[string]any{
		"appId": "touristappid", "appVersion": "devtools", "sdkVersion": "3.7.0",
		"domains":        map[string]any{"request": []any{}, "socket": []any{}, "uploadFile": []any{}, "downloadFile": []any{}},
		"urlCheck":       true,
		"networkTimeout": map[string]any{"request": 60000.0, "connectSocket": 60000.0, "uploadFile": 60000.0, "downloadFile": 60000.0},
		"relay":          nil, "queueExcess": true, "backgroundKeepAlive": false,
		"followPageVisibility": false, "layerWx": true,
	}, c.Export())
}

func TestConfigValid(t *testing.T) {
	c, err := sim.ParseConfig(map[string]any{
		"appId": "wx123", "appVersion": "0", "sdkVersion": "2.4.0", "urlCheck": false,
		"domains": map[string]any{
			"request": []any{"https://API.example.com", "https://b.example:8443"},
			"socket":  []any{"wss://ws.example"},
		},
		"networkTimeout": map[string]any{"request": 5000.0, "downloadFile": 90000.0},
		"queueExcess":    false, "backgroundKeepAlive": true, "relay": "http://127.0.0.1:8080/", "relayToken": "t",
	}, urlx.Parse)
	require.NoError(t, err)
	assert.Equal(t, []sim.Origin{{Scheme: "https", Host: "api.example.com"}, {Scheme: "https", Host: "b.example", Port: "8443"}}, c.Policy.Domains.Request)
	assert.Equal(t, []sim.Origin{{Scheme: "wss", Host: "ws.example"}}, c.Policy.Domains.Socket)
	assert.Equal(t, 5000.0, c.NetworkTimeout["request"])
	exp := c.Export()["networkTimeout"].(map[string]any)
	assert.Equal(t, 60000.0, exp["downloadFile"], "capped at 60 s (spec §8.2)")
	assert.False(t, c.PromiseStyle(), "2.4.0 < 2.10.2 (spec §1.3)")
}

// Invalid config fails with a message naming the field.
func TestConfigErrorsNameTheField(t *testing.T) {
	twentyOne := make([]any, 21)
	for i := range twentyOne {
		twentyOne[i] = "https://h" + string(rune('a'+i)) + ".example"
	}
	cases := []struct {
		cfg   map[string]any
		field string
	}{
		{map[string]any{"urlcheck": false}, "config.urlcheck"},
		{map[string]any{"appId": 5.0}, "config.appId"},
		{map[string]any{"sdkVersion": "latest"}, "config.sdkVersion"},
		{map[string]any{"urlCheck": "yes"}, "config.urlCheck"},
		{map[string]any{"queueExcess": 1.0}, "config.queueExcess"},
		{map[string]any{"networkTimeout": 5.0}, "config.networkTimeout"},
		{map[string]any{"networkTimeout": map[string]any{"request": -1.0}}, "config.networkTimeout.request"},
		{map[string]any{"networkTimeout": map[string]any{"request": 0.0}}, "config.networkTimeout.request"},
		{map[string]any{"networkTimeout": map[string]any{"socket": 5.0}}, "config.networkTimeout.socket"},
		{map[string]any{"domains": []any{}}, "config.domains"},
		{map[string]any{"domains": map[string]any{"requests": []any{}}}, "config.domains.requests"},
		{map[string]any{"domains": map[string]any{"request": "https://a.example"}}, "config.domains.request"},
		{map[string]any{"domains": map[string]any{"request": twentyOne}}, "config.domains.request"},
		{map[string]any{"domains": map[string]any{"request": []any{"https://a.example", 3.0}}}, "config.domains.request[1]"},
		{map[string]any{"domains": map[string]any{"request": []any{"https://1.2.3.4"}}}, "config.domains.request[0]"},
		{map[string]any{"domains": map[string]any{"request": []any{"http://a.example"}}}, "config.domains.request[0]"},
		{map[string]any{"domains": map[string]any{"socket": []any{"https://a.example"}}}, "config.domains.socket[0]"},
		{map[string]any{"domains": map[string]any{"request": []any{"not a url"}}}, "config.domains.request[0]"},
		{map[string]any{"relay": "ftp://x"}, "config.relay"},
	}
	for _, c := range cases {
		_, err := sim.ParseConfig(c.cfg, urlx.Parse)
		require.Error(t, err, "%v", c.cfg)
		assert.Contains(t, err.Error(), c.field+" ", "%v", c.cfg)
	}
	// exactly 20 entries is fine (spec §3.2 edge)
	_, err := sim.ParseConfig(map[string]any{"domains": map[string]any{"request": twentyOne[:20]}}, urlx.Parse)
	assert.NoError(t, err)
}

// Export gives time-outs in ms with their fraction: 0.25 ms exported as 0 would make
// wxsim.config() a configuration that wxsim.start refuses (found by FuzzParseConfig).
func TestConfigExportReparses(t *testing.T) {
	raw := map[string]any{"networkTimeout": map[string]any{"request": 0.25, "uploadFile": 1.5, "connectSocket": 1e-300}}
	c, err := sim.ParseConfig(raw, urlx.Parse)
	require.NoError(t, err)
	exp := c.Export()
	assert.Equal(t, map[string]any{"request": 0.25, "uploadFile": 1.5, "connectSocket": 1e-6, "downloadFile": 60000.0},
		exp["networkTimeout"], "1e-300 ms is the shortest time-out, 1 ns")
	again, err := sim.ParseConfig(exp, urlx.Parse)
	require.NoError(t, err)
	for _, api := range []string{sim.APIRequest, sim.APIUploadFile, sim.APIConnectSocket, sim.APIDownloadFile} {
		assert.Equal(t, c.Timeout(api, 0, false), again.Timeout(api, 0, false), api)
	}
	assert.Equal(t, 15839*sim.Duration(1), c.Timeout(sim.APIRequest, 0.015839, true), "rounded to the ns, not truncated")
}

// With several bad fields the error names the same one every time (the first in key
// order), not whichever a map iteration meets first (found by FuzzParseConfig).
func TestConfigErrorIsDeterministic(t *testing.T) {
	for _, c := range []struct {
		cfg  map[string]any
		want string
	}{
		{map[string]any{"0": nil, "": nil}, "wxsim config. is not a known field"},
		{map[string]any{"zz": 1.0, "appId": 5.0, "aa": 1.0}, "wxsim config.aa is not a known field"},
		{map[string]any{"networkTimeout": map[string]any{"request": -1.0, "connectSocket": "x", "b": 1.0}},
			"wxsim config.networkTimeout.b is not a known field (request, connectSocket, uploadFile, downloadFile)"},
		{map[string]any{"networkTimeout": map[string]any{"request": -1.0, "connectSocket": "x"}},
			`wxsim config.networkTimeout.connectSocket should be a positive number of ms, got "x"`},
		{map[string]any{"domains": map[string]any{"sockets": nil, "requests": nil}},
			"wxsim config.domains.requests is not a known list (request, socket, uploadFile, downloadFile)"},
	} {
		for range 20 {
			_, err := sim.ParseConfig(c.cfg, urlx.Parse)
			require.EqualError(t, err, c.want, "%v", c.cfg)
		}
	}
}
