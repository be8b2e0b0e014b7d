package deploy

import (
	"fmt"
	"os"
	"sync"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/yaml"
)

// Kustomizations, relative to this package.
const (
	k8sBase       = "k8s/base"
	k8sProduction = "k8s/overlays/production"
)

// manifests are the resources one kustomization renders, each decoded into
// its k8s.io/api type.
type manifests struct {
	dir             string
	namespaced      []resourceID // every resource but Namespaces, which are cluster-wide
	namespaces      []*corev1.Namespace
	configMaps      []*corev1.ConfigMap
	secrets         []*corev1.Secret
	services        []*corev1.Service
	serviceAccounts []*corev1.ServiceAccount
	claims          []*corev1.PersistentVolumeClaim
	deployments     []*appsv1.Deployment
	statefulSets    []*appsv1.StatefulSet
	autoscalers     []*autoscalingv2.HorizontalPodAutoscaler
	budgets         []*policyv1.PodDisruptionBudget
}

// resourceID names a resource.
type resourceID struct{ kind, name, namespace string }

// kinds maps every apiVersion/kind the manifests may hold to its type and
// the list it goes to. Anything else fails the test: add it here, with its
// checks, when a manifest needs a new kind.
var kinds = map[string]func(m *manifests) any{
	"v1/Namespace":                           func(m *manifests) any { return add(&m.namespaces) },
	"v1/ConfigMap":                           func(m *manifests) any { return add(&m.configMaps) },
	"v1/Secret":                              func(m *manifests) any { return add(&m.secrets) },
	"v1/Service":                             func(m *manifests) any { return add(&m.services) },
	"v1/ServiceAccount":                      func(m *manifests) any { return add(&m.serviceAccounts) },
	"v1/PersistentVolumeClaim":               func(m *manifests) any { return add(&m.claims) },
	"apps/v1/Deployment":                     func(m *manifests) any { return add(&m.deployments) },
	"apps/v1/StatefulSet":                    func(m *manifests) any { return add(&m.statefulSets) },
	"autoscaling/v2/HorizontalPodAutoscaler": func(m *manifests) any { return add(&m.autoscalers) },
	"policy/v1/PodDisruptionBudget":          func(m *manifests) any { return add(&m.budgets) },
}

// add appends a new zero T to list and returns it to decode into.
func add[T any](list *[]*T) any {
	v := new(T)
	*list = append(*list, v)
	return v
}

var rendered sync.Map // dir → *renderResult

type renderResult struct {
	once sync.Once
	m    *manifests
	err  error
}

// render builds the kustomization in dir (once per test run) and decodes
// every resource strictly: an unknown or misspelt field, a duplicate key or
// a value of the wrong type is an error naming the resource.
func render(t *testing.T, dir string) *manifests {
	t.Helper()
	v, _ := rendered.LoadOrStore(dir, new(renderResult))
	r := v.(*renderResult)
	r.once.Do(func() { r.m, r.err = renderFS(filesys.MakeFsOnDisk(), dir) })
	if r.err != nil {
		t.Fatal(r.err)
	}
	return r.m
}

func renderFS(fs filesys.FileSystem, dir string) (*manifests, error) {
	res, err := krusty.MakeKustomizer(krusty.MakeDefaultOptions()).Run(fs, dir)
	if err != nil {
		return nil, fmt.Errorf("deploy/%s: kustomize: %w", dir, err)
	}
	m := &manifests{dir: dir}
	for _, r := range res.Resources() {
		id := r.GetApiVersion() + "/" + r.GetKind()
		where := fmt.Sprintf("deploy/%s: %s %s", dir, id, r.GetName())
		newObj, ok := kinds[id]
		if !ok {
			return nil, fmt.Errorf("%s: no k8s.io/api type for this kind in the test's kinds table", where)
		}
		data, err := r.AsYAML()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", where, err)
		}
		if err := yaml.UnmarshalStrict(data, newObj(m)); err != nil {
			return nil, fmt.Errorf("%s: %w", where, err)
		}
		if r.GetKind() != "Namespace" {
			m.namespaced = append(m.namespaced, resourceID{r.GetKind(), r.GetName(), r.GetNamespace()})
		}
	}
	return m, nil
}

// declaredSecrets are the Secrets the manifests expect to exist without
// creating them: k8s/base/secret.example.yaml, decoded strictly.
func declaredSecrets(t *testing.T) []*corev1.Secret {
	t.Helper()
	const path = k8sBase + "/secret.example.yaml"
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var s corev1.Secret
	if err := yaml.UnmarshalStrict(data, &s); err != nil {
		t.Fatalf("deploy/%s: %v", path, err)
	}
	return []*corev1.Secret{&s}
}

func TestKustomizeStrict(t *testing.T) {
	t.Parallel()
	for _, dir := range []string{k8sBase, k8sProduction} {
		m := render(t, dir)
		if len(m.deployments) == 0 {
			t.Errorf("deploy/%s renders no Deployment", dir)
		}
	}
}

// The strict decoding must reject what the API server would reject.
func TestKustomizeStrictCanFail(t *testing.T) {
	t.Parallel()
	for name, resource := range map[string]string{
		"unknown field": "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\nspec: {replica: 2, selector: {}, template: {}}\n",
		"wrong type":    "apiVersion: v1\nkind: Service\nmetadata: {name: x}\nspec: {ports: [{port: http}]}\n",
		"unknown kind":  "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: x}\n",
	} {
		fs := filesys.MakeFsInMemory()
		if err := fs.WriteFile("/k/kustomization.yaml", []byte("resources: [r.yaml]\n")); err != nil {
			t.Fatal(err)
		}
		if err := fs.WriteFile("/k/r.yaml", []byte(resource)); err != nil {
			t.Fatal(err)
		}
		if _, err := renderFS(fs, "/k"); err == nil {
			t.Errorf("%s: decoded without an error", name)
		}
	}
}
