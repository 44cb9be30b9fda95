package sim

import (
	"strconv"
	"strings"
)

// mimeTypes pairs file extensions with content types, for temp-file names of downloads
// (spec §5.2) and the content type of upload file parts (§5.1). Several rows may share a
// type or an extension: ExtForContentType takes the first row with the type,
// ContentTypeForName the first row with the extension.
var mimeTypes = []struct{ ext, ct string }{
	{".jpg", "image/jpeg"},
	{".jpeg", "image/jpeg"},
	{".jpg", "image/jpg"},
	{".jpg", "image/pjpeg"},
	{".png", "image/png"},
	{".gif", "image/gif"},
	{".webp", "image/webp"},
	{".bmp", "image/bmp"},
	{".svg", "image/svg+xml"},
	{".ico", "image/x-icon"},
	{".ico", "image/vnd.microsoft.icon"},
	{".heic", "image/heic"},
	{".avif", "image/avif"},
	{".mp4", "video/mp4"},
	{".mov", "video/quicktime"},
	{".webm", "video/webm"},
	{".mp3", "audio/mpeg"},
	{".mp3", "audio/mp3"},
	{".m4a", "audio/mp4"},
	{".m4a", "audio/x-m4a"},
	{".aac", "audio/aac"},
	{".wav", "audio/wav"},
	{".wav", "audio/x-wav"},
	{".wav", "audio/wave"},
	{".ogg", "audio/ogg"},
	{".json", "application/json"},
	{".txt", "text/plain"},
	{".html", "text/html"},
	{".htm", "text/html"},
	{".css", "text/css"},
	{".csv", "text/csv"},
	{".xml", "application/xml"},
	{".xml", "text/xml"},
	{".js", "text/javascript"},
	{".js", "application/javascript"},
	{".pdf", "application/pdf"},
	{".zip", "application/zip"},
	{".gz", "application/gzip"},
	// wx.openDocument picks the viewer by extension, so office downloads need theirs.
	{".doc", "application/msword"},
	{".xls", "application/vnd.ms-excel"},
	{".ppt", "application/vnd.ms-powerpoint"},
	{".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
	{".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
	{".pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"},
}

// DefaultUploadContentType is the type of an upload file part whose extension is unknown.
const DefaultUploadContentType = "application/octet-stream"

// ExtForContentType returns the extension (with its dot) for a content-type header value:
// parameters and case are ignored; "+json"/"+xml" structured types map to .json/.xml.
// Unknown types and application/octet-stream give "" (wxsim decision: an octet stream has
// no known kind, so the temp file gets no extension rather than a misleading .bin).
func ExtForContentType(ct string) string {
	mt, _, _ := strings.Cut(ct, ";")
	mt = strings.ToLower(strings.TrimSpace(mt))
	for _, m := range mimeTypes {
		if m.ct == mt {
			return m.ext
		}
	}
	switch {
	case strings.HasSuffix(mt, "+json"):
		return ".json"
	case strings.HasSuffix(mt, "+xml"):
		return ".xml"
	}
	return ""
}

// ContentTypeForName returns the content type for a file name or path by its extension
// (any case), DefaultUploadContentType when unknown (spec §5.1 file part).
func ContentTypeForName(name string) string {
	if ext := fileExt(BaseName(name)); ext != "" {
		for _, m := range mimeTypes {
			if m.ext == ext {
				return m.ct
			}
		}
	}
	return DefaultUploadContentType
}

// dynamicExts are server-script extensions: a URL ending in one says nothing about the
// body (/captcha.php serves a PNG), so TempFileName ignores them.
var dynamicExts = []string{".php", ".asp", ".aspx", ".jsp", ".do", ".action", ".cgi"}

// TempFileName names the temp file of a download (spec §5.2): http://tmp/wxsim_<n><ext>.
// ext is the lower-cased extension of the URL path's last segment when it is sane (1–8
// ASCII letters or digits after a dot that does not start the name) and not a server
// script's (dynamicExts); else ExtForContentType(contentType); else none. urlPath may be
// a whole URL: the scheme, authority, query and fragment are ignored.
func TempFileName(urlPath, contentType string, n int) string {
	if _, rest, ok := strings.Cut(urlPath, "://"); ok {
		urlPath = ""
		if i := strings.IndexByte(rest, '/'); i >= 0 {
			urlPath = rest[i:]
		}
	}
	if i := strings.IndexAny(urlPath, "?#"); i >= 0 {
		urlPath = urlPath[:i]
	}
	ext := fileExt(urlPath[strings.LastIndexByte(urlPath, '/')+1:])
	if ext == "" || contains(dynamicExts, ext) {
		ext = ExtForContentType(contentType)
	}
	return string(RootTmp) + "/wxsim_" + strconv.Itoa(n) + ext
}

// fileExt returns the lower-cased extension of a file name (with its dot) when it is sane:
// 1–8 ASCII letters or digits after the last dot, and the dot does not start the name
// (".bashrc" has none). Otherwise "".
func fileExt(name string) string {
	i := strings.LastIndexByte(name, '.')
	if i <= 0 || len(name)-i-1 < 1 || len(name)-i-1 > 8 {
		return ""
	}
	for j := i + 1; j < len(name); j++ {
		c := name[j]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			return ""
		}
	}
	return strings.ToLower(name[i:])
}

// BaseName is the file name of a wx path, the `filename` of an upload part (spec §5.1):
// the last segment after cleaning (http://usr/a/b.txt/ → b.txt, wxfile://tmp_x.jpg →
// tmp_x.jpg). A root gives its own name (usr, tmp, store); a path ParsePath refuses gives
// what follows its last slash. "file" when that is empty.
func BaseName(p string) string {
	var name string
	if pp, err := ParsePath(p); err == nil {
		name = pp.Name()
		if pp.IsRoot() {
			name = string(pp.Root[strings.LastIndexByte(string(pp.Root), '/')+1:])
		}
	} else {
		p = strings.TrimRight(p, "/")
		name = p[strings.LastIndexByte(p, '/')+1:]
	}
	if name == "" {
		return "file"
	}
	return name
}
