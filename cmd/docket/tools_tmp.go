//go:build tools

package main
import (
 _ "github.com/go-rod/rod"
 _ "github.com/hibiken/asynq"
 _ "github.com/redis/go-redis/v9"
 _ "github.com/prometheus/client_golang/prometheus"
 _ "go.uber.org/zap"
 _ "github.com/spf13/cobra"
 _ "github.com/jackc/pgx/v5/stdlib"
 _ "modernc.org/sqlite"
 _ "github.com/pressly/goose/v3"
 _ "gocloud.dev/blob/fileblob"
 _ "github.com/alicebob/miniredis/v2"
 _ "go.yaml.in/yaml/v3"
 _ "github.com/schollz/progressbar/v3"
 _ "go.uber.org/goleak"
 _ "github.com/robfig/cron/v3"
 _ "github.com/google/uuid"
)

