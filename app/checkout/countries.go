package checkout

// Country is an ISO 3166-1 alpha-2 code with its English name.
type Country struct{ Code, Name string }

// CountryList is the set of countries the shop ships to, in display order.
type CountryList []Country

// Has reports whether the code is in the list.
func (l CountryList) Has(code string) bool {
	for _, c := range l {
		if c.Code == code {
			return true
		}
	}
	return false
}

// Countries the shop ships to.
var Countries = CountryList{
	{"US", "United States"}, {"CA", "Canada"}, {"GB", "United Kingdom"}, {"IE", "Ireland"}, {"AU", "Australia"},
	{"NZ", "New Zealand"}, {"AT", "Austria"}, {"BE", "Belgium"}, {"BG", "Bulgaria"}, {"HR", "Croatia"},
	{"CY", "Cyprus"}, {"CZ", "Czechia"}, {"DK", "Denmark"}, {"EE", "Estonia"}, {"FI", "Finland"},
	{"FR", "France"}, {"DE", "Germany"}, {"GR", "Greece"}, {"HU", "Hungary"}, {"IS", "Iceland"},
	{"IT", "Italy"}, {"LV", "Latvia"}, {"LT", "Lithuania"}, {"LU", "Luxembourg"}, {"MT", "Malta"},
	{"NL", "Netherlands"}, {"NO", "Norway"}, {"PL", "Poland"}, {"PT", "Portugal"}, {"RO", "Romania"},
	{"SK", "Slovakia"}, {"SI", "Slovenia"}, {"ES", "Spain"}, {"SE", "Sweden"}, {"CH", "Switzerland"},
	{"JP", "Japan"}, {"SG", "Singapore"}, {"HK", "Hong Kong"}, {"MX", "Mexico"}, {"BR", "Brazil"},
	{"IN", "India"}, {"ID", "Indonesia"}, {"MY", "Malaysia"}, {"TH", "Thailand"}, {"AE", "United Arab Emirates"},
}
