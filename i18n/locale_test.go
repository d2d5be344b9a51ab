package i18n

import (
	"net/http/httptest"
	"strings"
	"testing"
)

func TestNegotiate(t *testing.T) {
	tests := []struct {
		name, cookie, header string
		want                 Locale
	}{
		{"no cookie and no header is English", "", "", English},
		{"a regional variant gets its language", "", "de-AT", German},
		{"Swiss French is French", "", "fr-CH,fr;q=0.9", French},
		{"Indonesian with its region", "", "id-ID,id;q=0.9,en;q=0.5", Indonesian},
		{"the legacy code for Indonesian", "", "in", Indonesian},
		{"an unknown language is English", "", "ja", English},
		{"a wildcard alone is English", "", "*", English},
		{"the first language we speak wins over earlier unknown ones", "", "ja, nl;q=0.9, fr;q=0.4", French},
		{"q-values order the header, not its order", "", "en;q=0.2, de;q=0.8", German},
		{"q=0 means not this language", "", "fr;q=0, de;q=0.5", German},
		{"English first stays English", "", "en-US,de;q=0.9", English},
		{"a malformed header is English", "", "de;q=abc", English},
		{"garbage is English", "", "x;;q=\x00", English},
		{"an absurdly long header is English", "", "de," + strings.Repeat("x-", 1000), English},
		{"the cookie beats the header", "fr", "de-DE,de", French},
		{"the cookie is case-insensitive", "ID", "de", Indonesian},
		{"an unknown cookie falls back to the header", "es", "de", German},
		{"a region in the cookie is refused", "de-DE", "fr", French},
		{"a bad cookie and no header is English", "<script>", "", English},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Negotiate(tt.cookie, tt.header); got != tt.want {
				t.Errorf("Negotiate(%q, %q) = %q, want %q", tt.cookie, tt.header, got, tt.want)
			}
		})
	}
}

func TestFromRequest(t *testing.T) {
	t.Run("reads the locale cookie", func(t *testing.T) {
		r := httptest.NewRequest("GET", "/", nil)
		r.Header.Set("Accept-Language", "de")
		r.Header.Set("Cookie", "sf_session=x; locale=id")
		if got := FromRequest(r); got != Indonesian {
			t.Errorf("got %q, want id", got)
		}
	})
	t.Run("reads Accept-Language without a cookie", func(t *testing.T) {
		r := httptest.NewRequest("GET", "/", nil)
		r.Header.Set("Accept-Language", "fr-FR,fr;q=0.9,en-US;q=0.8")
		if got := FromRequest(r); got != French {
			t.Errorf("got %q, want fr", got)
		}
	})
	t.Run("is English for a bare request", func(t *testing.T) {
		if got := FromRequest(httptest.NewRequest("GET", "/", nil)); got != English {
			t.Errorf("got %q, want en", got)
		}
	})
}

func TestParse(t *testing.T) {
	for _, s := range []string{"en", "de", "fr", "id", " DE ", "Fr"} {
		if _, ok := Parse(s); !ok {
			t.Errorf("Parse(%q) refused a supported locale", s)
		}
	}
	for _, s := range []string{"", "es", "de-DE", "de_DE", "english", "*", "id\x00", "../en"} {
		if l, ok := Parse(s); ok {
			t.Errorf("Parse(%q) = %q, want refused", s, l)
		}
	}
}

func TestLocaleNamesAndTags(t *testing.T) {
	want := map[Locale]string{English: "English", German: "Deutsch", French: "Français", Indonesian: "Bahasa Indonesia"}
	for _, l := range Supported {
		if l.Name() != want[l] {
			t.Errorf("%s.Name() = %q, want %q", l, l.Name(), want[l])
		}
		if l.Tag().String() != string(l) {
			t.Errorf("%s.Tag() = %s", l, l.Tag())
		}
	}
	if Locale("xx").String() != "en" || Locale("").String() != "en" {
		t.Errorf("an unsupported locale must print as en, for <html lang>")
	}
}
