package sim_test

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxsim/wxsim/sim"
)

// §C3: the default condition, and what wxsim.network() and onNetworkStatusChange give.
func TestNetworkDefault_SpecC3(t *testing.T) {
	n := sim.DefaultNetwork()
	assert.Equal(t, map[string]any{"type": "wifi", "latencyMs": 0.0, "downKbps": 0.0, "upKbps": 0.0}, n.Export())
	assert.True(t, n.Connected())
	assert.False(t, n.Limited())
	assert.Equal(t, sim.DefaultNetwork(), sim.DefaultConfig().Network, "a new runtime is on wifi")
	assert.Equal(t, []string{"wifi", "2g", "3g", "4g", "5g", "unknown", "none"}, sim.NetworkTypes)
	none := sim.Network{Type: "none"}
	assert.False(t, none.Connected())
	assert.Equal(t, map[string]any{"isConnected": false, "networkType": "none"}, none.StatusChange())
	assert.Equal(t, map[string]any{"isConnected": true, "networkType": "2g"}, sim.Network{Type: "2g"}.StatusChange())
}

// §C3: setNetwork states the whole condition (an omitted field takes its default); a bad
// argument names its field (control surface common rules).
func TestParseNetwork_SpecC3(t *testing.T) {
	ok := []struct {
		name string
		raw  map[string]any
		want sim.Network
	}{
		{"no options: the default", nil, sim.DefaultNetwork()},
		{"empty: the default", map[string]any{}, sim.DefaultNetwork()},
		{"type only: no limits", map[string]any{"type": "3g"}, sim.Network{Type: "3g"}},
		{"numbers only: wifi", map[string]any{"latencyMs": 150.0, "downKbps": 80.0}, sim.Network{Type: "wifi", LatencyMS: 150, DownKbps: 80}},
		{"all four", map[string]any{"type": "none", "latencyMs": 0.5, "downKbps": 0.0, "upKbps": 12.5},
			sim.Network{Type: "none", LatencyMS: 0.5, UpKbps: 12.5}},
	}
	for _, row := range ok {
		t.Run(row.name, func(t *testing.T) {
			n, err := sim.ParseNetwork(row.raw)
			require.NoError(t, err)
			assert.Equal(t, row.want, n)
		})
	}
	for _, typ := range sim.NetworkTypes {
		n, err := sim.ParseNetwork(map[string]any{"type": typ})
		require.NoError(t, err)
		assert.Equal(t, typ, n.Type)
	}
	bad := []struct {
		raw  map[string]any
		want string
	}{
		{map[string]any{"type": "WIFI"}, "wxsim.setNetwork: options.type should be one of wifi 2g 3g 4g 5g unknown none"},
		{map[string]any{"type": "6g"}, "wxsim.setNetwork: options.type should be one of wifi 2g 3g 4g 5g unknown none"},
		{map[string]any{"type": ""}, "wxsim.setNetwork: options.type should be one of wifi 2g 3g 4g 5g unknown none"},
		{map[string]any{"type": 4.0}, "wxsim.setNetwork: options.type should be one of wifi 2g 3g 4g 5g unknown none, got Number"},
		{map[string]any{"type": sim.JSType("Null")}, "wxsim.setNetwork: options.type should be one of wifi 2g 3g 4g 5g unknown none, got Null"},
		{map[string]any{"latencyMs": "100"}, "wxsim.setNetwork: options.latencyMs should be a finite number ≥ 0 (0: no limit), got String"},
		{map[string]any{"latencyMs": -1.0}, "wxsim.setNetwork: options.latencyMs should be a finite number ≥ 0 (0: no limit), got -1"},
		{map[string]any{"downKbps": math.Inf(1)}, "wxsim.setNetwork: options.downKbps should be a finite number ≥ 0 (0: no limit), got +Inf"},
		{map[string]any{"upKbps": math.NaN()}, "wxsim.setNetwork: options.upKbps should be a finite number ≥ 0 (0: no limit), got NaN"},
		{map[string]any{"upKbps": true}, "wxsim.setNetwork: options.upKbps should be a finite number ≥ 0 (0: no limit), got Boolean"},
		{map[string]any{"downKbps": sim.JSType("Object")}, "wxsim.setNetwork: options.downKbps should be a finite number ≥ 0 (0: no limit), got Object"},
		{map[string]any{"latency": 100.0, "type": "x"}, "wxsim.setNetwork: options.latency is not a known field (type, latencyMs, downKbps, upKbps)"},
	}
	for _, row := range bad {
		_, err := sim.ParseNetwork(row.raw)
		assert.EqualError(t, err, row.want)
	}
}

