package inbox

import (
	"bytes"
	"encoding/json"
	"net/url"
	"strings"

	"github.com/docket-rpa/docket/orchestrator"
)

// taskSummary is the card the task page opens with: why the task exists,
// in words, the key codes, the amount, the deadline, the account and a
// link to its page on the portal.
type taskSummary struct {
	Title string // the reason in words: "Query aging", "Bot run failed: coding-holds"
	Why   string // what the rule saw (the task's detail)
	Kind  string // "Coding hold"
	// Account is the item's account (its account_number) when the kind
	// has one, else its external id; AccountLabel says which.
	AccountLabel, Account string
	PortalURL             string // the item's page on the portal; "" when not known
	Amount                string // "$13,635.13"; "" when the kind has none
	// AmountField names the field Amount shows, so the display fields
	// after it do not repeat it.
	AmountField string
	Codes       []codeChip
	Deadline    When // "overdue 6 business days" (dueWhen)
}

// codeChip is one key code and what it means ("CODINC", "Coding
// incomplete"), after the label of its field where the code alone does not
// say what it is ("Modifiers", "59, XS").
type codeChip struct{ Label, Code, Text string }

// reasonWords names the task's reason for people: Docket's own reasons in
// words, a rule's name with its dashes and underscores as spaces.
func reasonWords(t orchestrator.HumanTask) string {
	switch t.ReasonCode() {
	case orchestrator.ReasonBotFailure:
		return "Bot run failed: " + t.ItemKey
	case orchestrator.ReasonFieldProblems:
		return "The bot could not read some fields"
	case orchestrator.ReasonQASample:
		return "Chosen for the QA audit sample"
	case orchestrator.ReasonActionFailed:
		return "The write-back to the portal failed"
	case orchestrator.ReasonInvalidRecord:
		return "A portal record could not be filed"
	case orchestrator.ReasonRuleFailed:
		_, rule, _ := strings.Cut(t.Reason, ":")
		return "Routing rule " + rule + " failed"
	}
	return words(t.Reason)
}

// words turns a name ("query-aging", "total_charges") into words with a
// capital first letter.
func words(name string) string {
	s := strings.NewReplacer("-", " ", "_", " ").Replace(strings.TrimSpace(name))
	if s == "" {
		return ""
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// summarize builds the card for a task and its item (nil for a task about
// no item), reading the item's data by kind, its record kind's declaration
// (known false when the registry holds none); the kind's display fields
// come from summaryRows.
func summarize(t orchestrator.HumanTask, it *orchestrator.WorkItem, kind orchestrator.RecordKind, known bool, ev []orchestrator.Evidence, dl When) taskSummary {
	s := taskSummary{Title: reasonWords(t), Why: t.Detail, Deadline: dl}
	if it == nil {
		return s
	}
	s.AccountLabel, s.Account = "Item", it.ExternalID
	s.PortalURL = portalURL(it, ev)
	if !known {
		s.Kind = words(string(it.Kind))
		return s
	}
	s.Kind = kind.Label // the registry fills empty labels in
	var data map[string]json.RawMessage
	if json.Unmarshal(it.Data, &data) != nil {
		return s
	}
	// The account when the kind has one, else the item by its key fields
	// ("Claim / Edit").
	var key []string
	for _, k := range kind.Key {
		if f, ok := kind.Field(k); ok {
			key = append(key, f.Label)
		}
	}
	if len(key) > 0 {
		s.AccountLabel = strings.Join(key, " / ")
	}
	if f, ok := kind.Field(accountField); ok && jsonText(data[accountField]) != "" {
		s.AccountLabel, s.Account = f.Label, jsonText(data[accountField])
	}
	for i, f := range kind.Fields {
		raw, ok := data[f.Name]
		if !ok || isEmptyJSON(raw) {
			continue
		}
		switch f.Type {
		case orchestrator.FieldMoneyCents:
			if s.Amount == "" {
				s.Amount, s.AmountField = formatValue(f.Type, raw), f.Name
			}
		case orchestrator.FieldGroup:
			s.Codes = append(s.Codes, groupCodes(f, raw)...)
		case orchestrator.FieldCode:
			// A code field ("edit_code", "code") means what the text field
			// declared after it says (the edit's message), else its label.
			if f.Name != "code" && !strings.HasSuffix(f.Name, "_code") {
				continue
			}
			c := codeChip{Code: jsonText(raw), Text: f.Label}
			if i+1 < len(kind.Fields) && kind.Fields[i+1].Type == orchestrator.FieldText {
				if m := jsonText(data[kind.Fields[i+1].Name]); m != "" {
					c.Text = m
				}
			}
			s.Codes = append(s.Codes, c)
		case orchestrator.FieldCodeList:
			if v := formatValue(f.Type, raw); v != "" {
				s.Codes = append(s.Codes, codeChip{Label: f.Label, Code: v})
			}
		}
	}
	return s
}

// accountField is the field a kind names its account by, when it has one.
const accountField = "account_number"

// groupCodes reads the code of each entry of a group field (its first
// code-typed field) with the entry's first text field as its meaning.
func groupCodes(f orchestrator.KindField, raw json.RawMessage) []codeChip {
	var entries []map[string]json.RawMessage
	single := false
	if json.Unmarshal(raw, &entries) != nil {
		var one map[string]json.RawMessage
		if json.Unmarshal(raw, &one) != nil {
			return nil
		}
		entries, single = []map[string]json.RawMessage{one}, true
	}
	var codeField, textField string
	for _, sub := range f.Fields {
		switch {
		case codeField == "" && sub.Type == orchestrator.FieldCode:
			codeField = sub.Name
		case textField == "" && sub.Type == orchestrator.FieldText:
			textField = sub.Name
		}
	}
	if codeField == "" {
		return nil
	}
	var out []codeChip
	for _, e := range entries {
		code := jsonText(e[codeField])
		if code == "" {
			continue
		}
		// One entry (a query) is named by its field: "Physician query
		// open Q-1182"; each of several by its own text: "CODINC Coding
		// incomplete".
		c := codeChip{Code: code, Text: jsonText(e[textField])}
		if single || c.Text == "" {
			c.Label = f.Label
		}
		out = append(out, c)
	}
	return out
}

// portalURL is the item's page on the portal: the address of the newest
// DOM snapshot of the item, else of the item's own evidence; only http
// and https addresses.
func portalURL(it *orchestrator.WorkItem, ev []orchestrator.Evidence) string {
	var best orchestrator.Evidence
	for _, e := range ev {
		if e.ItemRef == it.ExternalID && e.URL != "" && (best.ID == 0 || e.Kind == orchestrator.EvidenceDOM && e.CapturedAt.After(best.CapturedAt)) {
			best = e
		}
	}
	if best.ID == 0 {
		for _, e := range ev {
			if e.ID == it.EvidenceID {
				best = e
			}
		}
	}
	u, err := url.Parse(best.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	return u.String()
}

func isEmptyJSON(raw json.RawMessage) bool {
	switch strings.TrimSpace(string(raw)) {
	case "", "null", `""`, "[]", "{}":
		return true
	}
	return false
}

// jsonText is a JSON string or number as text; "" for anything else.
func jsonText(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		return n.String()
	}
	return ""
}

// rawJSON is data indented for reading; as it is when it is not JSON.
func rawJSON(data json.RawMessage) string {
	var b bytes.Buffer
	if json.Indent(&b, data, "", "  ") != nil {
		return string(data)
	}
	return b.String()
}
