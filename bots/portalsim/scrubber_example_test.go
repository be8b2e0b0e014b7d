package portalsim_test

import (
	"fmt"
	"net/http/httptest"
	"time"

	"github.com/docket-rpa/docket/bots/portalsim"
)

func ExampleNewClaimScrubber() {
	scrubber, err := portalsim.NewClaimScrubber(portalsim.ScrubberConfig{
		Seed:   3,
		Claims: 40,
		Layout: portalsim.LayoutV2,
		Now:    func() time.Time { return time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC) },
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	srv := httptest.NewServer(scrubber) // a loopback server, no network
	defer srv.Close()

	claims := scrubber.Claims()
	fmt.Println(len(claims), "claims with edits")
	fmt.Println("every claim has an edit:", len(claims[0].Edits) > 0)
	fmt.Println("the export starts with", portalsim.ScrubberExportColumns()[0])
	// Output:
	// 40 claims with edits
	// every claim has an edit: true
	// the export starts with Claim ID
}
