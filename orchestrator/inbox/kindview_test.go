package inbox

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/docket-rpa/docket/orchestrator"
	"golang.org/x/net/html"
)

// payerDenial is a record kind a portal pack declares at run time.
func payerDenial() orchestrator.RecordKind {
	return orchestrator.RecordKind{
		Kind: "payer_denial", Label: "Payer denial", Queue: orchestrator.QueueBilling,
		Key: []string{"claim_number", "line"}, PHI: []string{"claim_number"},
		Display: []string{"claim_number", "denied_cents", "carc"},
		Fields: []orchestrator.KindField{
			{Name: "claim_number", Label: "Claim", Type: orchestrator.FieldText, Required: true},
			{Name: "line", Type: orchestrator.FieldInt, Required: true},
			{Name: "member_name", Label: "Member", Type: orchestrator.FieldText, PHI: true},
			{Name: "denied_cents", Label: "Denied", Type: orchestrator.FieldMoneyCents},
			{Name: "denied_on", Label: "Denied on", Type: orchestrator.FieldDate},
			{Name: "received_at", Label: "Received", Type: orchestrator.FieldDateTime},
			{Name: "appealable", Type: orchestrator.FieldBool},
			{Name: "carc", Label: "CARC", Type: orchestrator.FieldCodeList},
			{Name: "payer_ref", Label: "Payer reference", Type: orchestrator.FieldText, Required: true},
			{Name: "remarks", Label: "Remarks", Type: orchestrator.FieldGroup, Fields: []orchestrator.KindField{
				{Name: "code", Label: "Code", Type: orchestrator.FieldCode},
				{Name: "amount_cents", Label: "Amount", Type: orchestrator.FieldMoneyCents},
				{Name: "insured_id", Label: "Insured", Type: orchestrator.FieldText, PHI: true},
			}},
		},
	}
}

// denialData is one denial as a pack's flow stores it: declared fields,
// a remark list with a gap, fields the kind does not declare under _extra,
// a field of an older declaration and a problem.
func denialData() map[string]any {
	return map[string]any{
		"claim_number": "CLM-77001", "line": 2, "member_name": "DOE, JANE", "denied_cents": 123456,
		"denied_on": "2026-11-30", "received_at": "2026-12-01T14:05:00Z", "appealable": true,
		"carc": []string{"CO-50", "CO-97"},
		"remarks": []map[string]any{
			{"code": "N130", "amount_cents": -2500, "insured_id": "INS-42"},
			{"code": "M15", "note": "<b>see policy</b>"},
		},
		"old_field":           "kept",
		orchestrator.ExtraKey: map[string]string{"Subscriber DOB": "1950-01-02", "Group no": "G-9"},
		orchestrator.ProblemsKey: []orchestrator.FieldProblem{
			{Field: "payer_ref", Problem: "missing"}},
	}
}

func rowsByName(rows []fieldRow) map[string]fieldRow {
	out := map[string]fieldRow{}
	for _, r := range rows {
		out[r.Name] = r
	}
	return out
}

