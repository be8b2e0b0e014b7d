package main

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/hibiken/asynq"
)

func TestParseRedisURLTopologies(t *testing.T) {
	cases := []struct {
		url      string
		topology string
		want     asynq.RedisConnOpt
		tls      bool
	}{{
		url: "redis://:pw@cache:6380/3?dial_timeout=2s&client_name=docket", topology: "single",
		want: asynq.RedisClientOpt{Network: "tcp", Addr: "cache:6380", Password: "pw", DB: 3, DialTimeout: 2 * time.Second},
	}, {
		url: "rediss://docket:pw@cache:6380/0", topology: "single", tls: true,
		want: asynq.RedisClientOpt{Network: "tcp", Addr: "cache:6380", Username: "docket", Password: "pw"},
	}, {
		url:      "redis-sentinel://docket:pw@s1,s2:26380/2?master=mymaster&sentinel_password=sp&pool_size=7",
		topology: "sentinel",
		want: asynq.RedisFailoverClientOpt{MasterName: "mymaster", SentinelAddrs: []string{"s1:26379", "s2:26380"},
			SentinelPassword: "sp", Username: "docket", Password: "pw", DB: 2, PoolSize: 7},
	}, {
		url: "rediss-sentinel://s1:26379/?master=m&sentinel_username=watch&sentinel_password=sp", topology: "sentinel", tls: true,
		want: asynq.RedisFailoverClientOpt{MasterName: "m", SentinelAddrs: []string{"s1:26379"},
			SentinelUsername: "watch", SentinelPassword: "sp"},
	}, {
		url: "redis-cluster://:pw@n1,n2:7001,n3:7002?read_timeout=1s&max_redirects=3", topology: "cluster",
		want: asynq.RedisClusterClientOpt{Addrs: []string{"n1:6379", "n2:7001", "n3:7002"}, Password: "pw",
			ReadTimeout: time.Second, MaxRedirects: 3},
	}, {
		url: "rediss-cluster://n1:7000/0", topology: "cluster", tls: true,
		want: asynq.RedisClusterClientOpt{Addrs: []string{"n1:7000"}},
	}}
	for _, tc := range cases {
		t.Run(tc.url, func(t *testing.T) {
			target, err := parseRedisURL(tc.url)
			if err != nil {
				t.Fatal(err)
			}
			if got := target.topology(); got != tc.topology {
				t.Fatalf("topology = %s, want %s", got, tc.topology)
			}
			got := target.connOpt()
			if hasTLS(got) != tc.tls {
				t.Fatalf("TLS = %v, want %v", hasTLS(got), tc.tls)
			}
			got = withoutTLS(got)
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("asynq options:\n got %+v\nwant %+v", got, tc.want)
			}
			rdb := target.client()
			defer rdb.Close()
			// asynq builds the same kind of go-redis client from its options.
			if a, b := reflect.TypeOf(rdb), reflect.TypeOf(tc.want.MakeRedisClient()); a != b {
				t.Fatalf("client %v, asynq's %v", a, b)
			}
		})
	}
}

func TestParseRedisURLClientSettings(t *testing.T) {
	target, err := parseRedisURL("redis-sentinel://s1/?master=m&client_name=docket-web&max_retries=5")
	if err != nil {
		t.Fatal(err)
	}
	if o := target.failover; o.ClientName != "docket-web" || o.MaxRetries != 5 {
		t.Fatalf("go-redis parameters lost: client_name %q, max_retries %d", o.ClientName, o.MaxRetries)
	}
	rdb := target.client()
	defer rdb.Close()
	if target.failover.PoolSize != 0 {
		t.Fatalf("client() changed the parsed options (pool size %d)", target.failover.PoolSize)
	}
}

