package sim

// ProfileField is one field of the profile object of a request's or download's result
// (spec §4.5), with the value it has when nothing measured it.
type ProfileField struct {
	Name    string
	Default any // float64 or string
}

// ProfileFields are the profile's fields in WeChat's order (spec §4.5). The browser
// transport measures fetchStart, requestStart, responseStart, responseEnd and
// receivedBytedCount; the relay adds what Go's HTTP client sees (§9).
var ProfileFields = []ProfileField{
	{"redirectStart", 0.0}, {"redirectEnd", 0.0}, {"fetchStart", 0.0}, {"domainLookupStart", 0.0},
	{"domainLookupEnd", 0.0}, {"connectStart", 0.0}, {"connectEnd", 0.0}, {"SSLconnectionStart", 0.0},
	{"SSLconnectionEnd", 0.0}, {"requestStart", 0.0}, {"requestEnd", 0.0}, {"responseStart", 0.0},
	{"responseEnd", 0.0}, {"rtt", 0.0}, {"estimate_nettype", 1.0}, {"httpRttEstimate", 0.0},
	{"transportRttEstimate", 0.0}, {"downstreamThroughputKbpsEstimate", 0.0}, {"throughputKbps", 0.0},
	{"peerIP", ""}, {"port", 0.0}, {"protocol", ""}, {"socketReused", 0.0}, {"sendBytesCount", 0.0},
	{"receivedBytedCount", 0.0},
}
