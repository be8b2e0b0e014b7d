package deploy

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
)

// command is the docket subcommand a container runs.
func command(c corev1.Container) string {
	if len(c.Args) == 0 {
		return ""
	}
	return c.Args[0]
}

// deployment checks a Deployment's pods: who they run as, what docket
// command with which environment and configuration file, where they listen
// and are probed, their resources and their volumes.
func (k *k8sCheck) deployment(d *appsv1.Deployment) {
	t, where := k.t, k.where("Deployment", d.Name)
	pod := d.Spec.Template.Spec
	sel, err := metav1.LabelSelectorAsSelector(d.Spec.Selector)
	if err != nil || sel.Empty() || !sel.Matches(labels.Set(d.Spec.Template.Labels)) {
		t.Errorf("%s: spec.selector does not select the pod template's labels %v", where, d.Spec.Template.Labels)
	}
	if pod.AutomountServiceAccountToken == nil || *pod.AutomountServiceAccountToken {
		t.Errorf("%s: automountServiceAccountToken is not false; docket never calls the Kubernetes API", where)
	}
	uid, gid, err := k.image.imageUser()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range append(slices.Clone(pod.InitContainers), pod.Containers...) {
		cw := fmt.Sprintf("%s: container %s", where, c.Name)
		k.security(cw, pod, c, uid, gid)
		if len(c.Command) > 0 {
			t.Errorf("%s: command %q replaces the image's ENTRYPOINT (tini, docket); give the docket command as args", cw, c.Command)
		}
		if err := commandError(t, c.Args); err != nil {
			t.Errorf("%s: args: %v", cw, err)
		}
		env := k.env(cw, c)
		var config []byte
		configOK := true
		if p, ok := env["DOCKET_CONFIG"]; ok {
			data, ok := k.mountedFile(cw, pod, c, p)
			config, configOK = []byte(data), ok
			file := filepath.Join(t.TempDir(), "docket.yaml")
			if err := os.WriteFile(file, config, 0o600); err != nil {
				t.Fatal(err)
			}
			env["DOCKET_CONFIG"] = file
		}
		listen := k.listen(cw, c, env)
		k.probe(cw+": livenessProbe", c, c.LivenessProbe, "/healthz", listen)
		k.probe(cw+": readinessProbe", c, c.ReadinessProbe, "/readyz", listen)
		k.resources(cw, c, env, config)
		k.mounts(cw, pod, c)
		if slices.Contains(needsServices, command(c)) {
			for _, v := range []string{"DOCKET_DATABASE_URL", "DOCKET_REDIS_URL"} {
				if env[v] == "" {
					t.Errorf("%s: %s is not set: docket %s would use a local default", cw, v, command(c))
				}
			}
		}
		if !configOK {
			continue // reported by mountedFile
		}
		if err := configError(t, c.Args, env); err != nil {
			t.Errorf("%s: %v", cw, err)
		}
	}
}

// listen returns the ports the container's docket command listens on,
// which must be on every interface, container ports, and EXPOSEd.
func (k *k8sCheck) listen(cw string, c corev1.Container, env map[string]string) map[int32]bool {
	t := k.t
	listen := map[int32]bool{}
	for _, v := range listenVars[command(c)] {
		if env[v] == "" {
			t.Errorf("%s: %s is not set: docket %s would listen on loopback only", cw, v, command(c))
			continue
		}
		p := listenPort(t, cw+": "+v, env[v])
		listen[p] = true
		if !slices.ContainsFunc(c.Ports, func(cp corev1.ContainerPort) bool { return cp.ContainerPort == p }) {
			t.Errorf("%s: %s is %s but no container port is %d", cw, v, env[v], p)
		}
	}
	for _, cp := range c.Ports {
		if !k.image.exposed()[cp.ContainerPort] {
			t.Errorf("%s: port %d is not EXPOSEd by deploy/Dockerfile", cw, cp.ContainerPort)
		}
	}
	return listen
}

// security checks that the container runs as the image's non-root user,
// cannot gain privileges and has a seccomp profile.
func (k *k8sCheck) security(cw string, pod corev1.PodSpec, c corev1.Container, uid, gid int64) {
	t := k.t
	psc, csc := pod.SecurityContext, c.SecurityContext
	if psc == nil {
		psc = &corev1.PodSecurityContext{}
	}
	if csc == nil {
		csc = &corev1.SecurityContext{}
	}
	nonRoot := firstNonNil(csc.RunAsNonRoot, psc.RunAsNonRoot)
	if nonRoot == nil || !*nonRoot {
		t.Errorf("%s: runAsNonRoot is not true", cw)
	}
	if u := firstNonNil(csc.RunAsUser, psc.RunAsUser); u == nil || *u != uid {
		t.Errorf("%s: runAsUser is not %d, the image's USER (deploy/Dockerfile)", cw, uid)
	}
	if g := firstNonNil(csc.RunAsGroup, psc.RunAsGroup); g != nil && *g != gid {
		t.Errorf("%s: runAsGroup %d is not %d, the image's group", cw, *g, gid)
	}
	if csc.AllowPrivilegeEscalation == nil || *csc.AllowPrivilegeEscalation {
		t.Errorf("%s: allowPrivilegeEscalation is not false", cw)
	}
	if csc.Capabilities == nil || !slices.Contains(csc.Capabilities.Drop, "ALL") {
		t.Errorf("%s: capabilities do not drop ALL", cw)
	}
	sp := firstNonNil(csc.SeccompProfile, psc.SeccompProfile)
	switch {
	case sp == nil:
		t.Errorf("%s: no seccompProfile: the node's default decides whether Chromium's sandbox or the syscall filter is in effect", cw)
	case sp.Type == corev1.SeccompProfileTypeUnconfined && command(c) != "worker":
		// Only the worker needs it: Chromium's sandbox creates user
		// namespaces, which RuntimeDefault forbids.
		t.Errorf("%s: seccompProfile Unconfined; only workers (Chromium's sandbox) need it", cw)
	}
}