// §C3: the Go twin's condition: a zero Type is wifi, the rest as setNetwork.
func TestNetworkValidate_SpecC3(t *testing.T) {
	n, err := sim.Network{LatencyMS: 10}.Validate()
	require.NoError(t, err)
	assert.Equal(t, sim.Network{Type: "wifi", LatencyMS: 10}, n)
	_, err = sim.Network{Type: "lte"}.Validate()
	assert.EqualError(t, err, "wxsim.setNetwork: options.type should be one of wifi 2g 3g 4g 5g unknown none")
	_, err = sim.Network{Type: "4g", UpKbps: -3}.Validate()
	assert.EqualError(t, err, "wxsim.setNetwork: options.upKbps should be a finite number ≥ 0 (0: no limit), got -3")
}

// none is planConfig under type "none".
func none(t *testing.T, relay bool) *sim.Config {
	c := planConfig(t, relay)
	c.Network = sim.Network{Type: sim.NetworkNone}
	return c
}

// §C3 / §8.4: under type "none" every plan refuses a call "network unavailable" (errno
// 600001, no warning) as its last step: a call that §1.5 or §3 (or the api's own
// argument checks) refuses fails with that reason instead, and the plan is as whole as
// on a network (the §C1 create event shows it).
func TestPlanNetworkNone_SpecC3(t *testing.T) {
	const unavailable = ":fail network unavailable"
	check := func(t *testing.T, api string, r *sim.Refusal) {
		t.Helper()
		require.NotNil(t, r)
		assert.Equal(t, api+unavailable, errMsg(r))
		assert.Equal(t, 600001, r.Fail.Reason.Errno)
		assert.Empty(t, r.Warning)
	}
	t.Run("request", func(t *testing.T) {
		o := sim.RequestOptions{URL: url("https://api.example/x"), MethodType: "String", Method: "post", Data: sim.DataObject}
		want, r := sim.PlanRequest(planConfig(t, false), o)
		require.Nil(t, r)
		got, r := sim.PlanRequest(none(t, false), o)
		check(t, sim.APIRequest, r)
		assert.Equal(t, want, got, "the plan is whole")

		_, r = sim.PlanRequest(none(t, false), sim.RequestOptions{URL: sim.URLRead{Type: "Number"}})
		assert.Equal(t, "request:fail parameter error: parameter.url should be String instead of Number;", errMsg(r), "§1.5 first")
		_, r = sim.PlanRequest(none(t, false), sim.RequestOptions{URL: url("https://other.example/")})
		assert.Equal(t, "request:fail url not in domain list", errMsg(r), "§3 first")
		assert.NotEmpty(t, r.Warning)
		_, r = sim.PlanRequest(none(t, false), sim.RequestOptions{URL: url("https://api.example/"), MethodType: "String", Method: "FETCH"})
		assert.Equal(t, "request:fail invalid method", errMsg(r))
		_, r = sim.PlanRequest(none(t, true), sim.RequestOptions{URL: url("https://api.example/"), HeaderType: "Object",
			Header: sim.Headers(sim.Header{Name: "a b", Value: "1"})})
		assert.Equal(t, `request:fail invalid header name "a b"`, errMsg(r), "§4.3 first")
		_, r = sim.PlanRequest(none(t, false), sim.RequestOptions{URL: url("https://api.example/"), Data: sim.DataArrayBuffer})
		assert.Contains(t, errMsg(r), "an ArrayBuffer body cannot be sent", "§4.4 first")
	})
	t.Run("uploadFile", func(t *testing.T) {
		fs := sim.NewFS(func() sim.UnixMS { return sim.UnixMS(time.Now().UnixMilli()) })
		tmp, err := fs.AddTemp(3, fs.NewTempPath("/a.txt", "text/plain"))
		require.NoError(t, err)
		o := sim.TransferOptions{URL: url("https://up.example/u"), FilePathType: "String", FilePath: tmp, NameType: "String", Name: "f"}
		want, r := sim.PlanUpload(planConfig(t, false), fs, o)
		require.Nil(t, r)
		got, r := sim.PlanUpload(none(t, false), fs, o)
		check(t, sim.APIUploadFile, r)
		assert.Equal(t, want, got)
		o.FilePath = "http://tmp/none.txt"
		_, r = sim.PlanUpload(none(t, false), fs, o)
		assert.Equal(t, "uploadFile:fail file not found, open http://tmp/none.txt", errMsg(r), "§5.1 file check first")
		_, r = sim.PlanUpload(none(t, false), fs, sim.TransferOptions{URL: url("https://down.example/")})
		assert.Equal(t, "uploadFile:fail url not in domain list", errMsg(r))
	})
	t.Run("downloadFile", func(t *testing.T) {
		o := sim.TransferOptions{URL: url("https://down.example/d.png")}
		want, r := sim.PlanDownload(planConfig(t, true), o)
		require.Nil(t, r)
		got, r := sim.PlanDownload(none(t, true), o)
		check(t, sim.APIDownloadFile, r)
		assert.Equal(t, want, got)
		o.FilePathType, o.FilePath = "String", "http://tmp/x.png"
		_, r = sim.PlanDownload(none(t, false), o)
		assert.Equal(t, "downloadFile:fail permission denied, open http://tmp/x.png", errMsg(r), "§5.2 path check first")
		_, r = sim.PlanDownload(none(t, false), sim.TransferOptions{URL: sim.URLRead{Type: "Undefined"}})
		assert.Equal(t, "downloadFile:fail parameter error: parameter.url should be String instead of Undefined;", errMsg(r))
	})
	t.Run("connectSocket", func(t *testing.T) {
		o := sim.SocketOptions{URL: url("wss://ws.example/chat")}
		want, r := sim.PlanSocket(planConfig(t, false), o, false)
		require.Nil(t, r)
		got, r := sim.PlanSocket(none(t, false), o, false)
		check(t, sim.APIConnectSocket, r)
		assert.Equal(t, want, got)
		_, r = sim.PlanSocket(none(t, false), o, true)
		check(t, sim.APIConnectSocket, r) // before the §8.3 gate, as for transfers
		_, r = sim.PlanSocket(none(t, false), sim.SocketOptions{URL: url("wss://api.example/")}, false)
		assert.Equal(t, "connectSocket:fail url not in domain list", errMsg(r))
		_, r = sim.PlanSocket(none(t, false), sim.SocketOptions{URL: url("wss://ws.example/"), ProtocolsType: "Number"}, false)
		assert.Equal(t, "connectSocket:fail parameter error: parameter.protocols should be Array instead of Number;", errMsg(r))
	})
	t.Run("every other type connects", func(t *testing.T) {
		for _, typ := range sim.NetworkTypes[:6] {
			c := planConfig(t, false)
			c.Network = sim.Network{Type: typ, LatencyMS: 100, DownKbps: 1}
			_, r := sim.PlanRequest(c, sim.RequestOptions{URL: url("https://api.example/")})
			assert.Nil(t, r, "%s: %s", typ, errMsg(r))
		}
	})
}
