package models

import (
	"crypto/rand"
	"time"

	"github.com/oklog/ulid/v2"
)

// NewID returns a new time-ordered, globally unique id (a ULID). The same ids work on SQLite and
// PostgreSQL and on several app instances at once, with no sequence to share.
func NewID() string {
	return ulid.MustNew(ulid.Timestamp(time.Now()), rand.Reader).String()
}

// ValidID reports whether s has the shape of an id made by NewID; forged ids are refused before any query.
func ValidID(s string) bool {
	_, err := ulid.ParseStrict(s)
	return err == nil
}
