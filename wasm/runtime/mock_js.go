//go:build js && wasm

package runtime

import "syscall/js"

// §C4 mocks and faults. The rules live in the glue (they hold functions and RegExps);
// the plan asks it, after every check of §1.5 and §3, whether a rule answers the call as
// it will be sent, and plans a matched task for sim.TransportMock. Nothing is asked while
// no rule is in force.

// Mock adds rule r (a JS object, §C4) and returns its id; a bad rule is an *ArgError
// naming the field, and changes nothing.
func (r *Runtime) Mock(rule js.Value) (string, error) {
	id, bad := r.g.MockAdd(rule)
	if bad != "" {
		return "", &ArgError{bad}
	}
	r.mocks = r.g.MockCount()
	return id, nil
}

// Unmock removes rule id; it reports whether there was one.
func (r *Runtime) Unmock(id string) bool {
	ok := r.g.MockRemove(id)
	r.mocks = r.g.MockCount()
	return ok
}

// ClearMocks removes every rule.
func (r *Runtime) ClearMocks() {
	r.g.MockClear()
	r.mocks = 0
}

// Mocks is the rules in force, in match order (newest first), as JS objects.
func (r *Runtime) Mocks() js.Value { return r.g.MockList() }

// mocked reports whether a rule answers task id's call; a task the plan sends anywhere
// is then planned for the mock transport.
func (r *Runtime) mocked(id int, api, url, method string) bool {
	if r.mocks == 0 {
		return false
	}
	ok := r.g.MockMatch(id, api, url, method)
	r.mocks = r.g.MockCount() // a rule with times may be gone
	return ok
}
