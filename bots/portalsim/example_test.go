package portalsim_test

import (
	"fmt"
	"net/http/httptest"
	"time"

	"github.com/docket-rpa/docket/bots/portalsim"
)

func ExampleNewCodingWorklist() {
	portal, err := portalsim.NewCodingWorklist(portalsim.Config{
		Seed:     3,
		Accounts: 40,
		Now:      func() time.Time { return time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC) },
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	srv := httptest.NewServer(portal) // a loopback server, no network
	defer srv.Close()

	accts := portal.Accounts()
	fmt.Println(len(accts), "accounts,", portal.PageSize(), "per page")
	fmt.Println("every account has a hold reason:", len(accts[0].HoldReasons) > 0)
	// Output:
	// 40 accounts, 25 per page
	// every account has a hold reason: true
}
