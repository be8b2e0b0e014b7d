package bots_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/go-rod/rod"

	"github.com/docket-rpa/docket/bots"
)

// A worker starts one pool, borrows a session per run and closes it.
func ExamplePool() {
	portal := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprint(w, "<title>Coding worklist</title>")
	}))
	defer portal.Close()

	pool, err := bots.NewPool(bots.PoolConfig{Contexts: 2, Subreaper: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()
	if err := pool.Start(ctx); err != nil {
		fmt.Println(err)
		return
	}
	defer pool.Stop()

	s, err := pool.Session(ctx, bots.Target{Portal: "coding-worklist", BaseURL: portal.URL})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer s.Close()
	var title string
	err = s.Step(ctx, "open worklist", func(p *rod.Page) error {
		if err := p.Navigate(s.Target.BaseURL); err != nil {
			return err
		}
		if err := p.WaitLoad(); err != nil {
			return err
		}
		info, err := p.Info()
		if err != nil {
			return err
		}
		title = info.Title
		return nil
	})
	fmt.Println(title, err)
	// Output: Coding worklist <nil>
}
