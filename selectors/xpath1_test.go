package selectors

import (
	"strings"
	"testing"
)

func TestCheckXPath1(t *testing.T) {
	for _, expr := range []string{
		"//form//input[@name='username']",
		"//a[text()='ends-with(x)']",
		`//a[contains(@class, "matches(")]`,
		"//div[@a and (b or c)]",
		"//tr[position() mod (2) = 0]",
		"//*[local-name()='svg']/following-sibling::td[1]",
		"//processing-instruction('x') | //comment()",
		"//td[count(preceding-sibling::td) = $n]",
		"//div[@id='gridPaging']/a[starts-with(normalize-space(), 'Next')]",
		"//x:item[string-length(substring-after(., ':')) > 0]",
		"//a[@title='unterminated",
	} {
		if err := checkXPath1(expr); err != nil {
			t.Errorf("%s: %v", expr, err)
		}
	}
	for expr, fn := range map[string]string{
		"//a[ends-with(@href, '.pdf')]":     "ends-with",
		"//a[matches(., '^A')]":             "matches",
		"//a[lower-case (text()) = 'x']":    "lower-case",
		"//a[fn:string-join(x, '')]":        "fn:string-join",
		"//a[contains(., 'x')][reverse(.)]": "reverse",
	} {
		err := checkXPath1(expr)
		if err == nil || !strings.Contains(err.Error(), "function "+fn+"() is not XPath 1.0") {
			t.Errorf("%s: %v, want function %s() refused", expr, err, fn)
		}
	}
}
