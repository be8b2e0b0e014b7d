package orchestrator

import (
	"encoding/json"
	"strings"
)

// ItemPayer is the payer an item's data names: a coding hold's
// primary_payer, else a claim edit's payer; "" when neither is a string.
// The store keeps each task's Payer equal to it, and the inbox shows it.
func ItemPayer(data json.RawMessage) string {
	var fields map[string]json.RawMessage
	if json.Unmarshal(data, &fields) != nil {
		return ""
	}
	for _, name := range []string{"primary_payer", "payer"} {
		var s string
		if json.Unmarshal(fields[name], &s) == nil && s != "" {
			return s
		}
	}
	return ""
}

// PayerMatches reports whether payer contains filter, ignoring case as
// strings.ToLower does; the payer filter of TaskFilter means this.
func PayerMatches(payer, filter string) bool {
	return strings.Contains(strings.ToLower(payer), strings.ToLower(filter))
}
