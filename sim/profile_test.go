package sim_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/wxsim/wxsim/sim"
)

// §4.5: the profile's fields, in order, and the values nothing measured.
func TestProfileFields(t *testing.T) {
	var names []string
	for _, f := range sim.ProfileFields {
		names = append(names, f.Name)
		switch f.Name {
		case "peerIP", "protocol":
			assert.Equal(t, "", f.Default, f.Name)
		case "estimate_nettype":
			assert.Equal(t, 1.0, f.Default, f.Name)
		default:
			assert.Equal(t, 0.0, f.Default, f.Name)
		}
	}
	assert.Equal(t, []string{"redirectStart", "redirectEnd", "fetchStart", "domainLookupStart", "domainLookupEnd",
		"connectStart", "connectEnd", "SSLconnectionStart", "SSLconnectionEnd", "requestStart", "requestEnd",
		"responseStart", "responseEnd", "rtt", "estimate_nettype", "httpRttEstimate", "transportRttEstimate",
		"downstreamThroughputKbpsEstimate", "throughputKbps", "peerIP", "port", "protocol", "socketReused",
		"sendBytesCount", "receivedBytedCount"}, names)
}
