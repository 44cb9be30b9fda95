package sim

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// spec §7.2: "<reason>, <op> <path>", the op per API, WeChat's errnos.
func TestFSError(t *testing.T) {
	for _, c := range []struct {
		api, reason, op, path, want string
		errno                       int
	}{
		{APIReadFile, FSNoEnt, "", "http://usr/a.txt", "readFile:fail no such file or directory, open http://usr/a.txt", 1300002},
		{"readFileSync", FSNoEnt, "", "http://usr/a.txt", "readFileSync:fail no such file or directory, open http://usr/a.txt", 1300002},
		{APIWriteFile, FSAccess, "", "http://tmp/a", "writeFile:fail permission denied, open http://tmp/a", 1300013},
		{APIAppendFile, FSIsDir, "", "http://usr/d", "appendFile:fail illegal operation on a directory, open http://usr/d", 1301003},
		{APIUnlink, FSNotPermitted, "", "http://usr/d", "unlink:fail operation not permitted, unlink http://usr/d", 1300001},
		{APIMkdir, FSExist, "", "http://usr/d", "mkdir:fail file already exists, mkdir http://usr/d", 1301005},
		{APIRmdir, FSNotEmpty, "", "http://usr/d", "rmdir:fail directory not empty, rmdir http://usr/d", 1300066},
		{APIReaddir, FSNotDir, "", "http://usr/a", "readdir:fail not a directory, scandir http://usr/a", 1300020},
		{APIStat, FSNoEnt, "", "http://usr/x", "stat:fail no such file or directory, stat http://usr/x", 1300002},
		{APIAccess, FSNoEnt, "", "http://usr/x", "access:fail no such file or directory, access http://usr/x", 1300002},
		{APIRename, FSNoEnt, "", "a -> b", "rename:fail no such file or directory, rename a -> b", 1300002},
		{APICopyFile, FSInvalid, "", "a -> b", "copyFile:fail invalid argument, copyfile a -> b", 1300022},
		{APIUploadFile, FSNotFound, "", "http://tmp/x", "uploadFile:fail file not found, open http://tmp/x", 1300002},
		{APIReadFile, FSNoEnt, "", "", "readFile:fail no such file or directory, open", 1300002},
		{APIReadFile, "something else", "read", "p", "readFile:fail something else, read p", 1},
		{"unknownApi", FSNoEnt, "", "p", "unknownApi:fail no such file or directory, open p", 1300002},
	} {
		r := FSError(c.api, c.reason, c.op, c.path)
		assert.Equal(t, c.want, Fail{c.api, r}.ErrMsg())
		assert.Equal(t, c.errno, r.Errno, c.want)
	}
	for api, op := range map[string]string{
		APIReadFile: "open", APIWriteFile: "open", APIAppendFile: "open", APIUnlink: "unlink",
		APIMkdir: "mkdir", APIRmdir: "rmdir", APIReaddir: "scandir", APIStat: "stat",
		APIAccess: "access", APIRename: "rename", APICopyFile: "copyfile", "copyFileSync": "copyfile",
		APISaveFile: "open", APIGetFileInfo: "open", APIDownloadFile: "open", "mkdirSync": "mkdir",
	} {
		assert.Equal(t, op, FSOp(api), api)
	}
}
