package flow

import (
	"os"
	"testing"

	"github.com/docket-rpa/docket/bots"
	"github.com/docket-rpa/docket/bots/bottest"
)

// testPool is shared by the package's tests; each test takes its own
// incognito session.
var testPool *bots.Pool

func TestMain(m *testing.M) { os.Exit(bottest.Main(m, "flow", &testPool)) }
