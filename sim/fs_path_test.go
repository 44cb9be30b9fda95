package sim

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// spec §7.1: DevTools forms, device aliases, cleaning, no escape.
func TestParsePath(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"http://usr", "http://usr"},
		{"http://usr/", "http://usr"},
		{"http://usr/a/b.txt", "http://usr/a/b.txt"},
		{"http://usr//a///b.txt//", "http://usr/a/b.txt"},
		{"http://usr/./a/./b.txt", "http://usr/a/b.txt"},
		{"http://usr/a/../b.txt", "http://usr/b.txt"},
		{"http://usr/a/b/../../c", "http://usr/c"},
		{"http://usr/a/..", "http://usr"},
		{"http://tmp/x.jpg", "http://tmp/x.jpg"},
		{"http://store/s.png", "http://store/s.png"},
		{"wxfile://usr/a.txt", "http://usr/a.txt"},
		{"wxfile://usr", "http://usr"},
		{"wxfile://tmp/x.jpg", "http://tmp/x.jpg"},
		{"wxfile://store/s.png", "http://store/s.png"},
		{"wxfile://tmp_abc.jpg", "http://tmp/tmp_abc.jpg"},
		{"wxfile://store_abc.jpg", "http://store/store_abc.jpg"},
		{"wxfile://abc", "http://tmp/abc"},
		{"wxfile://usrfile.txt", "http://tmp/usrfile.txt"},
		{"http://usr/a b/中.txt", "http://usr/a b/中.txt"},
		{"http://usr/...", "http://usr/..."},
		{"http://usr/a?b#c", "http://usr/a?b#c"},
		// errors: FSNoEnt for what cannot be a path, FSAccess for escapes
		{"", "!" + FSNoEnt},
		{"a.txt", "!" + FSNoEnt},
		{"/usr/a.txt", "!" + FSNoEnt},
		{"usr/a.txt", "!" + FSNoEnt},
		{"http://usrx/a", "!" + FSNoEnt},
		{"http://usr.txt", "!" + FSNoEnt},
		{"http://foo/a", "!" + FSNoEnt},
		{"https://usr/a", "!" + FSNoEnt},
		{"HTTP://usr/a", "!" + FSNoEnt},
		{"http:/usr/a", "!" + FSNoEnt},
		{"http:///usr/a", "!" + FSNoEnt},
		{"wxfile://", "!" + FSNoEnt},
		{"wxfile://..", "!" + FSNoEnt},
		{"wxfile://foo/bar", "!" + FSNoEnt},
		{"http://usr/..", "!" + FSAccess},
		{"http://usr/../tmp/x", "!" + FSAccess},
		{"http://usr/a/../../b", "!" + FSAccess},
		{"http://tmp/..", "!" + FSAccess},
		{"wxfile://usr/../../etc/passwd", "!" + FSAccess},
	} {
		p, err := ParsePath(c.in)
		if c.want[0] == '!' {
			if assert.Error(t, err, c.in) {
				assert.Equal(t, c.want[1:], err.(Reason).Text, c.in)
			}
			continue
		}
		if assert.NoError(t, err, c.in) {
			assert.Equal(t, c.want, p.Canon(), c.in)
		}
	}
}

func TestPathMethods(t *testing.T) {
	p := Path{RootUsr, "a/b/c.txt"}
	assert.Equal(t, "c.txt", p.Name())
	assert.Equal(t, Path{RootUsr, "a/b"}, p.Parent())
	assert.Equal(t, Path{RootUsr, ""}, Path{RootUsr, "a"}.Parent())
	assert.Equal(t, Path{RootUsr, ""}, Path{RootUsr, ""}.Parent())
	assert.Equal(t, "", Path{RootUsr, ""}.Name())
	assert.True(t, Path{RootUsr, ""}.IsRoot())
	assert.Equal(t, "http://usr/x", Path{RootUsr, ""}.Join("x").Canon())
	assert.Equal(t, "http://usr/a/x", Path{RootUsr, "a"}.Join("x").Canon())
	assert.True(t, Path{RootUsr, "a"}.Contains(Path{RootUsr, "a/b"}))
	assert.True(t, Path{RootUsr, ""}.Contains(Path{RootUsr, "a"}))
	assert.False(t, Path{RootUsr, "a"}.Contains(Path{RootUsr, "a"}))
	assert.False(t, Path{RootUsr, "a"}.Contains(Path{RootUsr, "ab"}))
	assert.False(t, Path{RootUsr, "a"}.Contains(Path{RootTmp, "a/b"}))
}
