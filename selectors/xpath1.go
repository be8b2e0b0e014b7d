package selectors

import (
	"fmt"
	"strings"
)

// xpath1Names are the names XPath 1.0 lets stand before "(": its core
// function library, the node type tests, and the operator names, which may
// precede a parenthesised operand ("a and (b or c)").
var xpath1Names = map[string]bool{
	"last": true, "position": true, "count": true, "id": true, "local-name": true, "namespace-uri": true,
	"name": true, "string": true, "concat": true, "starts-with": true, "contains": true,
	"substring-before": true, "substring-after": true, "substring": true, "string-length": true,
	"normalize-space": true, "translate": true, "boolean": true, "not": true, "true": true, "false": true,
	"lang": true, "number": true, "sum": true, "floor": true, "ceiling": true, "round": true,
	"comment": true, "text": true, "processing-instruction": true, "node": true,
	"and": true, "or": true, "div": true, "mod": true,
}

// checkXPath1 refuses an expression that calls a function XPath 1.0 lacks
// (ends-with, matches, lower-case, ...). Browsers evaluate XPath 1.0 only,
// so such a candidate would fail on every page the browser reads, while
// readers with XPath 2.0 functions would accept it. It is not a parser:
// syntax errors are left to the evaluator.
func checkXPath1(expr string) error {
	for i := 0; i < len(expr); {
		c := expr[i]
		switch {
		case c == '"' || c == '\'':
			end := strings.IndexByte(expr[i+1:], c)
			if end < 0 {
				return nil // unterminated literal: the evaluator says so
			}
			i += end + 2
		case c == '$': // a variable reference is never a call
			i++
			for i < len(expr) && isNameChar(expr[i]) {
				i++
			}
		case isNameStart(c):
			start := i
			for i < len(expr) && (isNameChar(expr[i]) || expr[i] == ':' && i+1 < len(expr) && isNameStart(expr[i+1])) {
				i++
			}
			name := expr[start:i]
			if rest := strings.TrimLeft(expr[i:], " \t\r\n"); strings.HasPrefix(rest, "(") && !xpath1Names[name] {
				return fmt.Errorf("function %s() is not XPath 1.0, the XPath browsers evaluate", name)
			}
		default:
			i++
		}
	}
	return nil
}

func isNameStart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c >= 0x80
}

func isNameChar(c byte) bool {
	return isNameStart(c) || c >= '0' && c <= '9' || c == '-' || c == '.'
}