func TestViewRecordByDeclaration(t *testing.T) {
	kinds := orchestrator.NewKindRegistry()
	if err := kinds.Replace("denials", []orchestrator.RecordKind{payerDenial()}); err != nil {
		t.Fatal(err)
	}
	k, _ := kinds.Lookup("payer_denial")
	data, _ := json.Marshal(denialData())
	v := viewRecord(k, true, data, false)
	if v.Label != "Payer denial" {
		t.Errorf("label %q", v.Label)
	}
	var order []string
	for _, r := range v.Rows {
		order = append(order, r.Name)
	}
	if got := strings.Join(order, " "); got != "claim_number line member_name denied_cents denied_on received_at appealable carc payer_ref remarks" {
		t.Errorf("rows in order %s; want the declaration's", got)
	}
	rows := rowsByName(v.Rows)
	for name, want := range map[string]string{
		"claim_number": "Claim=CLM-77001", "line": "Line=2", "member_name": "Member=DOE, JANE",
		"denied_cents": "Denied=$1,234.56", "denied_on": "Denied on=Nov 30, 2026", "received_at": "Received=Dec 1, 2026 14:05 UTC",
		"appealable": "Appealable=Yes", "carc": "CARC=CO-50, CO-97",
	} {
		if got := rows[name].Label + "=" + rows[name].Value; got != want {
			t.Errorf("%s: %s; want %s", name, got, want)
		}
	}
	if len(v.Problems) != 1 || v.Problems[0].Label != "Payer reference" || v.Problems[0].Value != "missing" {
		t.Errorf("problems %+v; want payer_ref missing, by its label", v.Problems)
	}
	if r := rows["payer_ref"]; !r.Missing || r.Value != "" {
		t.Errorf("a required field the record lacks: %+v; want shown as missing", r)
	}
	g := rows["remarks"].Group
	if g == nil || strings.Join(g.Columns, "|") != "Code|Amount|Insured|note" || len(g.Rows) != 2 ||
		strings.Join(g.Rows[0], "|") != "N130|-$25.00|INS-42|" || strings.Join(g.Rows[1], "|") != "M15|||<b>see policy</b>" {
		t.Errorf("remarks group %+v", g)
	}
	other := rowsByName(v.Other)
	if len(v.Other) != 3 || other["old_field"].Value != "kept" || other["_extra.Subscriber DOB"].Value != "1950-01-02" ||
		other["_extra.Group no"].Label != "Group no" {
		t.Errorf("other fields %+v; want old_field and the two extra fields", v.Other)
	}

	// Masked: PHI values (declared, nested, extra, undeclared) hidden, the rest shown.
	m := viewRecord(k, true, data, true)
	rows, other = rowsByName(m.Rows), rowsByName(m.Other)
	for _, name := range []string{"claim_number", "member_name"} {
		if rows[name].Value != orchestrator.Masked {
			t.Errorf("masked %s = %q", name, rows[name].Value)
		}
	}
	if rows["denied_cents"].Value != "$1,234.56" || rows["carc"].Value != "CO-50, CO-97" {
		t.Errorf("masking hid fields that are not PHI: %+v", m.Rows)
	}
	if g := rows["remarks"].Group; strings.Join(g.Rows[0], "|") != "N130|-$25.00|•••|" || g.Rows[1][3] != orchestrator.Masked {
		t.Errorf("masked group %+v; want the insured id and the undeclared note masked", g)
	}
	for _, r := range m.Other {
		if r.Value != orchestrator.Masked {
			t.Errorf("masked other field %s = %q", r.Name, r.Value)
		}
	}
	if other["_extra.Subscriber DOB"].Label != "Subscriber DOB" {
		t.Errorf("extra field names stay: %+v", other)
	}

	// A kind the registry does not hold (its pack was removed) is all PHI.
	if err := kinds.Replace("denials", nil); err != nil {
		t.Fatal(err)
	}
	k2, known := kinds.Lookup("payer_denial")
	if known {
		t.Fatal("kind still known")
	}
	k2.Kind = "payer_denial"
	u := viewRecord(k2, false, data, true)
	if len(u.Rows) != 0 || len(u.Other) < 10 {
		t.Fatalf("unknown kind: %d rows, %d other", len(u.Rows), len(u.Other))
	}
	for _, r := range u.Other {
		if r.Value != orchestrator.Masked {
			t.Errorf("unknown kind, masked: %s = %q", r.Name, r.Value)
		}
	}
	if s := summaryRows(k, true, data, true); len(s) != 3 || s[0].Value != orchestrator.Masked || s[1].Value != "$1,234.56" {
		t.Errorf("masked summary %+v", s)
	}
}

