package deploy

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/dotenv"
	"github.com/compose-spec/compose-go/v2/loader"
	"github.com/compose-spec/compose-go/v2/types"
	"sigs.k8s.io/yaml"
)

const (
	composePath       = "compose.yaml"
	composeEnvExample = ".env.example" // stands in for deploy/.env
)

// loadCompose loads a compose file the way `docker compose` does: the
// Compose Specification schema embedded in compose-go, interpolation (a
// required variable missing from env is an error), merge keys, then the
// model's own consistency checks.
func loadCompose(file string, content []byte, env map[string]string) (*types.Project, error) {
	abs, err := filepath.Abs(file)
	if err != nil {
		return nil, err
	}
	return loader.LoadWithContext(context.Background(), types.ConfigDetails{
		WorkingDir:  filepath.Dir(abs),
		ConfigFiles: []types.ConfigFile{{Filename: abs, Content: content}},
		Environment: env,
	}, func(o *loader.Options) {
		o.SetProjectName("docket", true)
		o.ResolvePaths = true
	})
}

// TestCompose checks deploy/compose.yaml against the Compose Specification
// and the docket it runs, with deploy/.env.example as deploy/.env.
func TestCompose(t *testing.T) {
	t.Parallel()
	env, err := dotenv.Read(composeEnvExample)
	if err != nil {
		t.Fatalf("deploy/%s: %v", composeEnvExample, err)
	}
	p, err := loadCompose(composePath, nil, env)
	if err != nil {
		t.Fatalf("deploy/%s: %v", composePath, err)
	}
	d, err := parseDockerfile()
	if err != nil {
		t.Fatal(err)
	}
	docketImages := map[string]bool{}
	for _, s := range p.Services {
		if s.Build != nil {
			docketImages[s.Image] = true
		}
	}
	names := slices.Sorted(func(yield func(string) bool) {
		for n := range p.Services {
			if !yield(n) {
				return
			}
		}
	})
	for _, name := range names {
		s := p.Services[name]
		sw := "deploy/" + composePath + ": service " + name
		t.Run(name, func(t *testing.T) {
			composeMounts(t, sw, s)
			composeDependencies(t, sw, p, s)
			if docketImages[s.Image] {
				composeDocket(t, sw, p, s, d)
			}
		})
	}
	t.Run("scrape config", func(t *testing.T) { composePrometheus(t, p, d) })
}

// The loader must reject what docker compose would reject.
func TestComposeCanFail(t *testing.T) {
	t.Parallel()
	for name, doc := range map[string]string{
		"unknown key":      "services:\n  a:\n    image: x\n    no_such_key: 1\n",
		"wrong type":       "services:\n  a:\n    image: x\n    ports: {a: b}\n",
		"missing variable": "services:\n  a:\n    image: x\n    environment:\n      A: ${NOT_SET_ANYWHERE:?required}\n",
	} {
		if _, err := loadCompose("compose-can-fail.yaml", []byte(doc), map[string]string{}); err == nil {
			t.Errorf("%s: loaded without an error", name)
		}
	}
}

// composeMounts: bind-mounted files come from the repository.
func composeMounts(t *testing.T, sw string, s types.ServiceConfig) {
	for _, v := range s.Volumes {
		if v.Type != types.VolumeTypeBind {
			continue
		}
		if _, err := os.Stat(v.Source); err != nil {
			rel, _ := filepath.Rel(mustAbs(t, repoRoot), v.Source)
			t.Errorf("%s: volume %s:%s: %s does not exist in the repository", sw, rel, v.Target, rel)
		}
	}
}

func mustAbs(t *testing.T, p string) string {
	abs, err := filepath.Abs(p)
	if err != nil {
		t.Fatal(err)
	}
	return abs
}

// composeDependencies: waiting for a service's health needs a healthcheck.
func composeDependencies(t *testing.T, sw string, p *types.Project, s types.ServiceConfig) {
	for dep, cond := range s.DependsOn {
		if cond.Condition != types.ServiceConditionHealthy {
			continue
		}
		if h := p.Services[dep].HealthCheck; h == nil || h.Disable || len(h.Test) == 0 {
			t.Errorf("%s: depends_on %s: service_healthy, but %s has no healthcheck", sw, dep, dep)
		}
	}
}

