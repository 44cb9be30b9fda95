package relay

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"

	"github.com/wxsim/wxsim/sim"
	"github.com/wxsim/wxsim/sim/urlx"
)

// maxSessions bounds the sessions kept; the oldest is forgotten first (a page whose
// session was evicted gets a clear errMsg and reopens one on reload).
const maxSessions = 256

// maxConfig bounds the session request body (a config with 4 × 20 domain entries is a
// few KiB).
const maxConfig = 64 << 10

// session is one app's view of the relay: its configuration (the same sim.Config the
// page runs with, parsed by the same code), its cookie jar and its budgets, WeChat's:
// sim.MaxConcurrent transfers per api and sim.MaxSockets sockets.
type session struct {
	cfg       sim.Config
	jar       http.CookieJar
	referer   string
	progress  *progress         // its uploads that the page follows (progress.go)
	done      chan struct{}     // closed when the session is forgotten
	transfers map[string]*limit // by api: request, uploadFile, downloadFile
	sockets   *limit
}

// serveSession opens a session for the app configuration in the body (the fields of
// wxsim.start that the relay needs: appId, appVersion, sdkVersion, domains, urlCheck).
func (rl *Relay) serveSession(w http.ResponseWriter, r *http.Request) {
	var raw map[string]any
	if err := json.NewDecoder(io.LimitReader(r.Body, maxConfig)).Decode(&raw); err != nil {
		rl.refuse(w, r, http.StatusBadRequest, "session config is not a JSON object: "+err.Error())
		return
	}
	cfg, err := sim.ParseConfig(raw, urlx.Parse)
	if err != nil {
		rl.refuse(w, r, http.StatusBadRequest, err.Error())
		return
	}
	id := rl.sessions.open(cfg)
	rl.logCall("relay: session %s for app %s (urlCheck %v)", id[:8], cfg.AppID, cfg.Policy.URLCheck)
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]string{"session": id})
}

// Referer is the fixed Referer WeChat sends for an app (spec §4.3): sim.Referer.
func Referer(appID, appVersion string) string { return sim.Referer(appID, appVersion) }

// UserAgent is the WeChat-like User-Agent the relay sends (spec §9): sim.UserAgent.
const UserAgent = sim.UserAgent

func (s *sessions) open(cfg sim.Config) string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	id := hex.EncodeToString(b)
	s.mu.Lock()
	defer s.mu.Unlock()
	jar := s.jars[cfg.AppID]
	if jar == nil {
		jar, _ = cookiejar.New(nil) // no error without options
		s.jars[cfg.AppID] = jar
	}
	s.byID[id] = &session{cfg: cfg, jar: jar, referer: Referer(cfg.AppID, cfg.AppVersion),
		progress: newProgress(), done: make(chan struct{}),
		transfers: map[string]*limit{sim.APIRequest: newLimit(sim.MaxConcurrent),
			sim.APIUploadFile: newLimit(sim.MaxConcurrent), sim.APIDownloadFile: newLimit(sim.MaxConcurrent)},
		sockets: newLimit(sim.MaxSockets)}
	s.order = append(s.order, id)
	if len(s.order) > maxSessions {
		close(s.byID[s.order[0]].done)
		delete(s.byID, s.order[0])
		s.order = s.order[1:]
	}
	return id
}

func (s *sessions) get(id string) *session {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.byID[id]
}
