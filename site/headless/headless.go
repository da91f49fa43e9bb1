// Package headless starts Chromium for the site's browser tests and
// benchmarks, with the flags this kind of machine needs: headless, no
// sandbox (it runs as root), no GPU, and none of the background
// connections to Google's hosts, which the closed network refuses.
package headless

import (
	"context"
	"os"

	"github.com/chromedp/chromedp"
)

// ExecPath is Debian's Chromium, or $CHROMIUM.
func ExecPath() string {
	if p := os.Getenv("CHROMIUM"); p != "" {
		return p
	}
	return "/usr/bin/chromium"
}

// Start runs a browser with a fresh profile in profileDir; cancel ends it.
func Start(profileDir string, extra ...chromedp.ExecAllocatorOption) (ctx context.Context, cancel context.CancelFunc) {
	opts := append([]chromedp.ExecAllocatorOption{
		chromedp.ExecPath(ExecPath()),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.UserDataDir(profileDir),
	}, extra...)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	return ctx, func() { cancelCtx(); cancelAlloc() }
}