func TestMoney(t *testing.T) {
	for cents, want := range map[int64]string{
		0: "$0.00", 5: "$0.05", 123456: "$1,234.56", 100000000: "$1,000,000.00", -2500: "-$25.00",
		-9223372036854775808: "-$92,233,720,368,547,758.08",
	} {
		if got := money(cents); got != want {
			t.Errorf("money(%d) = %q, want %q", cents, got, want)
		}
	}
	// A value that is not cents is shown as it is.
	if got := formatValue(orchestrator.FieldMoneyCents, json.RawMessage(`"12.50 USD"`)); got != "12.50 USD" {
		t.Errorf("non-integer money shown as %q", got)
	}
	if got := formatValue(orchestrator.FieldDate, json.RawMessage(`"11/30/2026"`)); got != "11/30/2026" {
		t.Errorf("unparsed date shown as %q", got)
	}
}

// TestTaskPageRendersPackKind: a pack kind's item, routed to a task, shows
// on the task page and in the inbox list by its declaration (labels,
// formatted values, groups, other fields); the built-in coding hold by
// its own; a viewer reaches neither page.
func TestTaskPageRendersPackKind(t *testing.T) {
	kinds := orchestrator.NewKindRegistry()
	if err := kinds.Replace("denials", []orchestrator.RecordKind{payerDenial()}); err != nil {
		t.Fatal(err)
	}
	e := newEnvWith(t, func(c *Config) { c.Kinds = kinds })
	ctx := context.Background()
	k, _ := kinds.Lookup("payer_denial")
	d := denialData()
	id, err := k.ExternalID(d)
	if err != nil {
		t.Fatal(err)
	}
	u, err := orchestrator.NewItemUpsert("denials@1", time.Now(), orchestrator.Observation{Portal: "payer-portal", ExternalID: id,
		Kind: k.Kind, Queue: k.Queue, Data: d})
	if err != nil {
		t.Fatal(err)
	}
	res, err := e.store.UpsertItem(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	task, _, err := e.svc.Open(ctx, res.Item, orchestrator.RouteDecision{Rule: "big-denial", Queue: orchestrator.QueueBilling,
		Priority: orchestrator.PriorityHigh, Detail: "denied over $1,000"}, orchestrator.RunActor("denials@1"))
	if err != nil {
		t.Fatal(err)
	}
	path := "/tasks/" + strconv.FormatInt(task.ID, 10)
	status, body := e.getAs(t, "staff", "session", path)
	if status != http.StatusOK {
		t.Fatalf("GET %s: %d", path, status)
	}
	cells := fieldCells(t, body)
	for field, want := range map[string]string{
		"claim_number": "CLM-77001", "denied_cents": "$1,234.56", "denied_on": "Nov 30, 2026", "carc": "CO-50, CO-97",
		"appealable": "Yes", "payer_ref": "missing", "remarks": "CodeAmountInsurednoteN130-$25.00INS-42M15<b>see policy</b>",
		"_extra.Subscriber DOB": "1950-01-02", "old_field": "kept",
	} {
		if got := cells[field]; got != want {
			t.Errorf("task page field %s = %q, want %q", field, got, want)
		}
	}
	for _, label := range []string{"<caption>Payer denial</caption>", `<li class="problem" data-field="payer_ref"><bdi>Payer reference</bdi>: <bdi>missing</bdi></li>`, `<th scope="row">Denied on</th>`, "<summary>Other fields (3)</summary>"} {
		if !strings.Contains(body, label) {
			t.Errorf("task page lacks %s", label)
		}
	}
	if strings.Contains(body, "<b>see policy</b>") {
		t.Error("portal markup reached the page unescaped")
	}

	// The inbox list shows the display fields.
	_, list := e.getAs(t, "staff", "session", "/inbox?queue=billing")
	if !strings.Contains(list, `<span class="summary-field" data-field="denied_cents" title="Denied"><bdi>$1,234.56</bdi></span>`) ||
		!strings.Contains(list, `data-field="carc" title="CARC"><bdi>CO-50, CO-97</bdi>`) {
		t.Errorf("the inbox list does not show the denial's display fields:\n%s", around(list, "payer"))
	}

	// The API gives the same layout.
	_, doc := e.getAs(t, "staff", "token", "/api/v1"+path)
	var tj TaskJSON
	if err := json.Unmarshal([]byte(doc), &tj); err != nil {
		t.Fatal(err)
	}
	if r := tj.Record; r == nil || r.Label != "Payer denial" || r.Masked || len(r.Other) != 3 || len(r.Problems) != 1 {
		t.Fatalf("API record %+v", tj.Record)
	}
	api := map[string]RecordFieldJSON{}
	for _, f := range tj.Record.Fields {
		api[f.Name] = f
	}
	if f := api["denied_cents"]; f.Label != "Denied" || f.Value != "$1,234.56" || f.Type != "money_cents" {
		t.Errorf("API denied_cents %+v", f)
	}
	if g := api["remarks"].Group; g == nil || len(g.Rows) != 2 || g.Rows[0][1] != "-$25.00" {
		t.Errorf("API remarks %+v", api["remarks"])
	}
	if !api["payer_ref"].Missing {
		t.Errorf("API payer_ref %+v; want missing", api["payer_ref"])
	}
	_, listDoc := e.getAs(t, "staff", "token", "/api/v1/tasks?queue=billing")
	var lj TaskListJSON
	if err := json.Unmarshal([]byte(listDoc), &lj); err != nil {
		t.Fatal(err)
	}
	var summary []string
	for _, row := range lj.Tasks {
		if row.ID == task.ID {
			for _, f := range row.Summary {
				summary = append(summary, f.Label+"="+f.Value)
			}
		}
	}
	if strings.Join(summary, " ") != "Claim=CLM-77001 Denied=$1,234.56 CARC=CO-50, CO-97" {
		t.Errorf("API list summary %v", summary)
	}

	// A built-in coding hold renders from its declaration too.
	_, hold := e.getAs(t, "staff", "session", "/tasks/"+strconv.FormatInt(e.tasks[0].ID, 10))
	hc := fieldCells(t, hold)
	if hc["total_charges_cents"] != "$12,345.67" || hc["discharge_date"] != "Nov 10, 2026" || !strings.Contains(hc["hold_reasons"], "Missing operative note") ||
		!strings.Contains(hold, "<caption>Coding hold</caption>") || !strings.Contains(hold, `<th scope="row">Total charges</th>`) {
		t.Errorf("coding hold page: %v", hc)
	}

	for _, p := range []string{path, "/api/v1" + path, "/inbox"} {
		if status, body := e.getAs(t, "viewer", "session", p); status != http.StatusForbidden || strings.Contains(body, "CLM-77001") || strings.Contains(body, "1950-01-02") {
			t.Errorf("viewer GET %s: %d", p, status)
		}
	}
	e.noPHIInLogs()
}

// TestRecordTemplateMasks renders the page's record and summary
// templates with a masked view, as a person without PHI access would
// get it: no PHI value, every label.
func TestRecordTemplateMasks(t *testing.T) {
	pages := newEnv(t).srv.pages
	k := payerDenial()
	data, _ := json.Marshal(denialData())
	var b bytes.Buffer
	if err := pages["task"].ExecuteTemplate(&b, "summary", summaryRows(k, true, data, true)); err != nil {
		t.Fatal(err)
	}
	if err := pages["task"].ExecuteTemplate(&b, "record", viewRecord(k, true, data, true)); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, phi := range []string{"CLM-77001", "DOE", "JANE", "INS-42", "1950-01-02", "G-9", "see policy", "kept"} {
		if strings.Contains(out, phi) {
			t.Errorf("masked record shows %q", phi)
		}
	}
	for _, shown := range []string{"Claim", "Member", "Denied", "$1,234.56", "CO-50, CO-97", "Subscriber DOB", "N130", "•••"} {
		if !strings.Contains(out, shown) {
			t.Errorf("masked record lacks %q", shown)
		}
	}
}

// fieldCells maps each data-field cell of a page to its text.
func fieldCells(t *testing.T, page string) map[string]string {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	var text func(n *html.Node) string
	text = func(n *html.Node) string {
		if n.Type == html.TextNode {
			return n.Data
		}
		var s string
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			s += text(c)
		}
		return s
	}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "td" {
			for _, a := range n.Attr {
				if a.Key == "data-field" {
					out[a.Val] = strings.TrimSpace(text(n))
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return out
}

// TestTaskPageWhilePacksReload: pages render while a pack's kinds are
// replaced and removed (run under -race): each answer shows the kind as
// one version declared it, or, while no pack declares it, without labels
// or formats, all under Other fields.
func TestTaskPageWhilePacksReload(t *testing.T) {
	kinds := orchestrator.NewKindRegistry()
	e := newEnvWith(t, func(c *Config) { c.Kinds = kinds })
	ctx := context.Background()
	d := denialData()
	u, err := orchestrator.NewItemUpsert("denials@1", time.Now(), orchestrator.Observation{Portal: "payer-portal", ExternalID: "CLM-77001:2",
		Kind: "payer_denial", Queue: orchestrator.QueueBilling, Data: d})
	if err != nil {
		t.Fatal(err)
	}
	res, err := e.store.UpsertItem(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	task, _, err := e.svc.Open(ctx, res.Item, orchestrator.RouteDecision{Rule: "big-denial", Queue: orchestrator.QueueBilling,
		Priority: orchestrator.PriorityNormal}, orchestrator.RunActor("denials@1"))
	if err != nil {
		t.Fatal(err)
	}
	cookie, _ := e.session("staff")
	path := e.http.URL + "/tasks/" + strconv.FormatInt(task.ID, 10)
	stop := make(chan struct{})
	reloaded := make(chan int)
	go func() {
		n := 0
		defer func() { reloaded <- n }()
		for v := 0; ; v++ {
			select {
			case <-stop:
				return
			default:
			}
			k := payerDenial()
			k.Label = "Payer denial v" + strconv.Itoa(v%2)
			decl := []orchestrator.RecordKind{k}
			if v%3 == 2 {
				decl = nil
			}
			if err := kinds.Replace("denials", decl); err != nil {
				t.Error(err)
				return
			}
			n++
			time.Sleep(time.Millisecond) // paces the reloads; the machine is shared
		}
	}()
	seen := map[string]int{}
	for range 60 {
		req, _ := http.NewRequest(http.MethodGet, path, nil)
		req.AddCookie(&http.Cookie{Name: sessionCookie, Value: cookie})
		resp, err := e.client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		page := string(body)
		switch {
		case resp.StatusCode != http.StatusOK:
			t.Fatalf("status %d during a reload", resp.StatusCode)
		case strings.Contains(page, "<caption>Payer denial v0</caption>"), strings.Contains(page, "<caption>Payer denial v1</caption>"):
			if !strings.Contains(page, "$1,234.56") {
				t.Fatal("a declared version rendered without its formats")
			}
			seen["declared"]++
		case strings.Contains(page, "<caption>payer_denial</caption>"):
			if strings.Contains(page, "$1,234.56") || !strings.Contains(page, "Other fields") {
				t.Fatal("an undeclared kind rendered with a declaration's formats")
			}
			seen["undeclared"]++
		default:
			t.Fatalf("the page shows the kind neither way:\n%s", around(page, "record"))
		}
	}
	close(stop)
	if n := <-reloaded; n == 0 {
		t.Fatal("no reload ran during the requests")
	}
	t.Logf("answers while reloading: %v", seen)
}