func firstNonNil[T any](ps ...*T) *T {
	for _, p := range ps {
		if p != nil {
			return p
		}
	}
	return nil
}

// env resolves the container's environment as the kubelet would, over the
// image's ENV; references must name an existing ConfigMap or a rendered or
// declared Secret, and a key it has.
func (k *k8sCheck) env(cw string, c corev1.Container) map[string]string {
	t := k.t
	env := k.image.runtime().env()
	for _, ef := range c.EnvFrom {
		switch {
		case ef.ConfigMapRef != nil:
			data, ok := k.configMaps[ef.ConfigMapRef.Name]
			if !ok && !isTrue(ef.ConfigMapRef.Optional) {
				t.Errorf("%s: envFrom ConfigMap %s does not exist", cw, ef.ConfigMapRef.Name)
			}
			for key, v := range data {
				env[ef.Prefix+key] = v
			}
		case ef.SecretRef != nil:
			data, ok := k.secrets[ef.SecretRef.Name]
			if !ok && !isTrue(ef.SecretRef.Optional) {
				t.Errorf("%s: envFrom Secret %s is neither rendered nor declared", cw, ef.SecretRef.Name)
			}
			for key, v := range data {
				env[ef.Prefix+key] = v
			}
		}
	}
	for _, e := range c.Env {
		ew := fmt.Sprintf("%s: env %s", cw, e.Name)
		if e.ValueFrom == nil {
			env[e.Name] = e.Value
			continue
		}
		switch vf := e.ValueFrom; {
		case vf.SecretKeyRef != nil:
			env[e.Name] = k.key(ew, "Secret", k.secrets, vf.SecretKeyRef.Name, vf.SecretKeyRef.Key, vf.SecretKeyRef.Optional)
		case vf.ConfigMapKeyRef != nil:
			env[e.Name] = k.key(ew, "ConfigMap", k.configMaps, vf.ConfigMapKeyRef.Name, vf.ConfigMapKeyRef.Key, vf.ConfigMapKeyRef.Optional)
		case vf.FieldRef != nil:
			env[e.Name] = "field-" + strings.ReplaceAll(vf.FieldRef.FieldPath, ".", "-")
		default:
			env[e.Name] = "resource"
		}
	}
	return env
}

func isTrue(b *bool) bool { return b != nil && *b }

func (k *k8sCheck) key(ew, kind string, objs map[string]map[string]string, name, key string, optional *bool) string {
	data, ok := objs[name]
	switch {
	case !ok && !isTrue(optional):
		k.t.Errorf("%s: %s %s does not exist (nor is it declared)", ew, kind, name)
	case ok && !isTrue(optional):
		if _, ok := data[key]; !ok {
			k.t.Errorf("%s: %s %s has no key %q", ew, kind, name, key)
		}
	}
	return data[key]
}

// probe checks an HTTP probe on path against a port the command listens on.
func (k *k8sCheck) probe(pw string, c corev1.Container, p *corev1.Probe, path string, listen map[int32]bool) {
	t := k.t
	if p == nil || p.HTTPGet == nil {
		t.Errorf("%s: want an httpGet probe on %s", pw, path)
		return
	}
	if p.HTTPGet.Path != path {
		t.Errorf("%s: path %s, want %s", pw, p.HTTPGet.Path, path)
	}
	port := p.HTTPGet.Port.IntVal
	if p.HTTPGet.Port.StrVal != "" {
		i := slices.IndexFunc(c.Ports, func(cp corev1.ContainerPort) bool { return cp.Name == p.HTTPGet.Port.StrVal })
		if i < 0 {
			t.Errorf("%s: port %q is not a named port of the container", pw, p.HTTPGet.Port.StrVal)
			return
		}
		port = c.Ports[i].ContainerPort
	}
	if !listen[port] {
		t.Errorf("%s: port %d is not where docket %s serves %s", pw, port, command(c), path)
	}
}

