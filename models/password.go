package models

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// Password limits for shoppers; admins need at least AdminMinPasswordLength.
const (
	MinPasswordLength = 8
	MaxPasswordLength = 128
)

// Argon2id parameters: OWASP's recommended minimum (19 MiB, 2 passes, 1 lane). They are stored in every
// hash, so raising them later keeps old hashes verifiable. bcrypt is not used because it ignores
// everything after 72 bytes, and passwords may be up to 128 characters.
const (
	argonMemory  = 19 * 1024
	argonTime    = 2
	argonThreads = 1
	argonKeyLen  = 32
	argonSaltLen = 16
)

var errMalformedHash = errors.New("malformed password hash")

// hashSlots bounds how many argon2 computations run at once in this process: each takes argonMemory,
// and a burst of sign-ins from many addresses (which per-IP limits do not stop) must not exhaust memory.
var hashSlots = make(chan struct{}, max(4, runtime.NumCPU()))

func argonKey(password string, salt []byte, time, memory uint32, threads uint8, keyLen uint32) []byte {
	hashSlots <- struct{}{}
	defer func() { <-hashSlots }()
	return argon2.IDKey([]byte(password), salt, time, memory, threads, keyLen)
}

// HashPassword returns an argon2id hash in the PHC string format ($argon2id$v=19$m=…,t=…,p=…$salt$key).
func HashPassword(password string) (string, error) {
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	key := argonKey(password, salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, argonMemory, argonTime, argonThreads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// CheckPassword reports whether password matches hash, comparing in constant time.
func CheckPassword(hash, password string) (bool, error) {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, errMalformedHash
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, errMalformedHash
	}
	var memory, time uint32
	var threads uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &memory, &time, &threads); err != nil || time == 0 || threads == 0 {
		return false, errMalformedHash
	}
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return false, errMalformedHash
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil || len(want) == 0 {
		return false, errMalformedHash
	}
	if memory > 1<<20 || time > 10 || threads > 16 || len(want) > 64 {
		return false, errMalformedHash // parameters no hash of ours has; refuse rather than spend them
	}
	got := argonKey(password, salt, time, memory, threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

var (
	dummyHashOnce sync.Once
	dummyHash     string
)

// spendPasswordCheck does the work of one password check against nothing, so that an unknown email
// takes as long to refuse as a wrong password and response times do not reveal which emails have accounts.
func spendPasswordCheck(password string) {
	dummyHashOnce.Do(func() { dummyHash, _ = HashPassword("storefront-dummy-password") })
	_, _ = CheckPassword(dummyHash, password)
}

// passwordLength counts characters (not bytes), as people do.
func passwordLength(p string) int { return utf8.RuneCountInString(p) }
