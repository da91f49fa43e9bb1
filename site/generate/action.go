package generate

import (
	"fmt"
	"strings"

	"fieldbook/schemas"
	"fieldbook/templates"
)

// The actions' pages: /actions/, a page per destination with actions, and
// a page per action.

func actionsURL() string               { return "/actions/" }
func destinationURL(id string) string  { return "/actions/" + id + "/" }
func actionURL(id string) string       { return "/actions/" + id + "/" }
func actionSchemaURL(id string) string { return "/schemas/actions/" + id + ".json" }
func actionVersion(id string) string   { return strings.Split(id, "/")[1] }
func destinationCard(d schemas.Destination) templates.Destination {
	card := templates.Destination{ID: d.ID, Name: d.Name, Pending: d.Pending, Outside: d.Outside}
	if len(d.Actions) > 0 {
		card.URL = destinationURL(d.ID)
	}
	return card
}

// actionPages renders /actions/, the destinations' pages and the actions',
// and gives the destinations' cards, which the catalog shows too, and the
// search's records of the actions.
func (b *builder) actionPages() ([]templates.Destination, []SearchRecord, error) {
	var records []SearchRecord
	index := templates.ActionsIndex{Meta: b.meta("Actions", "What each action of a Morf workflow takes, gives back, and the CEL that reaches its result.", actionsURL())}
	for _, d := range b.set.Catalog.ActionDestinations {
		card := destinationCard(d)
		var views []templates.Action
		for _, id := range d.Actions {
			a, _ := b.set.Action(id)
			view, err := b.actionView(a, card)
			if err != nil {
				return nil, nil, err
			}
			views = append(views, view)
			card.Actions = append(card.Actions, templates.ActionLink{
				Title: view.Title, Version: view.Version, URL: view.Meta.Path, Summary: view.Summary,
				Parameters: len(view.Parameters), Fields: resultFields(view),
			})
		}
		index.Destinations = append(index.Destinations, card)
		index.Documented += len(views)
		if len(views) == 0 {
			continue
		}
		page := templates.DestinationPage{Meta: b.meta(card.Name+" actions", card.Name+": documented actions.", card.URL), Destination: card}
		if err := b.render(card.URL, templates.DestinationActionsPage(page)); err != nil {
			return nil, nil, err
		}
		for _, view := range views {
			view.Destination = card
			if err := b.render(view.Meta.Path, templates.ActionPage(view)); err != nil {
				return nil, nil, err
			}
			records = append(records, actionRecords(view)...)
		}
	}
	return index.Destinations, records, b.render(actionsURL(), templates.ActionsPage(index))
}

// actionView is an action's page: its parameters, and its result's fields
// under its key, each field's CEL checked by the engine as a later step
// would read it.
func (b *builder) actionView(a *schemas.Schema, dest templates.Destination) (templates.Action, error) {
	keyed, err := a.Keyed("")
	if err != nil {
		return templates.Action{}, err
	}
	act := a.Action
	p := templates.Action{
		Meta:              b.meta(act.Title+" · "+dest.Name, a.Root.Description, actionURL(a.ID)),
		ID:                a.ID,
		Title:             act.Title,
		Summary:           a.Root.Description,
		Destination:       dest,
		Version:           actionVersion(a.ID),
		Response:          act.Response,
		Key:               act.Key,
		SchemaURL:         actionSchemaURL(a.ID),
		ParametersPartial: act.ParametersPartial,
		WorkflowURL:       addToWorkflowURL(a.ID),
	}
	p.Meta.Playground = true
	if sp := a.Root.XSourcePage; sp != nil {
		p.SourcePage, p.SourcePartial = sp.URL, sp.Partial
		p.SourceOwner = pageOwner(sp.URL, dest.Name)
	}
	for _, prm := range act.Parameters {
		row := templates.Parameter{
			Key: prm.Key, MapsTo: prm.MapsTo, Name: prm.Name, Type: prm.Type, CEL: prm.CEL,
			Tags: prm.Tags, Enum: prm.Enum, Default: prm.Default, Description: prm.Description,
		}
		for _, f := range prm.Inferred {
			row.CELInferred = row.CELInferred || f == "cel"
		}
		row.Required = requiredWord(prm.Required)
		for _, f := range prm.Unstated {
			row.TagsUnstated = row.TagsUnstated || f == "tags"
		}
		p.Parameters = append(p.Parameters, row)
	}
	if ex, ok := keyed.Root.Example(); ok {
		p.Result = prettyJSON(ex)
	}
	quirkNotes := quirkNotesOf(a)
	for _, f := range a.Fields {
		view, err := b.fieldView(a.ID, f, quirkNotes)
		if err != nil {
			return p, err
		}
		view.UnderKey = true
		if len(f.Path) == 1 {
			// The key itself holds the whole result.
			view.Required, view.RequiredUnstated, view.TagsUnstated = false, false, false
			view.Description = "The whole result, under the key a later step reads it by."
		}
		p.Fields = append(p.Fields, view)
	}
	first := act.Key
	if len(a.Fields) > 1 {
		first = a.Fields[1].CEL
	}
	payload := p.Result
	if payload == "" {
		payload = "{\n  \"" + act.Key + "\": {}\n}"
	}
	p.Playground = templates.Playground{
		Schema:      a.ID,
		Key:         act.Key,
		OnIntent:    true,
		Payload:     payload,
		Expressions: []string{first},
		Dialect:     b.eng.DefaultDialect(""),
		Dialects:    dialectOptions(),
		WorkerURL:   b.site.Assets.Worker,
		EditorURL:   b.site.Assets.Editor,
	}
	return p, nil
}

// actionRecords are the search's records of an action page: the action,
// each parameter and each result field.
func actionRecords(p templates.Action) []SearchRecord {
	where := p.Destination.Name + " " + p.Title
	out := []SearchRecord{{
		URL: p.Meta.Path, Title: p.Title, Kind: "action", Payload: p.Destination.Name, Source: p.Destination.Name, Action: true,
		Type:  fmt.Sprintf("action · %d parameters · %d result fields", len(p.Parameters), resultFields(p)),
		Words: "action " + p.Destination.Name,
		Text:  []string{p.Destination.Name, p.Summary, p.Response},
	}}
	for _, prm := range p.Parameters {
		out = append(out, SearchRecord{
			URL: p.Meta.Path + "#" + templates.ParamAnchor(prm.Key), Title: prm.Key, Words: nameSegments(prm.Key),
			Facts: []string{"parameter · CEL " + prm.CEL, prm.Type}, Text: []string{prm.Name, prm.MapsTo, prm.Description, where},
			Kind: "parameter", Payload: where, Type: "parameter · CEL " + prm.CEL, Tags: prm.Tags, Source: p.Destination.Name, Action: true,
		})
	}
	for _, f := range p.Fields[min(1, len(p.Fields)):] { // the key, the whole result, is the action's own record
		types := "JSON " + f.JSONType + " · CEL " + f.CELType
		if f.DeclaredType != "" {
			types = f.DeclaredType + " · " + types
		}
		out = append(out, SearchRecord{
			URL: p.Meta.Path + "#" + f.Anchor, Title: f.Name, Words: nameSegments(f.Name),
			Facts: []string{types, f.CEL}, Text: []string{f.Description, where, "result field"},
			Kind: "field", Payload: where, Type: types, Tags: f.Tags, TagsProposed: f.TagsInferred, Source: p.Destination.Name, Action: true,
		})
	}
	return out
}

// resultFields counts an action's result fields, not the key that holds
// them all.
func resultFields(p templates.Action) int { return max(0, len(p.Fields)-1) }