func TestParseRedisURLErrors(t *testing.T) {
	cases := []struct{ url, mention string }{
		{"http://:hunter2@x", "redis-sentinel://"},
		{"redis:// :hunter2@x", "not a URL"},
		{"redis://:hunter2@x/first", "database"},
		{"redis://:hunter2@x/0?bogus=1", "bogus"},
		{"redis-sentinel://:hunter2@s1,s2", "master=NAME"},
		{"redis-sentinel://:hunter2@s1:x,s2:26379/?master=m", `"s1:x"`},
		{"redis-sentinel://:hunter2@s1,s2:x/?master=m", "not a URL"},
		{"redis-sentinel://:hunter2@/?master=m", "no host"},
		{"redis-sentinel://:hunter2@s1/?master=m&sentinel_password=s3cret&bogus=1", "bogus"},
		{"redis-cluster://:hunter2@n1,n2/4", "database 0 only"},
		{"redis-cluster://:hunter2@n1,n2?db=1", "db"},
		{"redis-cluster://:hunter2@n1,n2:99999", `"n2:99999"`},
	}
	for _, tc := range cases {
		t.Run(tc.url, func(t *testing.T) {
			_, err := parseRedisURL(tc.url)
			if err == nil {
				t.Fatal("no error")
			}
			msg := err.Error()
			if !strings.Contains(msg, tc.mention) || strings.Contains(msg, "hunter2") || strings.Contains(msg, "s3cret") || strings.Contains(msg, "\n") {
				t.Fatalf("error %q: want one line naming %q, without passwords", msg, tc.mention)
			}
		})
	}
}

func TestRedactRedisURLs(t *testing.T) {
	for raw, want := range map[string]string{
		"redis://:hunter2@cache:6379/0":                                       "redis://:xxxxx@cache:6379/0",
		"redis-cluster://docket:hunter2@n1:7000,n2:7001":                      "redis-cluster://docket:xxxxx@n1:7000,n2:7001",
		"redis-sentinel://s1,s2/0?master=m&sentinel_password=hunter2":         "redis-sentinel://s1,s2/0?master=m&sentinel_password=xxxxx",
		"redis-sentinel://s1/0?master=m&password=hunter2&sentinel_password=x": "redis-sentinel://s1/0?master=m&password=xxxxx&sentinel_password=xxxxx",
		// IPv6 lists do not parse as URLs; passwords are still hidden.
		"redis-sentinel://a:hunter2@[::1]:1,[::1]:2/?master=m&sentinel_password=hunter2": "redis-sentinel://a:xxxxx@[::1]:1,[::1]:2/?master=m&sentinel_password=xxxxx",
	} {
		if got := redactURL(raw); got != want {
			t.Errorf("redactURL(%q) = %q, want %q", raw, got, want)
		}
	}
}

// A bad redis_url stops every command at configuration, exit 2, with one
// line that names the key and hides the passwords.
func TestBadRedisURLExitsTwo(t *testing.T) {
	for _, u := range []string{
		"redis-sentinel://:hunter2@127.0.0.1:26379/0?sentinel_password=hunter2",
		"redis-cluster://:hunter2@127.0.0.1:7000/1",
		"redis-sentinel://:hunter2@[::1]:1,[::1]:2/?master=m",
	} {
		code, _, stderr := runMain(t, context.Background(), []string{"DOCKET_REDIS_URL=" + u}, "migrate", "--data-dir", t.TempDir())
		if code != exitUsage || strings.Count(strings.TrimSpace(stderr), "\n") != 0 ||
			!strings.Contains(stderr, "redis_url") || strings.Contains(stderr, "hunter2") {
			t.Errorf("%s: exit %d, stderr %q: want %d and one line naming redis_url without the password", u, code, stderr, exitUsage)
		}
	}
}

func hasTLS(o asynq.RedisConnOpt) bool {
	switch o := o.(type) {
	case asynq.RedisClientOpt:
		return o.TLSConfig != nil
	case asynq.RedisFailoverClientOpt:
		return o.TLSConfig != nil
	case asynq.RedisClusterClientOpt:
		return o.TLSConfig != nil
	}
	return false
}

func withoutTLS(o asynq.RedisConnOpt) asynq.RedisConnOpt {
	switch v := o.(type) {
	case asynq.RedisClientOpt:
		v.TLSConfig = nil
		return v
	case asynq.RedisFailoverClientOpt:
		v.TLSConfig = nil
		return v
	case asynq.RedisClusterClientOpt:
		v.TLSConfig = nil
		return v
	}
	return o
}
