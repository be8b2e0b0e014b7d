package bots

import (
	"fmt"
	"sort"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/proto"
)

// blockPatterns are the URL patterns (Chromium wildcard syntax) behind
// each resource kind a Target may block. Blocking at the network layer
// costs nothing per request, unlike request interception.
var blockPatterns = map[string][]string{
	"images":    {"*.png", "*.jpg", "*.jpeg", "*.gif", "*.webp", "*.svg", "*.ico", "*.bmp"},
	"fonts":     {"*.woff", "*.woff2", "*.ttf", "*.otf", "*.eot"},
	"media":     {"*.mp4", "*.webm", "*.mp3", "*.ogg", "*.wav"},
	"analytics": {"*google-analytics.com*", "*googletagmanager.com*", "*doubleclick.net*", "*segment.io*", "*hotjar.com*", "*newrelic.com*", "*nr-data.net*"},
}

// BlockKinds lists the resource kinds a Target may block.
func BlockKinds() []string {
	kinds := make([]string, 0, len(blockPatterns))
	for k := range blockPatterns {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	return kinds
}

// ValidateBlock reports the first kind that is not a known resource kind.
func ValidateBlock(kinds []string) error {
	for _, k := range kinds {
		if _, ok := blockPatterns[k]; !ok {
			return fmt.Errorf("bots: cannot block %q: known kinds are %v", k, BlockKinds())
		}
	}
	return nil
}

// applyTarget sets the portal's user agent and blocked resources on a new
// page before it loads anything.
func applyTarget(page *rod.Page, t Target) error {
	if err := ValidateBlock(t.Block); err != nil {
		return err
	}
	if t.UserAgent != "" {
		if err := (proto.NetworkSetUserAgentOverride{UserAgent: t.UserAgent}).Call(page); err != nil {
			return fmt.Errorf("bots: set user agent for %s: %w", t.Portal, err)
		}
	}
	if len(t.Block) == 0 {
		return nil
	}
	var urls []string
	for _, k := range t.Block {
		urls = append(urls, blockPatterns[k]...)
	}
	if err := (proto.NetworkEnable{}).Call(page); err != nil {
		return fmt.Errorf("bots: enable network for %s: %w", t.Portal, err)
	}
	if err := (proto.NetworkSetBlockedURLs{Urls: urls}).Call(page); err != nil {
		return fmt.Errorf("bots: block resources for %s: %w", t.Portal, err)
	}
	return nil
}
