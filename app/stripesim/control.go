package stripesim

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
)

// serveControl serves the test controls under BasePath/__control:
//
//	GET|POST /faults                          read or replace the faults (JSON)
//	POST     /reset                           clear the faults
//	POST     /payment_intents/:id/dispute     open a dispute on its charge
//	POST     /payment_intents/:id/dispute/close {"status":"won"|"lost"}
func (s *Sim) serveControl(w http.ResponseWriter, r *http.Request, rel string) {
	fail := func(status int, msg string) {
		b, _ := json.Marshal(map[string]any{"error": map[string]string{"type": "invalid_request_error", "message": msg}})
		writeJSON(w, status, b)
	}
	ok := func(v any) {
		b, _ := json.MarshalIndent(v, "", "  ")
		writeJSON(w, http.StatusOK, b)
	}
	segs := strings.Split(strings.Trim(rel, "/"), "/")
	switch {
	case rel == "/faults" && r.Method == http.MethodGet:
		ok(s.currentFaults())
	case rel == "/faults" && r.Method == http.MethodPost:
		var f Faults
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<16))
		if err == nil {
			err = json.Unmarshal(body, &f)
		}
		if err == nil {
			err = f.validate()
		}
		if err != nil {
			fail(http.StatusBadRequest, err.Error())
			return
		}
		s.SetFaults(f)
		ok(s.currentFaults())
	case rel == "/reset" && r.Method == http.MethodPost:
		s.SetFaults(Faults{})
		ok(s.currentFaults())
	case len(segs) >= 3 && segs[0] == "payment_intents" && segs[2] == "dispute" && r.Method == http.MethodPost:
		var err error
		if len(segs) == 4 && segs[3] == "close" {
			var body struct {
				Status string `json:"status"`
			}
			_ = json.NewDecoder(io.LimitReader(r.Body, 1<<16)).Decode(&body)
			err = s.CloseDispute(segs[1], orDefault(body.Status, "lost"))
		} else {
			err = s.TriggerDispute(segs[1])
		}
		if err != nil {
			fail(http.StatusBadRequest, err.Error())
			return
		}
		ok(map[string]bool{"ok": true})
	default:
		fail(http.StatusNotFound, "unknown control endpoint "+r.Method+" "+rel)
	}
}
