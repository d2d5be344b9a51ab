package app

import (
	"io"
	"log/slog"
)

// NewLogger builds the structured logger LOG_FORMAT and LOG_LEVEL ask for. Every line goes through the
// redacting handler, so secrets, card numbers and full email addresses never reach the logs.
func NewLogger(cfg Config, w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "json" {
		return slog.New(redactingHandler{slog.NewJSONHandler(w, opts)})
	}
	return slog.New(redactingHandler{slog.NewTextHandler(w, opts)})
}
