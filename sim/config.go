package sim

import (
	"math"
	"strconv"
)

// Defaults of spec §2.
const (
	DefaultAppID      = "touristappid"
	DefaultAppVersion = "devtools"
	DefaultSDK        = "3.7.0"
	MaxDomainEntries  = 20 // spec §3.2
)

// Config is the effective configuration of one mini-program run (spec §2).
type Config struct {
	AppID      string
	AppVersion string
	SDK        Version
	SDKString  string
	Policy     Policy
	// DomainsRaw keeps the lists as given, for wxsim.config() and console warnings.
	DomainsRaw map[string][]string
	// NetworkTimeout holds app.json networkTimeout per api name, in ms.
	NetworkTimeout      map[string]float64
	Relay               string
	RelayToken          string
	QueueExcess         bool
	BackgroundKeepAlive bool
	// FollowPageVisibility maps the document's visibilitychange to hide/show (§8.3).
	FollowPageVisibility bool
	// LayerWx adds wxsim's APIs to a wx the page already has (true, the default) instead
	// of replacing it.
	LayerWx bool
	// MaxDownload is the downloadFile size cap (spec §5.2: 200 MB). Tests may lower it
	// with the wxsim-only field maxDownloadSize; it can never be raised.
	MaxDownload int64
	// Network is the network condition (§C3, §8.4): not a config field, it is set by
	// wxsim.setNetwork and the runtime keeps it across reconfigurations. The plans read
	// it as their last step (checkNetwork).
	Network Network
}

// MaxDownloadBytes is WeChat's downloadFile limit (spec §5.2), 200 MB.
const MaxDownloadBytes = 200 << 20

// URLParser parses an absolute URL into the parts the policy needs: the browser's URL
// parser in js/wasm, sim/urlx natively. hasPathOrQuery reports a non-root path, query or
// fragment (not allowed in domain-list entries).
type URLParser func(raw string) (u URLParts, hasPathOrQuery bool, err error)

// ConfigError names the offending field, e.g. "config.networkTimeout.request should be a
// positive number, got -1".
type ConfigError struct {
	Field string
	Msg   string
}

func (e *ConfigError) Error() string { return "wxsim config." + e.Field + " " + e.Msg }

// configFields lists every accepted config field; anything else is rejected so that
// typos (`urlcheck`) do not silently keep the default.
var configFields = map[string]bool{
	"appId": true, "appVersion": true, "sdkVersion": true, "domains": true, "urlCheck": true,
	"networkTimeout": true, "relay": true, "relayToken": true, "queueExcess": true,
	"backgroundKeepAlive": true, "wasm": true, "maxDownloadSize": true,
	"followPageVisibility": true, "layerWx": true,
}

// domainLists maps config.domains keys to the api whose list they are (spec §3.2).
var domainLists = []struct{ key, api string }{
	{"request", APIRequest},
	{"socket", APIConnectSocket},
	{"uploadFile", APIUploadFile},
	{"downloadFile", APIDownloadFile},
}

// timeoutKeys are the app.json networkTimeout fields (spec §2, §8.2).
var timeoutKeys = []string{APIRequest, APIConnectSocket, APIUploadFile, APIDownloadFile}

// DefaultConfig is the configuration of spec §2 with every field at its default.
func DefaultConfig() Config {
	sdk, _ := ParseVersion(DefaultSDK)
	return Config{
		AppID: DefaultAppID, AppVersion: DefaultAppVersion, SDK: sdk, SDKString: DefaultSDK, LayerWx: true,
		Policy:         Policy{URLCheck: true, SDK: sdk},
		DomainsRaw:     map[string][]string{},
		NetworkTimeout: map[string]float64{},
		QueueExcess:    true,
		MaxDownload:    MaxDownloadBytes,
		Network:        DefaultNetwork(),
	}
}

