package flow

import (
	"errors"
	"fmt"
	"strings"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/vm"
)

// exprEnv is the shape of the variables exprs and templates see: config
// (the bot's settings), layout (the detected layout's version and
// settings), row (the list row being read: key, href, and its columns by
// header), vars (values earlier steps stored) and page (the current page:
// url, title).
func exprEnv() map[string]any {
	return map[string]any{
		"config": map[string]any{}, "layout": map[string]any{}, "row": map[string]any{},
		"vars": map[string]any{}, "page": map[string]any{},
	}
}

func compileExpr(src string) (*vm.Program, error) {
	p, err := expr.Compile(src, expr.Env(exprEnv()))
	if err != nil {
		return nil, errors.New(oneLine(err.Error()))
	}
	return p, nil
}

// template is a value with ${expr} parts.
type template struct {
	lits  []string // len(exprs)+1 literal parts
	exprs []*vm.Program
}

func parseTemplate(src string) (*template, error) {
	t := &template{}
	for {
		i := strings.Index(src, "${")
		if i < 0 {
			t.lits = append(t.lits, src)
			return t, nil
		}
		end := strings.IndexByte(src[i:], '}')
		if end < 0 {
			return nil, errors.New("unclosed ${")
		}
		p, err := compileExpr(src[i+2 : i+end])
		if err != nil {
			return nil, err
		}
		t.lits = append(t.lits, src[:i])
		t.exprs = append(t.exprs, p)
		src = src[i+end+1:]
	}
}

// render fills the template from env.
func (t *template) render(env map[string]any) (string, error) {
	var b strings.Builder
	for i, p := range t.exprs {
		b.WriteString(t.lits[i])
		v, err := expr.Run(p, env)
		if err != nil {
			return "", err
		}
		fmt.Fprint(&b, v)
	}
	b.WriteString(t.lits[len(t.lits)-1])
	return b.String(), nil
}

// truthy runs a condition.
func truthy(p *vm.Program, env map[string]any) (bool, error) {
	v, err := expr.Run(p, env)
	if err != nil {
		return false, err
	}
	b, ok := v.(bool)
	if !ok {
		return false, fmt.Errorf("condition is %T, not a bool", v)
	}
	return b, nil
}
