package sim

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// spec §5.1: a user content-type cannot break the multipart boundary.
func TestUploadHeaders(t *testing.T) {
	assert.Equal(t, []string{"X-A", "1"}, UploadHeaders([]string{"Content-Type", "application/json", "X-A", "1", "content-type", "x"}))
	assert.Equal(t, []string{}, UploadHeaders(nil))
}

func TestURLPath(t *testing.T) {
	cases := map[string]string{
		"https://a.example/x/photo.jpg?size=1#f": "/x/photo.jpg",
		"https://a.example":                      "/",
		"https://a.example?x=/y.png":             "/",
		"https://a.example/file":                 "/file",
	}
	for in, want := range cases {
		assert.Equal(t, want, URLPath(in), in)
	}
}

// spec §5.2: filePath must be under USER_DATA_PATH.
func TestCheckDownloadPath(t *testing.T) {
	assert.NoError(t, CheckDownloadPath("http://usr/a.bin"))
	assert.NoError(t, CheckDownloadPath("wxfile://usr/d/a.bin"))
	for _, p := range []string{"http://tmp/a.bin", "http://store/a", "http://usr", "/etc/passwd", ""} {
		assert.Error(t, CheckDownloadPath(p), p)
	}
}

func TestDigestAlgorithm(t *testing.T) {
	for in, want := range map[string]string{"": "md5", "md5": "md5", "sha1": "sha1"} {
		got, err := DigestAlgorithm(in)
		assert.NoError(t, err)
		assert.Equal(t, want, got)
	}
	_, err := DigestAlgorithm("sha256")
	assert.EqualError(t, err, `invalid digestAlgorithm "sha256": use md5 or sha1`)
}
