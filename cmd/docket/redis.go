package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"
	"go.uber.org/zap"
)

// redisURLDefault is the Redis every command but demo uses when none is set.
const redisURLDefault = "redis://127.0.0.1:6379/0"

// redisURLForms is what redis_url accepts, for error messages.
const redisURLForms = "want redis://[user:password@]host:port/db (rediss:// for TLS), " +
	"redis-sentinel://[user:password@]host:port,host:port/db?master=NAME or " +
	"redis-cluster://[user:password@]host:port,host:port"

// redisTarget is the Redis that redis_url names: a single node, a master
// found through Sentinel, or a Cluster (the three topologies asynq
// supports). Exactly one field is set.
//
// The URL forms:
//
//	redis://[user:password@]host:port/db            single node (go-redis's redis.ParseURL)
//	rediss://...                                    the same over TLS
//	redis-sentinel://[user:password@]host:port,host:port/db?master=NAME[&sentinel_password=...]
//	redis-cluster://[user:password@]host:port,host:port
//
// rediss-sentinel:// and rediss-cluster:// use TLS. The user and password
// are always the data nodes' (as in redis://); sentinels that require a
// password take sentinel_username and sentinel_password parameters. Ports
// default to 26379 for sentinels and 6379 for cluster nodes; a Cluster has
// database 0 only. The remaining query parameters are go-redis's
// (dial_timeout, read_timeout, pool_size, client_name, ...) in all forms.
type redisTarget struct {
	single   *redis.Options
	failover *redis.FailoverOptions
	cluster  *redis.ClusterOptions
}

// parseRedisURL reads a redis_url. Its errors never contain the URL, so
// callers can name it redacted.
func parseRedisURL(raw string) (redisTarget, error) {
	u, err := url.Parse(raw)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // without the URL and its password
		}
		return redisTarget{}, fmt.Errorf("not a URL: %w", err)
	}
	switch u.Scheme {
	case "redis", "rediss":
		opt, err := redis.ParseURL(raw)
		if err != nil {
			return redisTarget{}, goRedisError(err)
		}
		return redisTarget{single: opt}, nil
	case "redis-sentinel", "rediss-sentinel":
		return parseSentinelURL(u)
	case "redis-cluster", "rediss-cluster":
		return parseClusterURL(u)
	}
	return redisTarget{}, errors.New(redisURLForms)
}

// parseSentinelURL rewrites Docket's sentinel URL into go-redis's failover
// URL, which takes the sentinels' credentials from the user info and the
// data nodes' from the query (the other way round from redis://).
func parseSentinelURL(u *url.URL) (redisTarget, error) {
	addrs, err := redisHosts(u.Host, "26379")
	if err != nil {
		return redisTarget{}, err
	}
	q := u.Query()
	master := q.Get("master")
	if master == "" {
		return redisTarget{}, errors.New(`sentinel URL needs ?master=NAME, the name in the sentinels' "sentinel monitor NAME ..."`)
	}
	g := url.URL{Scheme: strings.TrimSuffix(u.Scheme, "-sentinel"), Host: addrs[0], Path: u.Path}
	if q.Has("sentinel_username") || q.Has("sentinel_password") {
		g.User = url.UserPassword(q.Get("sentinel_username"), q.Get("sentinel_password"))
	}
	if u.User != nil {
		q.Set("username", u.User.Username())
		if p, ok := u.User.Password(); ok {
			q.Set("password", p)
		}
	}
	for _, k := range []string{"master", "sentinel_username", "sentinel_password"} {
		q.Del(k)
	}
	q.Set("master_name", master)
	for _, a := range addrs[1:] {
		q.Add("addr", a)
	}
	g.RawQuery = q.Encode()
	opt, err := redis.ParseFailoverURL(g.String())
	if err != nil {
		return redisTarget{}, goRedisError(err)
	}
	return redisTarget{failover: opt}, nil
}

// parseClusterURL rewrites Docket's cluster URL into go-redis's cluster URL
// (first node as host, the others as addr parameters).
func parseClusterURL(u *url.URL) (redisTarget, error) {
	addrs, err := redisHosts(u.Host, "6379")
	if err != nil {
		return redisTarget{}, err
	}
	if db := strings.Trim(u.Path, "/"); db != "" && db != "0" {
		return redisTarget{}, fmt.Errorf("database %q: a Redis Cluster has database 0 only", db)
	}
	q := u.Query()
	for _, a := range addrs[1:] {
		q.Add("addr", a)
	}
	g := url.URL{Scheme: strings.TrimSuffix(u.Scheme, "-cluster"), User: u.User, Host: addrs[0], RawQuery: q.Encode()}
	opt, err := redis.ParseClusterURL(g.String())
	if err != nil {
		return redisTarget{}, goRedisError(err)
	}
	return redisTarget{cluster: opt}, nil
}