// composeDocket checks a service that runs the docket image: its command,
// environment and configuration file are accepted by docket, it listens
// where it is reached, and it can reach the database and Redis.
func composeDocket(t *testing.T, sw string, p *types.Project, s types.ServiceConfig, d *dockerfile) {
	if s.Build != nil {
		if want := mustAbs(t, repoRoot); s.Build.Context != want || filepath.Join(s.Build.Context, s.Build.Dockerfile) != mustAbs(t, dockerfilePath) {
			t.Errorf("%s: build %s -f %s, want the repository root and deploy/Dockerfile", sw, s.Build.Context, s.Build.Dockerfile)
		}
	}
	if len(s.Entrypoint) > 0 {
		t.Errorf("%s: entrypoint %q replaces the image's (tini, docket)", sw, []string(s.Entrypoint))
	}
	if u, _, _ := strings.Cut(s.User, ":"); u == "0" || u == "root" {
		t.Errorf("%s: user %s: Chromium would run without its sandbox", sw, s.User)
	}
	args := []string(s.Command)
	if err := commandError(t, args); err != nil {
		t.Errorf("%s: command: %v", sw, err)
		return
	}
	cmd := args[0]
	env := d.runtime().env()
	for k, v := range s.Environment {
		if v != nil {
			env[k] = *v
		}
	}

	listen := map[int32]bool{}
	for _, v := range listenVars[cmd] {
		if env[v] == "" {
			t.Errorf("%s: %s is not set: docket %s would listen on loopback only", sw, v, cmd)
			continue
		}
		listen[listenPort(t, sw+": "+v, env[v])] = true
	}
	for _, pc := range s.Ports {
		if !listen[int32(pc.Target)] {
			t.Errorf("%s: publishes container port %d, where docket %s does not listen", sw, pc.Target, cmd)
		}
	}
	if s.HealthCheck != nil {
		test := strings.Join(s.HealthCheck.Test, " ")
		m := regexp.MustCompile(`/dev/tcp/[^/]+/(\d+)`).FindStringSubmatch(test)
		if m == nil || !listen[port(t, sw, "x:"+m[1])] || !strings.Contains(test, "/readyz") {
			t.Errorf("%s: healthcheck %q does not ask /readyz on a port docket %s listens on", sw, test, cmd)
		}
	}

	if slices.Contains(needsServices, cmd) {
		for _, v := range []string{"DOCKET_DATABASE_URL", "DOCKET_REDIS_URL"} {
			composeReaches(t, sw, p, s, v, env[v])
		}
	}

	if cfg := env["DOCKET_CONFIG"]; cfg != "" {
		i := slices.IndexFunc(s.Volumes, func(v types.ServiceVolumeConfig) bool { return v.Type == types.VolumeTypeBind && v.Target == cfg })
		if i < 0 {
			t.Errorf("%s: DOCKET_CONFIG %s is not a bind-mounted file", sw, cfg)
			return
		}
		env["DOCKET_CONFIG"] = s.Volumes[i].Source
	}
	if err := configError(t, args, env); err != nil {
		t.Errorf("%s: %v", sw, err)
	}

	if cmd == "worker" {
		var config []byte
		if f := env["DOCKET_CONFIG"]; f != "" {
			config, _ = os.ReadFile(f)
		}
		n, err := concurrency(env, config)
		if err != nil {
			t.Errorf("%s: %v", sw, err)
		}
		if s.Deploy == nil || s.Deploy.Resources.Limits == nil || s.Deploy.Resources.Limits.MemoryBytes == 0 {
			t.Errorf("%s: no memory limit (deploy.resources.limits.memory)", sw)
		} else if int64(s.Deploy.Resources.Limits.MemoryBytes) < workerMemory(n) {
			t.Errorf("%s: memory limit %d MiB is too small for worker.concurrency %d: want at least %d MiB",
				sw, int64(s.Deploy.Resources.Limits.MemoryBytes)>>20, n, workerMemory(n)>>20)
		}
		if !slices.ContainsFunc(s.SecurityOpt, func(o string) bool { return strings.HasPrefix(o, "seccomp") }) {
			t.Errorf("%s: no seccomp security_opt: Docker's default profile forbids the user namespaces Chromium's sandbox needs", sw)
		}
	}
}

