package sim

import "strings"

// UploadHeaders drops a user content-type from uploadFile's headers (flattened name,
// value pairs): the multipart body's boundary is chosen by the transport, and a user
// value would break it (spec §5.1). Other headers pass unchanged.
func UploadHeaders(pairs []string) []string {
	out := make([]string, 0, len(pairs))
	for i := 0; i+1 < len(pairs); i += 2 {
		if !strings.EqualFold(pairs[i], "content-type") {
			out = append(out, pairs[i], pairs[i+1])
		}
	}
	return out
}

// URLPath returns the path of an absolute URL (no query or fragment), for the temp
// file's extension (spec §5.2).
func URLPath(raw string) string {
	if i := strings.IndexAny(raw, "?#"); i >= 0 {
		raw = raw[:i]
	}
	if i := strings.Index(raw, "://"); i >= 0 {
		raw = raw[i+3:]
		if j := strings.IndexByte(raw, '/'); j >= 0 {
			return raw[j:]
		}
		return "/"
	}
	return raw
}

// CheckDownloadPath checks downloadFile's filePath before any traffic: it must lie under
// USER_DATA_PATH (spec §5.2, §7.2); the full write check happens when the file is stored.
func CheckDownloadPath(p string) error {
	pp, err := ParsePath(p)
	if err != nil || pp.Root != RootUsr || pp.IsRoot() {
		return FSError(APIDownloadFile, FSAccess, FSOp(APIDownloadFile), p)
	}
	return nil
}

// DigestAlgorithm checks getFileInfo's digestAlgorithm: "md5" (the default) or "sha1".
func DigestAlgorithm(s string) (string, error) {
	switch s {
	case "":
		return "md5", nil
	case "md5", "sha1":
		return s, nil
	}
	return "", Reason{"invalid digestAlgorithm " + quoteShort(s) + ": use md5 or sha1", 1}
}
