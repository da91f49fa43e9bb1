// Package boundscases reads wasm/testdata/bounds.json, the expressions of
// a few hundred characters that grew values to millions of elements, for
// the tests that run them: the engine's (natively and under js/wasm) and
// the API's (natively and in the Worker). The Node test of the shipped
// module reads the same file.
package boundscases

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"unicode/utf8"
)

// Case is one case; the file's "about" says what each member means.
type Case struct {
	Name          string `json:"name"`
	Grow          string `json:"grow"`
	Levels        int    `json:"levels"`
	Base          string `json:"base"`
	Body          string `json:"body"`
	PayloadString int    `json:"payloadString"`
	Dialect       string `json:"dialect"`
	Want          string `json:"want"`
	Display       string `json:"display"`
}

// Load reads the cases from the file at path.
func Load(path string) ([]Case, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var file struct {
		Cases []Case `json:"cases"`
	}
	if err := json.Unmarshal(raw, &file); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return file.Cases, nil
}

// Expression grows the case's value by binding, level by level.
func (c Case) Expression() string {
	base := c.Base
	if base == "" {
		base = "[0, 0]"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "cel.bind(x0, %s, ", base)
	for i := 1; i <= c.Levels; i++ {
		if c.Grow == "concat" {
			fmt.Fprintf(&b, "cel.bind(x%d, x%d + x%d, ", i, i-1, i-1)
		} else {
			fmt.Fprintf(&b, "cel.bind(x%d, [x%d, x%d], ", i, i-1, i-1)
		}
	}
	b.WriteString(strings.ReplaceAll(c.Body, "X", fmt.Sprintf("x%d", c.Levels)))
	b.WriteString(strings.Repeat(")", c.Levels+1))
	return b.String()
}

// Payload is the case's payload text.
func (c Case) Payload() string {
	return `{"s": "` + strings.Repeat("a", c.PayloadString) + `"}`
}

// Check says what is wrong with an evaluate answer to the case (decoded
// from JSON, size bytes long), or "". A result too large to answer keeps
// at most previewChars characters of its display.
func (c Case) Check(resp map[string]any, size, previewChars int) string {
	msg := ""
	if d, ok := resp["diagnostics"].([]any); ok && len(d) > 0 {
		msg, _ = d[len(d)-1].(map[string]any)["message"].(string)
	}
	display, _ := resp["display"].(string)
	switch c.Want {
	case "ok":
		if resp["ok"] != true || display != c.Display {
			return fmt.Sprintf("want %s, got %v", c.Display, resp)
		}
	case "stopped":
		if resp["ok"] != false || !strings.HasPrefix(msg, "the expression was stopped: ") || !strings.Contains(msg, "past the cost limit of 1,000,000 units") {
			return fmt.Sprintf("want the cost limit's message, got %v", resp)
		}
	case "too large":
		if resp["ok"] != false || resp["truncated"] != true || resp["value"] != nil || !strings.HasPrefix(msg, "the result is too large to answer") {
			return fmt.Sprintf("want a result too large, got ok=%v truncated=%v: %s", resp["ok"], resp["truncated"], msg)
		}
		if n := utf8.RuneCountInString(display); n == 0 || n > previewChars {
			return fmt.Sprintf("the display's start is %d characters", n)
		}
		if size > 16<<10 {
			return fmt.Sprintf("the answer is %d bytes", size)
		}
	default:
		return "unknown want " + c.Want
	}
	return ""
}
