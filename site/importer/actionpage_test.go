package importer

import (
	"os"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"fieldbook/schemas"
	"fieldbook/schemas/ordered"
)

// The page texts in testdata are transcriptions of the two renderings of
// Morf's action pages as the stored copies show them: Open Phone's
// send_text_message in the docs.morf.health rendering (names, types,
// required markers), and Spruce's create_or_update_contact in the
// www.morf.health "Hide parameters" rendering, whose lines run on from one
// entry to the next (its result example ends after email_addresses here,
// where the stored copy goes on and is cut).

func readPage(t *testing.T, name string) ActionMaterial {
	t.Helper()
	text, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	m, err := ParseActionPage(string(text))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestParseActionPageDocsRendering(t *testing.T) {
	m := readPage(t, "action-open-phone-send-text-message.txt")
	if m.Title != "Send Text Message" || m.Destination != "Open Phone" {
		t.Errorf("title %q, destination %q", m.Title, m.Destination)
	}
	if m.Response != "SendTextMessageResponse" {
		t.Errorf("response %q", m.Response)
	}
	want := []struct {
		key, name, typ string
		tags           []string
	}{
		{"from", "From", "string (Phone Number)", []string{"ID"}},
		{"to", "To", "string", []string{"PII"}},
		{"content", "Content", "string", []string{"HI", "ID", "PII"}},
	}
	if len(m.Parameters) != len(want) {
		t.Fatalf("%d parameters, want %d: %+v", len(m.Parameters), len(want), m.Parameters)
	}
	for i, w := range want {
		p := m.Parameters[i]
		if p.Key != w.key || p.Name != w.name || p.Type != w.typ || !slices.Equal(p.Tags, w.tags) || p.MapsTo != "" {
			t.Errorf("parameter %d: %+v, want %+v", i+1, p, w)
		}
		if !p.IsRequired() || len(p.Unstated) > 0 {
			t.Errorf("parameter %s: required %v, unstated %v", p.Key, p.Required, p.Unstated)
		}
	}
	ex, _ := m.Example.(*ordered.Object)
	if ex == nil || !slices.Equal(ex.Keys, []string{"created_at", "id"}) || ex.Vals["id"] != "AC123abc" {
		t.Errorf("result example %v", m.Example)
	}
	desc, _ := m.Descriptions.(*ordered.Object)
	if desc == nil || desc.Vals["created_at"] != "When the message was created" {
		t.Errorf("descriptions %v", m.Descriptions)
	}
	if len(m.Details) != 2 {
		t.Fatalf("%d field details, want 2: %+v", len(m.Details), m.Details)
	}
	for i, w := range []struct{ name, declared, pointer, desc string }{
		{"id", "string", "/id", "ID of the message created"},
		{"created_at", "timing.v1.Timestamp", "/created_at", "When the message was created"},
	} {
		d := m.Details[i]
		if key(d.Path) != w.name || d.Declared != w.declared || d.Pointer != w.pointer || d.Description != w.desc || !d.Required || len(d.Tags) > 0 {
			t.Errorf("field detail %d: %+v, want %+v", i+1, d, w)
		}
	}
}

func TestParseActionPageHideParameters(t *testing.T) {
	m := readPage(t, "action-spruce-create-or-update-contact.txt")
	if m.Title != "" {
		t.Errorf("the copy has no heading, yet the title is %q", m.Title)
	}
	keys := []string{"id", "category", "givenName", "middleName", "familyName", "dateOfBirth", "emailAddresses",
		"phoneNumbers", "faxNumbers", "gender", "genderDetail", "pronouns", "companyName", "tagIds", "internalMemberIds",
		"organizationContactFields"}
	tags := [][]string{{"ID"}, {}, {"PII"}, {"PII"}, {"PII"}, {"PII"}, {"PII"}, {"PII"}, {"PII"}, {"HI"}, {"HI"}, {}, {}, {"ID"}, {"ID"}, {"HI", "ID", "PII"}}
	if len(m.Parameters) != len(keys) {
		t.Fatalf("%d parameters, want %d", len(m.Parameters), len(keys))
	}
	for i, p := range m.Parameters {
		if p.Key != keys[i] || !slices.Equal(p.Tags, tags[i]) {
			t.Errorf("parameter %d: key %q tags %v, want %q %v", i+1, p.Key, p.Tags, keys[i], tags[i])
		}
		if p.Name != "" || p.Type != "" || p.Required != nil || !slices.Equal(p.Unstated, []string{"name", "type", "required"}) {
			t.Errorf("parameter %s: this rendering shows no name, type or required flag: %+v", p.Key, p)
		}
		if p.Key != "category" && (len(p.Enum) > 0 || p.MapsTo != "" || p.Default != "") {
			t.Errorf("parameter %s: %+v", p.Key, p)
		}
	}
	c := m.Parameters[1]
	if c.MapsTo != "category (defaults to patient)" || c.Default != "patient" ||
		!slices.Equal(c.Enum, []string{"CONTACT_CATEGORY_PATIENT", "CONTACT_CATEGORY_PROFESSIONAL", "CONTACT_CATEGORY_CLINIC"}) {
		t.Errorf("category: %+v", c)
	}
	ex, _ := m.Example.(*ordered.Object)
	if ex == nil || ex.Keys[0] != "api_url" || ex.Keys[len(ex.Keys)-1] != "email_addresses" {
		t.Errorf("result example %v", m.Example)
	}
	if m.Descriptions != nil || m.Details != nil || m.Response != "" {
		t.Errorf("the copy has no descriptions or field details: %v %v %q", m.Descriptions, m.Details, m.Response)
	}
}

// arrayPage follows the docs rendering's layout, with an array result,
// field details under [*], a parameter shown without "required", and the
// types Morf writes beside string.
const arrayPage = `List Things
Documentation for the List Things action for Acme
Parameters
Action
Parameters
Owner ID
string
required
ID This field maps to the destination API owner.id field.
Limit
int64
This field maps to the destination API limit (defaults to 100) field.
Labels
Map<string,string>
HI This field maps to the destination API labels field.
Since
timing.v1.Timestamp
This field maps to the destination API since field.
Order
healthie.v1.Order
This field maps to the destination API order field.
Allowed Enumeration Values
NEWEST_FIRST
OLDEST_FIRST
{
  "$result_object_key": [
    {
      "id": "t_1",
      "tags": [{"id": "tag_1", "value": "vip"}],
      "count": 3
    }
  ]
}
{
  "$result_object_key": [
    {
      "id": "The thing's id",
      "tags": {"id": "The tag's id", "value": "The tag"},
      "count": "How many"
    }
  ]
}
Result Object Field Details
You can use the result of the action’s data as inputs to downstream workflow actions.
Thing
Fetch Action Response Object
id
string
required
ID The thing's id
CEL
$result_object_key[*].id
Example
"t_1"
tags
repeated acme.v1.Tag
CEL
$result_object_key[*].tags
Example
[{"id": "tag_1", "value": "vip"}]
id
string
required
The tag's id
CEL
$result_object_key[*].tags[*].id
Example
"tag_1"
`

func TestParseActionPageArrayResult(t *testing.T) {
	m, err := ParseActionPage(arrayPage)
	if err != nil {
		t.Fatal(err)
	}
	if m.Title != "List Things" || m.Response != "Thing" {
		t.Errorf("title %q response %q", m.Title, m.Response)
	}
	var got []string
	for _, p := range m.Parameters {
		got = append(got, p.Key+"|"+p.Name+"|"+p.Type+"|"+strings.Join(p.Tags, " ")+"|"+p.Default+"|"+strings.Join(p.Enum, " "))
		if p.Required == nil || *p.Required != (p.Key == "owner.id") || len(p.Unstated) > 0 {
			t.Errorf("%s: required %v unstated %v", p.Key, p.Required, p.Unstated)
		}
	}
	want := []string{"owner.id|Owner ID|string|ID||", "limit|Limit|int64||100|", "labels|Labels|Map<string,string>|HI||",
		"since|Since|timing.v1.Timestamp|||", "order|Order|healthie.v1.Order|||NEWEST_FIRST OLDEST_FIRST"}
	if !slices.Equal(got, want) {
		t.Errorf("parameters\n%q\nwant\n%q", got, want)
	}
	if _, ok := m.Example.([]any); !ok {
		t.Errorf("result example %v", m.Example)
	}
	var pointers []string
	for _, d := range m.Details {
		pointers = append(pointers, d.Pointer+"|"+key(d.Path)+"|"+d.Declared+"|"+strings.Join(d.Tags, " "))
	}
	if w := []string{"/*/id|id|string|ID", "/*/tags|tags|repeated acme.v1.Tag|", "/*/tags/*/id|tags.id|string|"}; !slices.Equal(pointers, w) {
		t.Errorf("field details %q, want %q", pointers, w)
	}

	out, _, err := ImportAction(m, ActionOptions{ID: "acme/v1/list-things", URL: "https://docs.morf.health/actions/acme/v1/list_things"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	s := loadDraft(t, "acme", "acme/v1/list-things", out)
	if s.Action.Key != "things" || s.Root.Items == nil {
		t.Errorf("key %q, items %v", s.Action.Key, s.Root.Items)
	}
	cel := map[string]string{}
	for _, p := range s.Action.Parameters {
		cel[p.Key] = p.CEL
		if len(p.Inferred) > 0 {
			t.Errorf("%s: its type is stated, yet cel is inferred", p.Key)
		}
	}
	for k, w := range map[string]string{"owner.id": "string", "limit": "int", "labels": "map(string, string)",
		"since": "google.protobuf.Timestamp", "order": "string"} {
		if cel[k] != w {
			t.Errorf("%s: cel %q, want %q", k, cel[k], w)
		}
	}
	thing := s.Root.Items.Resolved()
	if !slices.Equal(thing.Required, []string{"id"}) {
		t.Errorf("the element's required: %v", thing.Required)
	}
}

func TestSplitMapping(t *testing.T) {
	for _, c := range []struct{ words, key, mapsTo, def string }{
		{"from", "from", "", ""},
		{"User.first_name", "User.first_name", "", ""},
		{"category (defaults to patient)", "category", "category (defaults to patient)", "patient"},
		{"!User.dont_send_welcome (default is don't send)", "User.dont_send_welcome", "!User.dont_send_welcome (default is don't send)", "don't send"},
		{"-1..n stripe_customer_detail array index (defaults to 0), -1 will create a new card", "stripe_customer_detail",
			"-1..n stripe_customer_detail array index (defaults to 0), -1 will create a new card", "0"},
	} {
		k, m, d := splitMapping(c.words)
		if k != c.key || m != c.mapsTo || d != c.def {
			t.Errorf("%q: %q %q %q, want %q %q %q", c.words, k, m, d, c.key, c.mapsTo, c.def)
		}
	}
}

func TestResultKey(t *testing.T) {
	for action, want := range map[string]string{
		"list-appointments": "appointments", "create-card": "card", "create-or-update-contact": "contact",
		"find-first-matching-conversation-item": "conversation_item", "send-sms": "sms", "get-patient": "patient",
		"list-appointments-for-patient": "appointments", "check-eligibility": "eligibility", "get": "result", "create-1099": "result",
	} {
		if got := ResultKey(action); got != want {
			t.Errorf("%s: %q, want %q", action, got, want)
		}
	}
}

// loadDraft loads an action document as the site does, in a catalog that
// lists its destination, and checks that its example validates.
func loadDraft(t *testing.T, destination, id string, raw []byte) *schemas.Schema {
	t.Helper()
	catalog := `{"eventSources": [], "modelSources": [], "actionDestinations": [{"id": "` + destination + `", "name": "X", "actions": ["` + id + `"]}]}`
	set, err := schemas.LoadFS(fstest.MapFS{"catalog.json": {Data: []byte(catalog)}, "actions/" + id + ".json": {Data: raw}})
	if err != nil {
		t.Fatalf("the draft does not load: %v\n%s", err, raw)
	}
	s, ok := set.Action(id)
	if !ok {
		t.Fatalf("no action %s", id)
	}
	if ex, ok := s.Root.Example(); ok {
		v, err := s.Validator()
		if err != nil {
			t.Fatal(err)
		}
		if len(s.Quirks()) == 0 {
			if err := v.Validate(ex); err != nil {
				t.Errorf("the example does not validate: %v", err)
			}
		}
	}
	return s
}

func TestImportActionDrafts(t *testing.T) {
	m := readPage(t, "action-open-phone-send-text-message.txt")
	out, warnings, err := ImportAction(m, ActionOptions{ID: "open-phone/v1/send-text-message", URL: "https://docs.morf.health/actions/open_phone/v1/send_text_message"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	s := loadDraft(t, "open-phone", "open-phone/v1/send-text-message", out)
	a := s.Action
	if a.Title != "Send Text Message" || a.Response != "SendTextMessageResponse" || a.Key != "text_message" || len(a.Parameters) != 3 {
		t.Errorf("x-action %+v", a)
	}
	if p := a.Parameters[0]; p.Key != "from" || p.CEL != "string" || p.Name != "From" || !p.IsRequired() || len(p.Inferred) > 0 {
		t.Errorf("from: %+v", p)
	}
	if !slices.Equal(s.Root.Required, []string{"created_at", "id"}) {
		t.Errorf("required %v", s.Root.Required)
	}
	created := s.Root.Properties[0].Node
	if created.XType != "timing.v1.Timestamp" || created.Format != "date-time" || created.Description != "When the message was created" || len(created.XUnstated) > 0 {
		t.Errorf("created_at: %+v", created)
	}
	if !strings.Contains(string(out), `"url": "https://docs.morf.health/actions/open_phone/v1/send_text_message"`) {
		t.Error("no x-source-page")
	}
	if len(warnings) != 1 || !strings.Contains(warnings[0], "Fieldbook's words") {
		t.Errorf("warnings %q", warnings)
	}

	m = readPage(t, "action-spruce-create-or-update-contact.txt")
	out, warnings, err = ImportAction(m, ActionOptions{ID: "spruce/v1/create-or-update-contact"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	s = loadDraft(t, "spruce", "spruce/v1/create-or-update-contact", out)
	if s.Action.Key != "contact" || s.Action.Title != "Create Or Update Contact" || len(s.Action.Parameters) != 16 {
		t.Errorf("x-action %+v", s.Action)
	}
	for _, p := range s.Action.Parameters {
		if !slices.Equal(p.Inferred, []string{"cel"}) {
			t.Errorf("%s: no type is stated, yet cel is not inferred", p.Key)
		}
	}
	cat := s.Action.Parameters[1]
	if cat.CEL != "string" || cat.Default != "patient" || len(cat.Enum) != 3 || cat.Tags == nil || len(cat.Tags) != 0 {
		t.Errorf("category: %+v", cat)
	}
	if !strings.Contains(string(out), `"tags": []`) {
		t.Error("a parameter shown with no tags should say so with []")
	}
	for _, f := range s.Root.Properties {
		if !f.Node.Unstated("required") {
			t.Errorf("%s: no field details, yet required is not marked unstated", f.Name)
		}
	}
	if !strings.Contains(strings.Join(warnings, "\n"), "no heading") {
		t.Errorf("no warning about the title: %q", warnings)
	}
}

// edit changes a decoded document in place.
func edit(t *testing.T, raw []byte, f func(doc *ordered.Object, params []any)) []byte {
	t.Helper()
	v, _, err := ordered.Decode(string(raw))
	if err != nil {
		t.Fatal(err)
	}
	doc := v.(*ordered.Object)
	a := doc.Vals["x-action"].(*ordered.Object)
	f(doc, a.Vals["parameters"].([]any))
	return encode(doc)
}

func param(params []any, key string) *ordered.Object {
	for _, p := range params {
		if o := p.(*ordered.Object); o.Vals["key"] == key {
			return o
		}
	}
	return nil
}

func TestImportActionRerunKeepsEdits(t *testing.T) {
	m := readPage(t, "action-spruce-create-or-update-contact.txt")
	opt := ActionOptions{ID: "spruce/v1/create-or-update-contact", URL: "https://www.morf.health/docs/actions/spruce/v1/create_or_update_contact"}
	draft, _, err := ImportAction(m, opt, nil)
	if err != nil {
		t.Fatal(err)
	}
	edited := edit(t, draft, func(doc *ordered.Object, params []any) {
		doc.SetBefore("description", "Creates or updates a Spruce contact.", "type")
		doc.Vals["x-action"].(*ordered.Object).Set("key", "spruce_contact")
		props := doc.Vals["properties"].(*ordered.Object)
		props.Vals["display_name"].(*ordered.Object).SetBefore("description", "The contact's name as Spruce shows it.", "x-unstated")
		given := param(params, "givenName")
		given.Set("cel", "string")
		given.Delete("inferred")
		given.SetBefore("description", "The contact's first name.", "unstated")
		param(params, "middleName").Set("cel", "string") // still listed as inferred: the import computes it again
		param(params, "category").Set("key", "contact_category")
		var kept []any
		for _, p := range params {
			if p.(*ordered.Object).Vals["key"] != "pronouns" {
				kept = append(kept, p)
			}
		}
		doc.Vals["x-action"].(*ordered.Object).Set("parameters", kept)
	})
	again, _, err := ImportAction(m, opt, edited)
	if err != nil {
		t.Fatal(err)
	}
	s := loadDraft(t, "spruce", opt.ID, again)
	if s.Root.Description != "Creates or updates a Spruce contact." || s.Action.Key != "spruce_contact" {
		t.Errorf("description %q key %q", s.Root.Description, s.Action.Key)
	}
	for _, f := range s.Root.Properties {
		if f.Name == "display_name" && f.Node.Description != "The contact's name as Spruce shows it." {
			t.Errorf("display_name: %q", f.Node.Description)
		}
	}
	by := map[string]schemas.Parameter{}
	var order []string
	for _, p := range s.Action.Parameters {
		by[p.Key] = p
		order = append(order, p.Key)
	}
	if g := by["givenName"]; g.CEL != "string" || len(g.Inferred) > 0 || g.Description != "The contact's first name." {
		t.Errorf("givenName: %+v", g)
	}
	if g := by["middleName"]; g.CEL != "dyn" || !slices.Equal(g.Inferred, []string{"cel"}) {
		t.Errorf("middleName: %+v", g)
	}
	if c, ok := by["contact_category"]; !ok || c.MapsTo != "category (defaults to patient)" || len(c.Enum) != 3 {
		t.Errorf("category, its key edited: %+v (keys %v)", c, order)
	}
	if _, ok := by["category"]; ok {
		t.Error("the category parameter, its key edited, came back as a second one")
	}
	if len(order) != 16 || order[len(order)-1] != "pronouns" {
		t.Errorf("the parameter the document lacks is added after the others: %v", order)
	}

	// A third run changes nothing.
	third, _, err := ImportAction(m, opt, again)
	if err != nil {
		t.Fatal(err)
	}
	if string(third) != string(again) {
		t.Errorf("a rerun over its own output changes it:\n%s\n----\n%s", again, third)
	}
}

// A page of the docs rendering run over a document drafted from the
// Hide-parameters rendering adds the names, types and required flags it
// shows, and the CEL type the type states.
func TestImportActionRerunAddsStatedFacts(t *testing.T) {
	hidden := strings.NewReplacer("From\nstring (Phone Number)\nrequired\n", "", "To\nstring\nrequired\n", "", "Content\nstring\nrequired\n", "").
		Replace(readTestdata(t, "action-open-phone-send-text-message.txt"))
	m, err := ParseActionPage(hidden)
	if err != nil {
		t.Fatal(err)
	}
	opt := ActionOptions{ID: "open-phone/v1/send-text-message"}
	first, _, err := ImportAction(m, opt, nil)
	if err != nil {
		t.Fatal(err)
	}
	if p := loadDraft(t, "open-phone", opt.ID, first).Action.Parameters[0]; p.Name != "" || !slices.Equal(p.Unstated, []string{"name", "type", "required"}) {
		t.Fatalf("from, without its name: %+v", p)
	}
	second, _, err := ImportAction(readPage(t, "action-open-phone-send-text-message.txt"), opt, first)
	if err != nil {
		t.Fatal(err)
	}
	p := loadDraft(t, "open-phone", opt.ID, second).Action.Parameters[0]
	if p.Name != "From" || p.Type != "string (Phone Number)" || !p.IsRequired() || len(p.Unstated) > 0 || len(p.Inferred) > 0 || p.CEL != "string" {
		t.Errorf("from: %+v", p)
	}
}

func readTestdata(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