// ParseConfig validates a configuration given as plain values (map[string]any, []any,
// string, float64, bool, nil — what JSON or a JS object converts to). nil means defaults.
func ParseConfig(raw map[string]any, parse URLParser) (Config, error) {
	c := DefaultConfig()
	// keys in order, here and below: with two bad fields the error names the same one
	// every time, not whichever map iteration met first
	for _, k := range sortedKeys(raw) {
		if !configFields[k] {
			return c, &ConfigError{k, "is not a known field"}
		}
	}
	var err error
	if c.AppID, err = optString(raw, "appId", c.AppID); err != nil {
		return c, err
	}
	if c.AppVersion, err = optString(raw, "appVersion", c.AppVersion); err != nil {
		return c, err
	}
	if c.SDKString, err = optString(raw, "sdkVersion", c.SDKString); err != nil {
		return c, err
	}
	v, ok := ParseVersion(c.SDKString)
	if !ok {
		return c, &ConfigError{"sdkVersion", "should look like \"2.24.0\", got " + strconv.Quote(c.SDKString)}
	}
	c.SDK, c.Policy.SDK = v, v
	if c.Policy.URLCheck, err = optBool(raw, "urlCheck", true); err != nil {
		return c, err
	}
	if c.QueueExcess, err = optBool(raw, "queueExcess", true); err != nil {
		return c, err
	}
	if c.FollowPageVisibility, err = optBool(raw, "followPageVisibility", false); err != nil {
		return c, err
	}
	if c.LayerWx, err = optBool(raw, "layerWx", true); err != nil {
		return c, err
	}
	if c.BackgroundKeepAlive, err = optBool(raw, "backgroundKeepAlive", false); err != nil {
		return c, err
	}
	if c.Relay, err = optString(raw, "relay", ""); err != nil {
		return c, err
	}
	if c.RelayToken, err = optString(raw, "relayToken", ""); err != nil {
		return c, err
	}
	if c.Relay != "" {
		if u, _, perr := parse(c.Relay); perr != nil || (u.Scheme != "http" && u.Scheme != "https") {
			return c, &ConfigError{"relay", "should be an http(s) URL, got " + strconv.Quote(c.Relay)}
		}
	}
	if v, ok := raw["maxDownloadSize"]; ok && v != nil {
		f, ok := v.(float64)
		if !ok || f < 0 || f > MaxDownloadBytes || f != float64(int64(f)) {
			return c, &ConfigError{"maxDownloadSize", "should be a whole number of bytes up to 209715200, got " + show(v)}
		}
		c.MaxDownload = int64(f)
	}
	if err := c.parseTimeouts(raw["networkTimeout"]); err != nil {
		return c, err
	}
	return c, c.parseDomains(raw["domains"], parse)
}

func (c *Config) parseTimeouts(v any) error {
	if v == nil {
		return nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		return &ConfigError{"networkTimeout", "should be an object, got " + typeName(v)}
	}
	for _, k := range sortedKeys(m) {
		x := m[k]
		if !contains(timeoutKeys, k) {
			return &ConfigError{"networkTimeout." + k, "is not a known field (request, connectSocket, uploadFile, downloadFile)"}
		}
		f, ok := x.(float64)
		if !ok || !validTimeoutMS(f) {
			return &ConfigError{"networkTimeout." + k, "should be a positive number of ms, got " + show(x)}
		}
		c.NetworkTimeout[k] = f
	}
	return nil
}