// redisHosts splits a comma-separated host list, adding the default port
// where none is given.
func redisHosts(list, port string) ([]string, error) {
	var addrs []string
	for _, h := range strings.Split(list, ",") {
		if h = strings.TrimSpace(h); h == "" {
			continue
		}
		host, p, err := net.SplitHostPort(h)
		if err != nil {
			host, p = h, port
		}
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 || host == "" {
			return nil, fmt.Errorf("bad address %q: want host:port", h)
		}
		addrs = append(addrs, net.JoinHostPort(host, p))
	}
	if len(addrs) == 0 {
		return nil, errors.New("no host: want host:port[,host:port...]")
	}
	return addrs, nil
}

// goRedisError drops go-redis's prefix; its parse errors do not carry the URL.
func goRedisError(err error) error {
	return errors.New(strings.TrimPrefix(err.Error(), "redis: "))
}

// topology names the target for logs: single, sentinel or cluster.
func (t redisTarget) topology() string {
	switch {
	case t.failover != nil:
		return "sentinel"
	case t.cluster != nil:
		return "cluster"
	}
	return "single"
}

// client returns a go-redis client for the target. Docket hands it to
// asynq (asynq.New*FromRedisClient), so asynq and the health checks share
// one pool and every go-redis setting of the URL applies.
func (t redisTarget) client() redis.UniversalClient {
	// The constructors fill defaults into the options they are given.
	switch {
	case t.failover != nil:
		o := *t.failover
		return redis.NewFailoverClient(&o)
	case t.cluster != nil:
		o := *t.cluster
		return redis.NewClusterClient(&o)
	}
	o := *t.single
	return redis.NewClient(&o)
}

// connOpt returns the same target as asynq connection options, for asynq
// APIs that open their own connection. asynq's options hold fewer settings
// than go-redis's: addresses, credentials, database, timeouts, pool size
// and TLS carry over; client_name, retries and idle-pool tuning do not.
func (t redisTarget) connOpt() asynq.RedisConnOpt {
	switch {
	case t.failover != nil:
		o := t.failover
		return asynq.RedisFailoverClientOpt{
			MasterName: o.MasterName, SentinelAddrs: o.SentinelAddrs,
			SentinelUsername: o.SentinelUsername, SentinelPassword: o.SentinelPassword,
			Username: o.Username, Password: o.Password, DB: o.DB,
			DialTimeout: o.DialTimeout, ReadTimeout: o.ReadTimeout, WriteTimeout: o.WriteTimeout,
			PoolSize: o.PoolSize, TLSConfig: o.TLSConfig,
		}
	case t.cluster != nil:
		o := t.cluster
		return asynq.RedisClusterClientOpt{
			Addrs: o.Addrs, MaxRedirects: o.MaxRedirects, Username: o.Username, Password: o.Password,
			DialTimeout: o.DialTimeout, ReadTimeout: o.ReadTimeout, WriteTimeout: o.WriteTimeout,
			TLSConfig: o.TLSConfig,
		}
	}
	o := t.single
	return asynq.RedisClientOpt{
		Network: o.Network, Addr: o.Addr, Username: o.Username, Password: o.Password, DB: o.DB,
		DialTimeout: o.DialTimeout, ReadTimeout: o.ReadTimeout, WriteTimeout: o.WriteTimeout,
		PoolSize: o.PoolSize, TLSConfig: o.TLSConfig,
	}
}

// openRedis connects to the Redis that rawURL names and checks it
// answers; errors name the address with any password hidden.
func (a *app) openRedis(ctx context.Context, rawURL string) (redis.UniversalClient, error) {
	target, err := parseRedisURL(rawURL)
	if err != nil {
		return nil, &ConfigError{Msg: fmt.Sprintf("redis_url %s: %v", redactURL(rawURL), err)}
	}
	rdb := target.client()
	pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := rdb.Ping(pctx).Err(); err != nil {
		_ = rdb.Close()
		return nil, fmt.Errorf("redis: connect %s: %w", redactURL(rawURL), err)
	}
	a.onClose(func() { _ = rdb.Close() })
	a.warnEviction(pctx, rdb)
	a.log.Debug("redis connected", zap.String("topology", target.topology()), zap.String("url", redactURL(rawURL)))
	return rdb, nil
}

// warnEviction logs when Redis may evict keys: asynq needs
// maxmemory-policy noeviction, or queued tasks can vanish. Managed Redis
// often forbids CONFIG; then nothing is checked.
func (a *app) warnEviction(ctx context.Context, rdb redis.UniversalClient) {
	check := func(ctx context.Context, c *redis.Client, node string) error {
		v, err := c.ConfigGet(ctx, "maxmemory-policy").Result()
		if p := v["maxmemory-policy"]; err == nil && p != "" && p != "noeviction" {
			a.log.Warn("redis may evict queued tasks: set maxmemory-policy noeviction",
				zap.String("node", node), zap.String("maxmemory_policy", p))
		}
		return nil
	}
	switch c := rdb.(type) {
	case *redis.ClusterClient:
		_ = c.ForEachMaster(ctx, func(ctx context.Context, n *redis.Client) error { return check(ctx, n, n.Options().Addr) })
	case *redis.Client: // a single node, or the master Sentinel names
		_ = check(ctx, c, "")
	}
}
