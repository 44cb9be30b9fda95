// Package docs checks that the repository documents itself. Code, tests and messages cite
// behaviour by section number (§3.7, §C4); web/docs/behaviour.md is where those numbers
// live, so every number cited in a tracked file must be a heading there, and no tracked
// file may send the reader to documents outside the repository.
package docs

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// behaviourDoc is the document that defines the section numbers, relative to the root.
const behaviourDoc = "web/docs/behaviour.md"

// citation matches a section number: §4, §3.7, §C1. A number right after "RFC nnnn "
// (group 1) is that RFC's section, not ours.
var citation = regexp.MustCompile(`(RFC \d+ )?§(C?\d+(?:\.\d+)*)`)

// heading matches a numbered heading of behaviourDoc: "## §4 …", "### §3.7 …".
var heading = regexp.MustCompile(`^(#+) §(C?\d+(?:\.\d+)*)(?:\s|$)`)

// outside are strings that point at the contract files kept outside the repository
// (split so that this file does not contain them).
var outside = []string{"shared" + "/spec", "shared" + "/notes"}

// TestCitationsResolve fails for every § number cited in a tracked text file that has no
// heading in behaviourDoc.
func TestCitationsResolve(t *testing.T) {
	root := repoRoot(t)
	sections := docSections(t, root)
	missing := map[string][]string{} // number → where it is cited
	n := 0
	for _, name := range trackedFiles(t, root) {
		if skipCitations(name) {
			continue
		}
		text, ok := readText(t, root, name)
		if !ok {
			continue
		}
		for i, line := range strings.Split(text, "\n") {
			for _, m := range citation.FindAllStringSubmatch(line, -1) {
				if m[1] != "" {
					continue
				}
				n++
				if !sections[m[2]] {
					missing[m[2]] = append(missing[m[2]], name+":"+strconv.Itoa(i+1))
				}
			}
		}
	}
	if n == 0 {
		t.Fatal("no § citations found: the file walk is broken")
	}
	for _, num := range sortedKeys(missing) {
		where := missing[num]
		if len(where) > 5 {
			where = append(where[:5], "…")
		}
		t.Errorf("§%s is cited but %s has no §%s heading: %s", num, behaviourDoc, num, strings.Join(where, ", "))
	}
	t.Logf("%d citations checked against %d sections", n, len(sections))
}

// TestNoOutsideReferences fails for every tracked file that mentions the contract files
// outside the repository.
func TestNoOutsideReferences(t *testing.T) {
	root := repoRoot(t)
	for _, name := range trackedFiles(t, root) {
		b, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(name)))
		if errors.Is(err, fs.ErrNotExist) {
			continue // deleted in the work tree
		}
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range outside {
			if i := bytes.Index(b, []byte(s)); i >= 0 {
				t.Errorf("%s:%d mentions %q: the repository must stand on its own (cite %s instead)",
					name, bytes.Count(b[:i], []byte("\n"))+1, s, behaviourDoc)
			}
		}
	}
}

// TestReadmeLinks fails for a link from behaviourDoc to a README heading that does not
// exist (GitHub's anchors: lower case, punctuation dropped, spaces to hyphens).
func TestReadmeLinks(t *testing.T) {
	root := repoRoot(t)
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	anchors := map[string]bool{}
	seen := map[string]int{}
	for _, h := range markdownHeadings(string(readme)) {
		a := slug(h.text)
		if k := seen[a]; k > 0 {
			anchors[a+"-"+strconv.Itoa(k)] = true
		} else {
			anchors[a] = true
		}
		seen[a]++
	}
	doc, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(behaviourDoc)))
	if err != nil {
		t.Fatal(err)
	}
	links := regexp.MustCompile(`\]\(\.\./\.\./README\.md(?:#([^)]*))?\)`).FindAllStringSubmatch(string(doc), -1)
	if len(links) == 0 {
		t.Fatalf("%s links nowhere into the README", behaviourDoc)
	}
	for _, m := range links {
		if m[1] != "" && !anchors[m[1]] {
			t.Errorf("%s links to README.md#%s, which is no README heading", behaviourDoc, m[1])
		}
	}
}

