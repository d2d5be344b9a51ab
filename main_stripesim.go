package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/url"
)

func parseURL(s string) (*url.URL, error) { return url.Parse(s) }

// runStripeSim runs the offline Stripe simulator on its own port, with its try-it page at /__stripe/.
func runStripeSim(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("stripe-sim", flag.ContinueOnError)
	port := fs.Int("port", 12111, "port to listen on")
	if err := fs.Parse(args); err != nil {
		return err
	}
	_ = port
	return fmt.Errorf("stripe-sim: not built yet")
}
