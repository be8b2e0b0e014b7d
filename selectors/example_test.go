package selectors_test

import (
	"fmt"

	"github.com/docket-rpa/docket/selectors"
)

func ExampleLoadVersion() {
	f, err := selectors.LoadVersion("claim-scrubber", "v1")
	if err != nil {
		fmt.Println(err)
		return
	}
	user, _ := f.Element("login_username")
	fmt.Println(f.Portal, f.Version)
	fmt.Println(user.Tried())
	// Output:
	// claim-scrubber v1
	// [css: #username css: form input[name='username']]
}

func ExampleField_Parse() {
	charges := selectors.Field{Label: "Total Charges", Name: "total_charges_cents", Parser: selectors.ParseAsMoney}
	v, _, err := charges.Parse("$12,345.67")
	fmt.Println(v, err)
	d, _ := selectors.ParseDate("Mar 4, 2026")
	fmt.Println(d)
	// Output:
	// 1234567 <nil>
	// 2026-03-04
}

func ExampleParseNPI() {
	npi, err := selectors.ParseNPI("1234567893")
	fmt.Println(npi, err)
	_, err = selectors.ParseNPI("1234567890")
	fmt.Println(err)
	code, _ := selectors.ParseICD10CM("s72001a")
	fmt.Println(code)
	// Output:
	// 1234567893 <nil>
	// not a valid NPI: check digit does not match
	// S72.001A
}