// composeReaches checks that a service URL points at a compose service the
// docket service waits for until healthy.
func composeReaches(t *testing.T, sw string, p *types.Project, s types.ServiceConfig, name, raw string) {
	if raw == "" {
		t.Errorf("%s: %s is not set: docket would use a local default", sw, name)
		return
	}
	u, err := url.Parse(raw)
	if err != nil {
		t.Errorf("%s: %s is not a URL", sw, name)
		return
	}
	host := u.Hostname()
	dep, ok := p.Services[host]
	switch {
	case !ok:
		t.Errorf("%s: %s points at %s, which is not a service", sw, name, host)
	case s.DependsOn[host].Condition != types.ServiceConditionHealthy:
		t.Errorf("%s: %s points at %s, but depends_on does not wait until it is healthy", sw, name, host)
	case u.Scheme == "redis" || u.Scheme == "rediss":
		// asynq loses tasks if Redis evicts keys.
		if !strings.Contains(strings.Join(dep.Command, " "), "noeviction") {
			t.Errorf("%s: %s: Redis service %s does not run with --maxmemory-policy noeviction", sw, name, host)
		}
	}
}

// composePrometheus checks the compose Prometheus configuration: the jobs of
// deploy/prometheus/prometheus.yml (the alert rules name them), each
// scraping a docket service where it serves /metrics, and rule files that
// are mounted beside it.
func composePrometheus(t *testing.T, p *types.Project, d *dockerfile) {
	type promConfig struct {
		RuleFiles     []string `json:"rule_files"`
		ScrapeConfigs []struct {
			JobName       string `json:"job_name"`
			StaticConfigs []struct {
				Targets []string `json:"targets"`
			} `json:"static_configs"`
			DNSSDConfigs []struct {
				Names []string `json:"names"`
				Port  int32    `json:"port"`
			} `json:"dns_sd_configs"`
		} `json:"scrape_configs"`
	}
	read := func(path string) promConfig {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var c promConfig
		if err := yaml.Unmarshal(data, &c); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		return c
	}
	// The Prometheus service is the one that mounts a prometheus.yml.
	var svc types.ServiceConfig
	var cfgPath, cfgTarget string
	for _, s := range p.Services {
		for _, v := range s.Volumes {
			if v.Type == types.VolumeTypeBind && filepath.Base(v.Target) == "prometheus.yml" {
				svc, cfgPath, cfgTarget = s, v.Source, v.Target
			}
		}
	}
	if cfgPath == "" {
		t.Fatal("deploy/compose.yaml: no service mounts a prometheus.yml")
	}
	rel, _ := filepath.Rel(mustAbs(t, "."), cfgPath)
	where := "deploy/" + rel
	compose, reference := read(cfgPath), read("prometheus/prometheus.yml")

	jobs := func(c promConfig) []string {
		var out []string
		for _, sc := range c.ScrapeConfigs {
			out = append(out, sc.JobName)
		}
		sort.Strings(out)
		return out
	}
	if !slices.Equal(jobs(compose), jobs(reference)) {
		t.Errorf("%s: jobs %v, want those of deploy/prometheus/prometheus.yml %v (the alert rules use them)", where, jobs(compose), jobs(reference))
	}
	for _, sc := range compose.ScrapeConfigs {
		var targets []string
		for _, st := range sc.StaticConfigs {
			targets = append(targets, st.Targets...)
		}
		for _, dc := range sc.DNSSDConfigs {
			for _, n := range dc.Names {
				targets = append(targets, n+":"+strconv.Itoa(int(dc.Port)))
			}
		}
		for _, target := range targets {
			host, _, _ := strings.Cut(target, ":")
			s, ok := p.Services[host]
			if !ok {
				t.Errorf("%s: job %s: target %s is not a compose service", where, sc.JobName, target)
				continue
			}
			env := d.runtime().env()
			for k, v := range s.Environment {
				if v != nil {
					env[k] = *v
				}
			}
			var cmd string
			if len(s.Command) > 0 {
				cmd = s.Command[0]
			}
			found := false
			for _, v := range listenVars[cmd] {
				found = found || (env[v] != "" && port(t, where, env[v]) == port(t, where, target))
			}
			if !found {
				t.Errorf("%s: job %s: target %s is not where service %s (docket %s) serves /metrics", where, sc.JobName, target, host, cmd)
			}
		}
	}
	for _, r := range compose.RuleFiles {
		want := filepath.Join(filepath.Dir(cfgTarget), r)
		if !slices.ContainsFunc(svc.Volumes, func(v types.ServiceVolumeConfig) bool { return v.Target == want }) {
			t.Errorf("%s: rule file %s: nothing is mounted at %s", where, r, want)
		}
	}
}
