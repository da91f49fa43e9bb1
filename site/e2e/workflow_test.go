package e2e

// Browser tests of the workflow page (/workflows/): a workflow built with
// the keyboard and the page's controls, run as it is typed, shared,
// exported as a test file, and the links into it from a payload's
// playground and an action's page.

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// openWorkflows loads the workflow page and waits for its first run and
// its editors.
func openWorkflows(t *testing.T, b *browser, fragment string) {
	t.Helper()
	b.do(t, chromedp.Navigate(siteURL+"/workflows/"+fragment))
	waitFor(t, b, "the workflow's first run and its editors", `document.querySelector('[data-fb="workflow"]').dataset.ready === 'true' && !!document.querySelector('.fb-editor-json')`)
}

// statuses is, in JavaScript, the trigger's status and each step's, as
// their badges say them.
const statuses = `[...document.querySelectorAll('[data-fb="wf-status"]')].map((s) => s.textContent).join(' / ')`

func TestWorkflowPageOpensOnARunningWorkflow(t *testing.T) {
	b := newBrowser(t)
	openWorkflows(t, b, "")
	waitFor(t, b, "the opening workflow's statuses", statuses+` === 'passed / passed / waited / done / passed'`)
	if c := b.snapshot(&b.console); len(c) > 0 {
		t.Errorf("console errors: %v", c)
	}
	if s := b.snapshot(&b.security); len(s) > 0 {
		t.Errorf("security messages (a CSP refusal?): %v", s)
	}
}
