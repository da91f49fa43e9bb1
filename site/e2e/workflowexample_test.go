package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestWorkedWorkflowsOpenInTheWorkflowPage: each worked example's page
// shows the statuses its run gave when the site was built, and its link
// opens the same workflow in the workflow page, where the engine in the
// browser gives the same statuses.
func TestWorkedWorkflowsOpenInTheWorkflowPage(t *testing.T) {
	b := newBrowser(t)
	b.do(t, chromedp.Navigate(siteURL+"/workflows/examples/"))
	runAxe(t, b, "/workflows/examples/")
	pages := jsEval[[]string](t, b, `[...document.querySelectorAll('[data-fb="workflow-example"] a')].map((a) => a.getAttribute('href'))`)
	if len(pages) < 3 {
		t.Fatalf("/workflows/examples/ lists %d examples", len(pages))
	}
	for _, page := range pages {
		b.do(t, chromedp.Navigate(siteURL+page))
		runAxe(t, b, page)
		built := jsEval[[]string](t, b, `[...document.querySelectorAll('[data-fb="workflow-example-step"]')].map((s) => s.dataset.status)`)
		if len(built) < 3 || built[0] != "passed" {
			t.Fatalf("%s shows the statuses %q", page, built)
		}
		want := strings.ReplaceAll(strings.Join(built, " / "), "stopped", "stopped here")
		b.do(t, chromedp.Click(`[data-fb="workflow-example-open"]`))
		waitFor(t, b, "the workflow page", workflowReady)
		waitFor(t, b, page+"'s statuses in the workflow page ("+want+")", statuses+` === '`+want+`'`)
	}
}