// resources checks requests and limits, and that a worker's memory fits
// its browser contexts.
func (k *k8sCheck) resources(cw string, c corev1.Container, env map[string]string, config []byte) {
	t := k.t
	req, lim := c.Resources.Requests, c.Resources.Limits
	for _, r := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
		if _, ok := req[r]; !ok {
			t.Errorf("%s: no %s request", cw, r)
		}
	}
	memLimit, ok := lim[corev1.ResourceMemory]
	if !ok {
		t.Errorf("%s: no memory limit", cw)
		return
	}
	if memReq, ok := req[corev1.ResourceMemory]; ok && memReq.Cmp(memLimit) > 0 {
		t.Errorf("%s: memory request %s is above the limit %s", cw, memReq.String(), memLimit.String())
	}
	if command(c) != "worker" {
		return
	}
	n, err := concurrency(env, config)
	if err != nil {
		t.Errorf("%s: %v", cw, err)
	}
	need := resource.NewQuantity(workerMemory(n), resource.BinarySI)
	if memLimit.Cmp(*need) < 0 {
		t.Errorf("%s: memory limit %s is too small for worker.concurrency %d: ~190 MB per browser context plus %d MiB, want at least %d MiB",
			cw, memLimit.String(), n, workerBaseMemory>>20, need.Value()>>20)
	}
}

// mounts checks that every mount names a volume that exists, and that a
// read-only root file system leaves /tmp (leakless runs from there) and the
// data directory (browser profiles) writable.
func (k *k8sCheck) mounts(cw string, pod corev1.PodSpec, c corev1.Container) {
	t := k.t
	volumes := map[string]corev1.Volume{}
	for _, v := range pod.Volumes {
		volumes[v.Name] = v
	}
	for _, vm := range c.VolumeMounts {
		v, ok := volumes[vm.Name]
		if !ok {
			t.Errorf("%s: volumeMount %s: no such volume", cw, vm.Name)
			continue
		}
		switch {
		case v.ConfigMap != nil:
			k.volumeKeys(cw, "ConfigMap", k.configMaps, v.ConfigMap.Name, v.ConfigMap.Items)
		case v.Secret != nil:
			k.volumeKeys(cw, "Secret", k.secrets, v.Secret.SecretName, v.Secret.Items)
		case v.PersistentVolumeClaim != nil:
			if !slices.ContainsFunc(k.m.claims, func(p *corev1.PersistentVolumeClaim) bool { return p.Name == v.PersistentVolumeClaim.ClaimName }) {
				t.Errorf("%s: volume %s: PersistentVolumeClaim %s is not rendered", cw, v.Name, v.PersistentVolumeClaim.ClaimName)
			}
		}
	}
	if c.SecurityContext == nil || !isTrue(c.SecurityContext.ReadOnlyRootFilesystem) {
		return
	}
	for _, dir := range []string{"/tmp", k.image.runtime().env()["DOCKET_DATA_DIR"]} {
		i := slices.IndexFunc(c.VolumeMounts, func(vm corev1.VolumeMount) bool { return vm.MountPath == dir && !vm.ReadOnly })
		if i < 0 {
			t.Errorf("%s: the root file system is read-only and %s is not a writable volume", cw, dir)
		}
	}
}

func (k *k8sCheck) volumeKeys(cw, kind string, objs map[string]map[string]string, name string, items []corev1.KeyToPath) {
	data, ok := objs[name]
	if !ok {
		k.t.Errorf("%s: volume from %s %s, which does not exist", cw, kind, name)
		return
	}
	for _, it := range items {
		if _, ok := data[it.Key]; !ok {
			k.t.Errorf("%s: volume item %s: %s %s has no such key", cw, it.Key, kind, name)
		}
	}
}

// mountedFile returns the content of the file at p in the container when a
// ConfigMap or Secret volume provides it.
func (k *k8sCheck) mountedFile(cw string, pod corev1.PodSpec, c corev1.Container, p string) (string, bool) {
	best := -1
	for i, vm := range c.VolumeMounts {
		if (p == vm.MountPath || strings.HasPrefix(p, strings.TrimSuffix(vm.MountPath, "/")+"/")) &&
			(best < 0 || len(vm.MountPath) > len(c.VolumeMounts[best].MountPath)) {
			best = i
		}
	}
	if best < 0 {
		k.t.Errorf("%s: %s is on no volume: the image does not contain it", cw, p)
		return "", false
	}
	vm := c.VolumeMounts[best]
	rel := vm.SubPath
	if rel == "" {
		rel = strings.TrimPrefix(strings.TrimPrefix(p, vm.MountPath), "/")
	}
	for _, v := range pod.Volumes {
		if v.Name != vm.Name {
			continue
		}
		var data map[string]string
		var items []corev1.KeyToPath
		switch {
		case v.ConfigMap != nil:
			data, items = k.configMaps[v.ConfigMap.Name], v.ConfigMap.Items
		case v.Secret != nil:
			data, items = k.secrets[v.Secret.SecretName], v.Secret.Items
		default:
			k.t.Errorf("%s: %s is on volume %s, which is neither a ConfigMap nor a Secret", cw, p, v.Name)
			return "", false
		}
		key := rel
		for _, it := range items {
			if path.Clean(it.Path) == rel {
				key = it.Key
			}
		}
		content, ok := data[key]
		if !ok {
			k.t.Errorf("%s: %s: volume %s has no key %q", cw, p, v.Name, key)
		}
		return content, ok
	}
	return "", false
}