// docSections returns the section numbers behaviourDoc has headings for, and checks its
// shape: whole numbers (§4, §C1) are "##" headings, subsections (§4.5) "###" headings
// under the "##" of their section, each number once.
func docSections(t *testing.T, root string) map[string]bool {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(behaviourDoc)))
	if err != nil {
		t.Fatalf("read %s: %v", behaviourDoc, err)
	}
	sections := map[string]bool{}
	for _, h := range markdownHeadings(string(b)) {
		m := heading.FindStringSubmatch(strings.Repeat("#", h.level) + " " + h.text)
		if m == nil {
			continue
		}
		num := m[2]
		if sections[num] {
			t.Errorf("%s:%d: a second §%s heading", behaviourDoc, h.line, num)
		}
		sections[num] = true
		parent, _, sub := strings.Cut(num, ".")
		switch {
		case !sub && h.level != 2:
			t.Errorf("%s:%d: §%s should be a ## heading", behaviourDoc, h.line, num)
		case sub && h.level != 3:
			t.Errorf("%s:%d: §%s should be a ### heading", behaviourDoc, h.line, num)
		case sub && !sections[parent]:
			t.Errorf("%s:%d: §%s comes before (or without) its ## §%s", behaviourDoc, h.line, num, parent)
		}
	}
	if len(sections) == 0 {
		t.Fatalf("%s has no § headings", behaviourDoc)
	}
	return sections
}

type mdHeading struct {
	level, line int
	text        string
}

// markdownHeadings returns the ATX headings of a Markdown text, outside fenced code.
func markdownHeadings(text string) []mdHeading {
	var out []mdHeading
	fence := ""
	for i, line := range strings.Split(text, "\n") {
		trimmed := strings.TrimSpace(line)
		if fence != "" {
			if strings.HasPrefix(trimmed, fence) {
				fence = ""
			}
			continue
		}
		if strings.HasPrefix(trimmed, "```") || strings.HasPrefix(trimmed, "~~~") {
			fence = trimmed[:3]
			continue
		}
		level := len(line) - len(strings.TrimLeft(line, "#"))
		if level == 0 || level > 6 || len(line) == level || line[level] != ' ' {
			continue
		}
		out = append(out, mdHeading{level, i + 1, strings.TrimSpace(line[level:])})
	}
	return out
}

// slug is GitHub's anchor for a heading: lower case, letters, digits, '-' and '_' kept,
// spaces turned into '-', everything else dropped.
func slug(h string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(h) {
		switch {
		case r == ' ':
			b.WriteByte('-')
		case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		}
	}
	return b.String()
}

// repoRoot is the top of the git work tree holding this package; without git or outside
// a work tree there are no tracked files to check, and the test is skipped.
func repoRoot(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed: no tracked files to check")
	}
	out, err := exec.Command("git", "rev-parse", "--show-toplevel").Output()
	if err != nil {
		t.Skipf("not in a git work tree (%v): no tracked files to check", err)
	}
	return strings.TrimSpace(string(out))
}

// trackedFiles lists the files git tracks, slash-separated and relative to root.
func trackedFiles(t *testing.T, root string) []string {
	t.Helper()
	cmd := exec.Command("git", "-C", root, "ls-files", "-z")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("git ls-files: %v: %s", err, stderr.String())
	}
	var files []string
	for _, f := range strings.Split(string(out), "\x00") {
		if f != "" {
			files = append(files, f)
		}
	}
	if len(files) == 0 {
		t.Fatal("git ls-files lists nothing")
	}
	return files
}

// skipCitations reports whether name is left out of the citation walk: the document
// itself, fuzz corpora and other test data, vendored packages, checksum and lock files.
func skipCitations(name string) bool {
	if name == behaviourDoc {
		return true
	}
	for _, seg := range strings.Split(path.Dir(name), "/") {
		if seg == "testdata" || seg == "node_modules" {
			return true
		}
	}
	base := path.Base(name)
	switch {
	case base == "go.sum", base == "go.work.sum",
		strings.HasSuffix(base, "-lock.json"), strings.HasSuffix(base, ".lock"),
		strings.HasSuffix(base, "-lock.yaml"):
		return true
	}
	return false
}

// readText reads a tracked file; false for one deleted in the work tree or not UTF-8
// text (a NUL byte or invalid UTF-8).
func readText(t *testing.T, root, name string) (string, bool) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(name)))
	if errors.Is(err, fs.ErrNotExist) {
		return "", false
	}
	if err != nil {
		t.Fatal(err)
	}
	if bytes.IndexByte(b, 0) >= 0 || !utf8.Valid(b) {
		return "", false
	}
	return string(b), true
}

func sortedKeys(m map[string][]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
