package sim

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// spec §5.2: the temp file's extension follows the URL path or the content-type.
func TestExtForContentType(t *testing.T) {
	for ct, want := range map[string]string{
		"image/jpeg":                     ".jpg",
		"image/jpg":                      ".jpg",
		"image/pjpeg":                    ".jpg",
		"IMAGE/JPEG; charset=binary":     ".jpg",
		" image/png ":                    ".png",
		"image/gif":                      ".gif",
		"image/webp":                     ".webp",
		"image/svg+xml":                  ".svg",
		"video/mp4":                      ".mp4",
		"audio/mpeg":                     ".mp3",
		"audio/mp3":                      ".mp3",
		"application/json":               ".json",
		"application/json;charset=UTF-8": ".json",
		"application/problem+json":       ".json",
		"application/atom+xml":           ".xml",
		"text/plain":                     ".txt",
		"text/plain; charset=gbk":        ".txt",
		"text/html; charset=utf-8":       ".html",
		"application/pdf":                ".pdf",
		"application/zip":                ".zip",
		"application/msword":             ".doc",
		"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
		"application/octet-stream": "",
		"binary/octet-stream":      "",
		"application/x-unknown":    "",
		"":                         "",
		";":                        "",
	} {
		assert.Equal(t, want, ExtForContentType(ct), ct)
	}
}

// spec §5.1: the upload file part's content type.
func TestContentTypeForName(t *testing.T) {
	for name, want := range map[string]string{
		"a.jpg":                  "image/jpeg",
		"a.JPEG":                 "image/jpeg",
		"http://tmp/wxsim_1.png": "image/png",
		"wxfile://tmp_a.gif":     "image/gif",
		"http://usr/d/x.webp":    "image/webp",
		"v.mp4":                  "video/mp4",
		"s.mp3":                  "audio/mpeg",
		"d.json":                 "application/json",
		"r.txt":                  "text/plain",
		"p.html":                 "text/html",
		"p.htm":                  "text/html",
		"f.pdf":                  "application/pdf",
		"f.zip":                  "application/zip",
		"f.xlsx":                 "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
		"f.bin":                  "application/octet-stream",
		"noext":                  "application/octet-stream",
		".png":                   "application/octet-stream",
		"a.png/":                 "image/png",
		"dir.png/file":           "application/octet-stream",
		"":                       "application/octet-stream",
	} {
		assert.Equal(t, want, ContentTypeForName(name), name)
	}
}

func TestTempFileName(t *testing.T) {
	for _, c := range []struct {
		url, ct string
		n       int
		want    string
	}{
		{"/img/a.png", "image/jpeg", 1, "http://tmp/wxsim_1.png"},
		{"/img/a.JPG", "", 2, "http://tmp/wxsim_2.jpg"},
		{"/img/a", "image/jpeg", 3, "http://tmp/wxsim_3.jpg"},
		{"/img/a", "", 4, "http://tmp/wxsim_4"},
		{"/", "text/plain", 5, "http://tmp/wxsim_5.txt"},
		{"", "", 6, "http://tmp/wxsim_6"},
		{"/a.tar.gz", "", 7, "http://tmp/wxsim_7.gz"},
		{"/a.verylongext", "image/png", 8, "http://tmp/wxsim_8.png"},
		{"/a.12345678", "", 9, "http://tmp/wxsim_9.12345678"},
		{"/a.b-c", "", 10, "http://tmp/wxsim_10"},
		{"/a.", "image/gif", 11, "http://tmp/wxsim_11.gif"},
		{"/.hidden", "", 12, "http://tmp/wxsim_12"},
		{"/dir.png/file", "", 13, "http://tmp/wxsim_13"},
		{"/captcha.php", "image/png", 14, "http://tmp/wxsim_14.png"},
		{"/x.do", "", 15, "http://tmp/wxsim_15"},
		{"/x.ASPX", "application/json", 16, "http://tmp/wxsim_16.json"},
		{"/a.png?x=1.jpg", "", 17, "http://tmp/wxsim_17.png"},
		{"/a.mp3#t=1.5", "", 18, "http://tmp/wxsim_18.mp3"},
		{"https://cdn.example.com/v/a.mp4?sig=1", "", 19, "http://tmp/wxsim_19.mp4"},
		{"https://cdn.example.com", "image/webp", 20, "http://tmp/wxsim_20.webp"},
		{"https://cdn.example.com?f=a.png", "", 21, "http://tmp/wxsim_21"},
		{"/file", "application/octet-stream", 22, "http://tmp/wxsim_22"},
		{"/a.%E4.png", "", 23, "http://tmp/wxsim_23.png"},
	} {
		assert.Equal(t, c.want, TempFileName(c.url, c.ct, c.n), c.url)
	}
}

// spec §5.1: the upload part's filename.
func TestBaseName(t *testing.T) {
	for p, want := range map[string]string{
		"http://usr/a/b.txt":      "b.txt",
		"http://usr/a/b.txt/":     "b.txt",
		"http://usr/a//b.txt":     "b.txt",
		"http://tmp/wxsim_1.png":  "wxsim_1.png",
		"wxfile://tmp_abc.jpg":    "tmp_abc.jpg",
		"wxfile://usr/x/../y.jpg": "y.jpg",
		"http://usr/中文 名.png":     "中文 名.png",
		"http://usr":              "usr",
		"http://store/":           "store",
		"relative/name.txt":       "name.txt",
		"http://usr/../x.txt":     "x.txt",
		"plain":                   "plain",
		"":                        "file",
		"/":                       "file",
	} {
		assert.Equal(t, want, BaseName(p), p)
	}
}
