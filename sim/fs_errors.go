package sim

import "strings"

// The errors of the simulated file system (spec §7.2): node-style reasons with WeChat's
// errnos, the op words node names them by, and the bare reasons WeChat words alone.

// Node-style fail reasons (spec §7.2): FSError appends ", <op> <path>".
const (
	FSNoEnt        = "no such file or directory"
	FSExist        = "file already exists"
	FSNotEmpty     = "directory not empty"
	FSNotDir       = "not a directory"
	FSIsDir        = "illegal operation on a directory"
	FSAccess       = "permission denied" // a write outside http://usr, or a path escaping its root
	FSNotPermitted = "operation not permitted"
	FSInvalid      = "invalid argument"
	FSNotFound     = "file not found" // uploadFile's wording for a missing file (spec §5.1)
)

// fsErrno is WeChat's errno for each reason (its public errno table, 13xxxxx range).
var fsErrno = map[string]int{
	FSNoEnt:        1300002,
	FSExist:        1301005,
	FSNotEmpty:     1300066,
	FSNotDir:       1300020,
	FSIsDir:        1301003,
	FSAccess:       1300013,
	FSNotPermitted: 1300001,
	FSInvalid:      1300022,
	FSNotFound:     1300002,
}

// Bare file reasons: WeChat words these without an op or a path.
var (
	ErrStorageLimit     = Reason{"the maximum size of the file storage limit is exceeded", 1300202} // spec §7.3
	ErrFileNotExist     = Reason{"file not exist", 1300002}                                         // getFileInfo, getSavedFileInfo, removeSavedFile
	ErrTempFileNotExist = Reason{"tempFilePath file not exist", 1301112}                            // saveFile
	ErrPositionRange    = Reason{`the value of "position" is out of range`, 1301009}                // readFile
	ErrLengthRange      = Reason{`the value of "length" is out of range`, 1301006}                  // readFile
)

// fsOps is the op word each API puts in its node-style errors, as node names the syscall
// (spec §7.2): readdir → scandir, copyFile → copyfile, everything that opens a file → open.
var fsOps = map[string]string{
	APIReadFile:     "open",
	APIWriteFile:    "open",
	APIAppendFile:   "open",
	APIAccess:       "access",
	APIStat:         "stat",
	APIUnlink:       "unlink",
	APIMkdir:        "mkdir",
	APIReaddir:      "scandir",
	APIRmdir:        "rmdir",
	APICopyFile:     "copyfile",
	APIRename:       "rename",
	APISaveFile:     "open",
	APIGetFileInfo:  "open",
	APIUploadFile:   "open",
	APIDownloadFile: "open",
}

// FSOp returns the op word of api's node-style errors; a …Sync twin uses its async
// name's, and an unknown api "open".
func FSOp(api string) string {
	if op, ok := fsOps[strings.TrimSuffix(api, "Sync")]; ok {
		return op
	}
	return "open"
}

// FSError renders the node-style reason "<reason>, <op> <path>" (spec §7.2) with WeChat's
// errno for reason (1 when it has none). An empty op means api's (FSOp); an empty path
// drops the trailing " <path>". Two-path ops (rename, copyfile) pass "<src> -> <dst>".
// Fail{api, FSError(api, FSNoEnt, "", p)}.ErrMsg() is "readFile:fail no such file or
// directory, open http://usr/a.txt".
func FSError(api, reason, op, path string) Reason {
	if op == "" {
		op = FSOp(api)
	}
	text := reason + ", " + op
	if path != "" {
		text += " " + path
	}
	errno, ok := fsErrno[reason]
	if !ok {
		errno = 1
	}
	return Reason{text, errno}
}

// fsFail is FSError as an error (always a Reason).
func fsFail(reason, op, path string) error { return FSError("", reason, op, path) }

// fsPair renders the two paths of rename and copyFile as node does.
func fsPair(src, dst string) string { return src + " -> " + dst }