func (c *Config) parseDomains(v any, parse URLParser) error {
	if v == nil {
		return nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		return &ConfigError{"domains", "should be an object, got " + typeName(v)}
	}
	for _, k := range sortedKeys(m) {
		if !containsList(k) {
			return &ConfigError{"domains." + k, "is not a known list (request, socket, uploadFile, downloadFile)"}
		}
	}
	for _, l := range domainLists {
		x, present := m[l.key]
		if !present || x == nil {
			continue
		}
		arr, ok := x.([]any)
		if !ok {
			return &ConfigError{"domains." + l.key, "should be an array of strings, got " + typeName(x)}
		}
		if len(arr) > MaxDomainEntries {
			return &ConfigError{"domains." + l.key, "has " + strconv.Itoa(len(arr)) + " entries; WeChat allows at most 20"}
		}
		var origins []Origin
		var raws []string
		for i, e := range arr {
			field := "domains." + l.key + "[" + strconv.Itoa(i) + "]"
			s, ok := e.(string)
			if !ok {
				return &ConfigError{field, "should be a string, got " + typeName(e)}
			}
			u, hasPath, err := parse(s)
			if err != nil {
				return &ConfigError{field, "is not a valid URL: " + strconv.Quote(s)}
			}
			o, err := ParseOrigin(l.api, u, s, hasPath)
			if err != nil {
				return &ConfigError{field, err.Error()}
			}
			origins = append(origins, o)
			raws = append(raws, s)
		}
		c.Policy.Domains.set(l.api, origins)
		c.DomainsRaw[l.key] = raws
	}
	return nil
}

// List returns the domain list that applies to api.
func (d *Domains) List(api string) []Origin {
	switch api {
	case APIRequest:
		return d.Request
	case APIConnectSocket:
		return d.Socket
	case APIUploadFile:
		return d.UploadFile
	case APIDownloadFile:
		return d.DownloadFile
	}
	return nil
}

func (d *Domains) set(api string, o []Origin) {
	switch api {
	case APIRequest:
		d.Request = o
	case APIConnectSocket:
		d.Socket = o
	case APIUploadFile:
		d.UploadFile = o
	case APIDownloadFile:
		d.DownloadFile = o
	}
}

// Export returns the effective configuration as plain values (for wxsim.config()).
func (c *Config) Export() map[string]any {
	domains := map[string]any{}
	for _, l := range domainLists {
		list := []any{}
		for _, s := range c.DomainsRaw[l.key] {
			list = append(list, s)
		}
		domains[l.key] = list
	}
	timeouts := map[string]any{}
	for _, k := range timeoutKeys {
		// in ms with the fraction kept: 0.25 ms must not export as 0, which is refused
		timeouts[k] = c.Timeout(k, 0, false).MS()
	}
	var relay any
	if c.Relay != "" {
		relay = c.Relay
	}
	return map[string]any{
		"appId": c.AppID, "appVersion": c.AppVersion, "sdkVersion": c.SDKString,
		"domains": domains, "urlCheck": c.Policy.URLCheck, "networkTimeout": timeouts,
		"relay": relay, "queueExcess": c.QueueExcess, "backgroundKeepAlive": c.BackgroundKeepAlive,
		"followPageVisibility": c.FollowPageVisibility, "layerWx": c.LayerWx,
	}
}

func optString(m map[string]any, k, def string) (string, error) {
	v, ok := m[k]
	if !ok || v == nil {
		return def, nil
	}
	s, ok := v.(string)
	if !ok {
		return def, &ConfigError{k, "should be a string, got " + typeName(v)}
	}
	return s, nil
}

func optBool(m map[string]any, k string, def bool) (bool, error) {
	v, ok := m[k]
	if !ok || v == nil {
		return def, nil
	}
	b, ok := v.(bool)
	if !ok {
		return def, &ConfigError{k, "should be a boolean, got " + typeName(v)}
	}
	return b, nil
}

// typeName names a plain value's JS type for messages.
func typeName(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "string"
	case float64:
		return "number"
	case bool:
		return "boolean"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return "unsupported value"
}

func show(v any) string {
	switch x := v.(type) {
	case float64:
		if math.IsNaN(x) {
			return "NaN"
		}
		return strconv.FormatFloat(x, 'g', -1, 64)
	case string:
		return strconv.Quote(x)
	}
	return typeName(v)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func containsList(k string) bool {
	for _, l := range domainLists {
		if l.key == k {
			return true
		}
	}
	return false
}
