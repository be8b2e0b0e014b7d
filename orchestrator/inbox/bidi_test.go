package inbox

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/docket-rpa/docket/orchestrator"
	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/proto"
)

// layoutJS measures the page: how far it scrolls sideways, how wide its
// widest piece of portal data (a bdi) is, and for the
// item heading whether "new" (the status after the account number) is
// laid out left to right: its "n" left of its "w".
const layoutJS = `() => {
  const out = {scroll: document.documentElement.scrollWidth, inner: window.innerWidth, status: null, widest: 0};
  for (const b of document.querySelectorAll("bdi")) out.widest = Math.max(out.widest, b.getBoundingClientRect().width);
  const h2 = document.querySelector("#item h2");
  if (!h2) return out;
  const walk = document.createTreeWalker(h2, NodeFilter.SHOW_TEXT);
  for (let n = walk.nextNode(); n; n = walk.nextNode()) {
    const i = n.data.lastIndexOf("· new");
    if (i < 0) continue;
    const at = (k) => { const r = document.createRange(); r.setStart(n, k); r.setEnd(n, k + 1); return r.getBoundingClientRect().left; };
    out.status = {n: at(i + 2), w: at(i + 4)};
  }
  return out;
}`

type pageLayout struct {
	Scroll int     `json:"scroll"`
	Inner  int     `json:"inner"`
	Widest float64 `json:"widest"` // the widest piece of portal data
	Status *struct {
		N float64 `json:"n"`
		W float64 `json:"w"`
	} `json:"status"`
}

// TestPortalTextCannotBendThePage, in real Chromium at a desktop (1440 px)
// and a phone (390 px) width: a task whose account number is a 5,000-digit
// token lays out without sideways scrolling, in the inbox list and on the
// task page; and an account number holding U+202E (RIGHT-TO-LEFT
// OVERRIDE) does not reverse the text after it.
func TestPortalTextCannotBendThePage(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	pool := startPool(t, ctx, 1)
	long := "ACC-" + strings.Repeat("1234567890", 500)
	e := newEnvFrom(t, envSetup{account: long})
	u, err := orchestrator.NewItemUpsert("coding-holds@seed", time.Now(), orchestrator.Observation{Portal: "coding-worklist",
		ExternalID: "ACC-\u202e42", Kind: orchestrator.KindCodingHold, Queue: orchestrator.QueueCoding, Data: map[string]string{"note": "\u202eabc"}})
	if err != nil {
		t.Fatal(err)
	}
	res, err := e.store.UpsertItem(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	rlo, _, err := e.svc.Open(ctx, res.Item, orchestrator.RouteDecision{Rule: "r", Queue: orchestrator.QueueCoding, Detail: "saw \u202eXYZ"}, "run:x")
	if err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, ctx, pool, e.http.URL)
	b.login("staff")
	shots := os.Getenv("DOCKET_TEST_SHOTS") // a directory to keep the screenshots in, for a person to look at
	for _, width := range []int{1440, 390} {
		for _, path := range []string{"/inbox?sort=oldest", "/tasks/" + strconv.FormatInt(e.tasks[0].ID, 10), "/tasks/" + strconv.FormatInt(rlo.ID, 10)} {
			var got pageLayout
			b.step(fmt.Sprintf("%s at %d px", path, width), func(p *rod.Page) {
				if err := (proto.EmulationSetDeviceMetricsOverride{Width: width, Height: 900, DeviceScaleFactor: 1}).Call(p); err != nil {
					panic(err)
				}
				b.open(p, path)
				if strings.HasPrefix(path, "/inbox") && !strings.Contains(p.MustElement("#tasks").MustText(), long[:200]) {
					panic("the inbox does not list the task with the long account number")
				}
				if err := p.MustEval(layoutJS).Unmarshal(&got); err != nil {
					panic(err)
				}
				if shots != "" {
					png, err := p.Screenshot(true, nil)
					if err != nil {
						panic(err)
					}
					name := fmt.Sprintf("%d%s.png", width, strings.NewReplacer("/", "_", "?", "_", "=", "_").Replace(path))
					if err := os.WriteFile(filepath.Join(shots, name), png, 0o600); err != nil {
						panic(err)
					}
				}
			})
			if got.Scroll > got.Inner || got.Widest > float64(got.Inner) {
				t.Errorf("%s at %d px is %d px wide, its widest portal text %.0f px", path, width, got.Scroll, got.Widest)
			}
			if strings.HasSuffix(path, strconv.FormatInt(rlo.ID, 10)) {
				if got.Status == nil || got.Status.N >= got.Status.W {
					t.Errorf("%s at %d px: the status after the account number is reversed: %+v", path, width, got.Status)
				}
			}
		}
	}
}
