package flow

import (
	"context"
	"fmt"
)

func init() { RegisterStep("open", func() Step { return &openStep{} }) }

// openStep opens a page: the layout's start page (page: start), a page of
// the selector file's pages (page: account, with vars from templates), or
// a path template (path: "/claims?batch=${vars.batch}"). Server errors
// are retried with backoff; a maintenance page ends the run.
type openStep struct {
	Page string            `yaml:"page"`
	Path string            `yaml:"path"`
	Vars map[string]string `yaml:"vars"`
}

func (s *openStep) Check(c *Check) {
	if (s.Page == "") == (s.Path == "") {
		c.Errorf("open needs page or path, not both")
	}
	if s.Page != "" && s.Page != "start" {
		for _, l := range c.Layouts() {
			if _, ok := l.Pages[s.Page]; !ok {
				c.Errorf("page %q is not in layout %s", s.Page, l.Version)
			}
		}
	}
	c.Template(s.Path)
	for _, v := range s.Vars {
		c.Template(v)
	}
}

func (s *openStep) Run(ctx context.Context, r *Run) error {
	p, what, err := s.path(r)
	if err != nil {
		return err
	}
	u, err := r.Abs(p)
	if err != nil {
		return err
	}
	if err := r.Open(ctx, what, u); err != nil {
		return r.Fail(ctx, "", err)
	}
	return nil
}

func (s *openStep) path(r *Run) (p, what string, err error) {
	env := r.Env()
	switch {
	case s.Page == "start":
		return r.File.Start, "start page", nil
	case s.Page != "":
		vars := map[string]string{}
		for k, v := range s.Vars {
			t, err := parseTemplate(v)
			if err == nil {
				vars[k], err = t.render(env)
			}
			if err != nil {
				return "", "", fmt.Errorf("flow: open %s: %s: %w", s.Page, k, err)
			}
		}
		p, err := r.File.PagePath(s.Page, vars)
		return p, s.Page + " page", err
	}
	t, err := parseTemplate(s.Path)
	if err == nil {
		p, err = t.render(env)
	}
	if err != nil {
		return "", "", fmt.Errorf("flow: open: %w", err)
	}
	return p, "page", nil
}
