package bots

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/go-rod/rod"

	"github.com/docket-rpa/docket/selectors"
)

const locatePage = `<!DOCTYPE html><html><body>
<form><input name="user"><button class="go" type="submit">Go</button></form>
<div id="later"></div>
<script>setTimeout(() => { document.getElementById('later').innerHTML = '<span class="late">here</span>' }, 300)</script>
</body></html>`

func locateFile() *selectors.File {
	css := func(vs ...string) []selectors.Candidate {
		var out []selectors.Candidate
		for _, v := range vs {
			out = append(out, selectors.Candidate{Strategy: selectors.CSS, Value: v})
		}
		return out
	}
	return &selectors.File{Portal: "test-portal", Version: "v1", Start: "/", Source: "test", Elements: map[string]selectors.Element{
		"user":    {Name: "user", Candidates: css("#user", "input[name='user']")},
		"submit":  {Name: "submit", Candidates: css("button.go", "#submit")},
		"late":    {Name: "late", Candidates: css("#nope", "span.late")},
		"missing": {Name: "missing", Candidates: css("#gone", ".vanished")},
		"xpath": {Name: "xpath", Candidates: []selectors.Candidate{
			{Strategy: selectors.XPath, Value: "//nav[@id='none']"}, {Strategy: selectors.XPath, Value: "//form/button[@type='submit']"}}},
		"text": {Name: "text", Candidates: []selectors.Candidate{
			{Strategy: selectors.Text, Value: "not on the page"}, {Strategy: selectors.Text, Value: "here"}}},
	}}
}

// locateSession opens a session on a page served for the test. The pool
// is stopped at cleanup.
func locateSession(t *testing.T, stepTimeout time.Duration) *Session {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, locatePage)
	}))
	t.Cleanup(srv.Close)
	pool, err := NewPool(PoolConfig{StepTimeout: stepTimeout, Subreaper: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := pool.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Stop)
	s := openSession(t, pool, Target{Portal: "test-portal", BaseURL: srv.URL})
	err = s.Step(context.Background(), "open", func(p *rod.Page) error {
		if err := p.Navigate(srv.URL); err != nil {
			return err
		}
		return p.WaitLoad()
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestLocate(t *testing.T) {
	s := locateSession(t, 2*time.Second) // misses take the whole step timeout
	ctx := context.Background()
	f := locateFile()

	t.Run("preferred candidate", func(t *testing.T) {
		var tag string
		m, err := Locate(ctx, s, f, "submit", func(m Match) error {
			var err error
			tag, err = m.Element.Text()
			return err
		})
		if err != nil || m.Index != 0 || m.Name != "submit" || tag != "Go" {
			t.Fatalf("Locate(submit) = %+v, %q, %v; want candidate 0 with text Go", m, tag, err)
		}
	})

	t.Run("fallback candidate", func(t *testing.T) {
		m, err := Locate(ctx, s, f, "user", nil)
		if err != nil || m.Index != 1 || m.Candidate.Value != "input[name='user']" {
			t.Fatalf("Locate(user) = %+v, %v; want the fallback, index 1", m, err)
		}
	})

	t.Run("waits for an element that appears", func(t *testing.T) {
		m, err := Locate(ctx, s, f, "late", nil)
		if err != nil || m.Index != 1 {
			t.Fatalf("Locate(late) = %+v, %v", m, err)
		}
	})

	t.Run("xpath and text candidates", func(t *testing.T) {
		var got string
		m, err := Locate(ctx, s, f, "xpath", func(m Match) error {
			var err error
			got, err = m.Element.Text()
			return err
		})
		if err != nil || m.Index != 1 || got != "Go" {
			t.Fatalf("Locate(xpath) = %+v, %q, %v", m, got, err)
		}
		m, err = Locate(ctx, s, f, "text", func(m Match) error {
			var err error
			got, err = m.Element.Text()
			return err
		})
		if err != nil || m.Index != 1 || got != "here" {
			t.Fatalf("Locate(text) = %+v, %q, %v; want the span that appears", m, got, err)
		}
	})

	t.Run("miss within the step deadline", func(t *testing.T) {
		start := time.Now()
		_, err := Locate(ctx, s, f, "missing", nil)
		took := time.Since(start)
		var miss *SelectorMissError
		if !errors.As(err, &miss) {
			t.Fatalf("Locate(missing) = %v, want *SelectorMissError", err)
		}
		want := &SelectorMissError{Portal: "test-portal", Version: "v1", Element: "missing", Tried: []string{"css: #gone", "css: .vanished"}}
		if !reflect.DeepEqual(miss, want) {
			t.Errorf("miss = %+v, want %+v", miss, want)
		}
		if !errors.Is(err, &SelectorMissError{}) || !errors.Is(err, &SelectorMissError{Element: "missing"}) || errors.Is(err, &SelectorMissError{Element: "user"}) {
			t.Error("errors.Is does not match misses by portal and element")
		}
		if took < 2*time.Second || took > 5*time.Second {
			t.Errorf("miss took %s with a 2s step timeout", took)
		}
		if !strings.Contains(err.Error(), "selector broken: element missing not found (tried css: #gone | css: .vanished)") {
			t.Errorf("message %q", err)
		}
	})

	t.Run("first of several elements", func(t *testing.T) {
		err := s.Step(ctx, "find", func(p *rod.Page) error {
			m, err := FindElement(p, f, "missing", "submit")
			if err != nil {
				return err
			}
			if m.Name != "submit" {
				return fmt.Errorf("found %s", m.Name)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})

	t.Run("now does not wait", func(t *testing.T) {
		start := time.Now()
		err := s.Step(ctx, "find now", func(p *rod.Page) error {
			_, err := FindElementNow(p, f, "missing")
			return err
		})
		if !errors.Is(err, &SelectorMissError{Element: "missing"}) || time.Since(start) > time.Second {
			t.Fatalf("FindElementNow = %v after %s, want an immediate miss", err, time.Since(start))
		}
		err = s.Step(ctx, "find now", func(p *rod.Page) error {
			_, err := FindElementNow(p, f, "user")
			return err
		})
		if err != nil {
			t.Fatalf("FindElementNow(user) = %v", err)
		}
	})

	t.Run("cancelled run is not a miss", func(t *testing.T) {
		cctx, cancel := context.WithCancel(ctx)
		time.AfterFunc(200*time.Millisecond, cancel)
		start := time.Now()
		_, err := Locate(cctx, s, f, "missing", nil)
		if !errors.Is(err, context.Canceled) || errors.Is(err, &SelectorMissError{}) {
			t.Fatalf("cancelled Locate = %v, want context.Canceled", err)
		}
		if took := time.Since(start); took > 2*time.Second {
			t.Errorf("cancel took %s to stop Locate", took)
		}
	})

	t.Run("unknown element", func(t *testing.T) {
		if _, err := Locate(ctx, s, f, "nope", nil); err == nil || errors.Is(err, &SelectorMissError{}) {
			t.Fatalf("unknown element = %v, want a configuration error", err)
		}
	})
}
