package deploy

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// k8sCheck checks one rendered kustomization against itself, the image and
// the docket binary.
type k8sCheck struct {
	t          *testing.T
	m          *manifests
	image      *dockerfile
	configMaps map[string]map[string]string // name → key → value
	secrets    map[string]map[string]string // rendered and declared
}

func newK8sCheck(t *testing.T, dir string) *k8sCheck {
	d, err := parseDockerfile()
	if err != nil {
		t.Fatal(err)
	}
	k := &k8sCheck{t: t, m: render(t, dir), image: d,
		configMaps: map[string]map[string]string{}, secrets: map[string]map[string]string{}}
	for _, cm := range k.m.configMaps {
		k.configMaps[cm.Name] = cm.Data
	}
	for _, s := range append(slices.Clone(k.m.secrets), declaredSecrets(t)...) {
		data := map[string]string{}
		for key, v := range s.Data {
			data[key] = string(v)
		}
		for key, v := range s.StringData {
			data[key] = v
		}
		k.secrets[s.Name] = data
	}
	return k
}

func (k *k8sCheck) where(kind, name string) string {
	return fmt.Sprintf("deploy/%s: %s %s", k.m.dir, kind, name)
}

// TestKubernetes checks what the base and the production overlay render:
// workloads, their references, autoscaling, disruption budgets, services
// and namespaces.
func TestKubernetes(t *testing.T) {
	t.Parallel()
	for _, dir := range []string{k8sBase, k8sProduction} {
		t.Run(strings.ReplaceAll(dir, "/", "_"), func(t *testing.T) {
			t.Parallel()
			k := newK8sCheck(t, dir)
			for _, d := range k.m.deployments {
				k.deployment(d)
			}
			k.autoscalers()
			k.budgets()
			k.services()
			k.namespaces(dir == k8sProduction)
			declared := map[string]bool{}
			for _, s := range declaredSecrets(t) {
				declared[s.Name] = true
			}
			for _, s := range k.m.secrets {
				if declared[s.Name] {
					t.Errorf("%s: the placeholder Secret is rendered; it is created outside kustomize (see secret.example.yaml)", k.where("Secret", s.Name))
				}
			}
		})
	}
}

// namespaces: the base is namespace-free; production puts everything in
// one namespace it creates, and pins the image.
func (k *k8sCheck) namespaces(production bool) {
	t := k.t
	spaces := map[string]bool{}
	for _, n := range k.m.namespaces {
		spaces[n.Name] = true
	}
	for _, o := range k.m.namespaced {
		switch {
		case !production && o.namespace != "":
			t.Errorf("%s: namespace %q in the base; overlays choose the namespace", k.where(o.kind, o.name), o.namespace)
		case production && !spaces[o.namespace]:
			t.Errorf("%s: namespace %q is not created by the overlay", k.where(o.kind, o.name), o.namespace)
		}
	}
	if !production {
		return
	}
	for _, d := range k.m.deployments {
		for _, c := range d.Spec.Template.Spec.Containers {
			_, tag, _ := strings.Cut(c.Image[strings.LastIndex(c.Image, "/")+1:], ":")
			if tag == "" || tag == "latest" || tag == "dev" {
				t.Errorf("%s: container %s: image %s is not pinned to a release", k.where("Deployment", d.Name), c.Name, c.Image)
			}
		}
	}
}
