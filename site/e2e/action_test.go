package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// TestActionPagesReadWithoutJavaScript: /actions/ accounts for every
// destination, those without a page say why, and an action's page lists
// its parameters and its result fields under the default key.
func TestActionPagesReadWithoutJavaScript(t *testing.T) {
	b := newBrowser(t)
	if _, err := chromedp.Call(b.ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatal(err)
	}
	b.do(t, chromedp.Navigate(siteURL+"/actions/"))
	got := jsEval[[]int](t, b, `[document.querySelectorAll('[data-fb="destination"]').length, document.querySelectorAll('[data-fb="pending"]').length]`)
	if got[0] != 25 || got[1] != 9 {
		t.Errorf("/actions/ shows %d destinations, %d without an action documented; want 25 (Morf's 20 and 5 more), 9", got[0], got[1])
	}
	if text := jsEval[string](t, b, `document.querySelector('#dest-slack').innerText`); !strings.Contains(text, "No action documented") {
		t.Errorf("Slack's card says %q", text)
	}
	b.do(t, chromedp.Navigate(siteURL+"/actions/stripe/v1/create-card/"))
	text := jsEval[string](t, b, `document.body.innerText`)
	for _, want := range []string{"Customer ID", "source", "card.id", "card.customer_id", "PaymentSource", "Result object key"} {
		if !strings.Contains(text, want) {
			t.Errorf("without JavaScript the action's page lacks %q", want)
		}
	}
}

// TestRenamingTheResultKey: the reader renames an action's result key; the
// page's expressions, Try and the playground follow, and a name CEL cannot
// read is refused with a reason.
func TestRenamingTheResultKey(t *testing.T) {
	b := newBrowser(t)
	openPage(t, b, "/actions/stripe/v1/create-card/")
	waitFor(t, b, "the first field's value", firstResult+`.startsWith('"card_')`)
	setValue(t, b, `[data-fb="result-key"]`, "stripe_card")
	waitFor(t, b, "the renamed expression's value", `document.querySelector('[data-fb="expression"]').value === 'stripe_card.id' && `+firstResult+`.startsWith('"card_')`)
	if got := jsEval[[]string](t, b, `[...document.querySelectorAll('[data-key-cel]')].map(c => c.textContent)`); len(got) < 2 || got[1] != "stripe_card.id" {
		t.Errorf("the fields' CEL after the rename: %q", got)
	}
	if got := jsEval[string](t, b, `document.querySelector('[data-key-cel="card.customer_id"]').closest('.cel-row').querySelector('[data-try]').dataset.try`); got != "stripe_card.customer_id" {
		t.Errorf("Try carries %q", got)
	}
	if got := jsEval[string](t, b, `document.querySelector('[data-fb="payload"]').value`); !strings.Contains(got, `"stripe_card"`) || strings.Contains(got, `"card":`) {
		t.Errorf("the playground's result is not under the new key: %s", got)
	}
	setValue(t, b, `[data-fb="expression"]`, `stripe_card.id.startsWith("card_")`)
	waitFor(t, b, "a filter over the renamed key", firstResult+`.startsWith('true')`)
	// The key is kept with the expressions: a reload comes back to it.
	b.do(t, chromedp.Reload())
	waitFor(t, b, "the kept key after a reload", `document.querySelector('[data-fb="result-key"]').value === 'stripe_card' && `+firstResult+`.startsWith('true')`)
	if got := jsEval[string](t, b, `document.querySelector('[data-key-cel="card.id"]').textContent`); got != "stripe_card.id" {
		t.Errorf("after a reload the field's CEL reads %q", got)
	}
	setValue(t, b, `[data-fb="result-key"]`, "2cards")
	if got := jsEval[[]string](t, b, `[document.querySelector('[data-fb="result-key"]').getAttribute('aria-invalid') || '', document.querySelector('[data-fb="result-key-help"]').textContent]`); got[0] != "true" || !strings.Contains(got[1], "not a name CEL can read") {
		t.Errorf("a key that is no name: %q", got)
	}
}
