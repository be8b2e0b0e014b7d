package deploy

import (
	"os"
	"path/filepath"
	"slices"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// runs reports whether the Deployment's pods run docket cmd.
func runs(d *appsv1.Deployment, cmd string) bool {
	return slices.ContainsFunc(d.Spec.Template.Spec.Containers, func(c corev1.Container) bool { return command(c) == cmd })
}

// selected returns the Deployments whose pods sel selects.
func (k *k8sCheck) selected(sel labels.Selector) []*appsv1.Deployment {
	var out []*appsv1.Deployment
	for _, d := range k.m.deployments {
		if !sel.Empty() && sel.Matches(labels.Set(d.Spec.Template.Labels)) {
			out = append(out, d)
		}
	}
	return out
}

// minReplicas is the fewest pods the Deployment runs: its autoscaler's
// minimum when one scales it.
func (k *k8sCheck) minReplicas(d *appsv1.Deployment) int32 {
	for _, h := range k.m.autoscalers {
		if h.Spec.ScaleTargetRef.Kind == "Deployment" && h.Spec.ScaleTargetRef.Name == d.Name && h.Spec.MinReplicas != nil {
			return *h.Spec.MinReplicas
		}
	}
	if d.Spec.Replicas == nil {
		return 1
	}
	return *d.Spec.Replicas
}

// autoscalers: workers, and only workers, scale on the depth of a queue
// Docket really has, read from a metric Docket really exports.
func (k *k8sCheck) autoscalers() {
	t := k.t
	for _, h := range k.m.autoscalers {
		hw := k.where("HorizontalPodAutoscaler", h.Name)
		ref := h.Spec.ScaleTargetRef
		i := slices.IndexFunc(k.m.deployments, func(d *appsv1.Deployment) bool { return d.Name == ref.Name })
		switch {
		case ref.Kind != "Deployment" || ref.APIVersion != "apps/v1" || i < 0:
			t.Errorf("%s: scaleTargetRef %s %s %s is not a rendered Deployment", hw, ref.APIVersion, ref.Kind, ref.Name)
		case !runs(k.m.deployments[i], "worker"):
			t.Errorf("%s: scales %s, which does not run docket worker", hw, ref.Name)
		}
		if h.Spec.MinReplicas == nil || *h.Spec.MinReplicas < 1 || *h.Spec.MinReplicas > h.Spec.MaxReplicas {
			t.Errorf("%s: want 1 <= minReplicas <= maxReplicas (%d)", hw, h.Spec.MaxReplicas)
		}
		if len(h.Spec.Metrics) == 0 {
			t.Errorf("%s: no metrics: it would scale on CPU, which says nothing about waiting bot runs", hw)
		}
		for _, m := range h.Spec.Metrics {
			if m.Type != autoscalingv2.ExternalMetricSourceType || m.External == nil {
				t.Errorf("%s: metric of type %s; workers scale on queue depth (an External metric)", hw, m.Type)
				continue
			}
			id := m.External.Metric
			if !sourceHas("monitoring", `"`+id.Name+`"`) {
				t.Errorf("%s: external metric %s is not one Docket exports (monitoring/)", hw, id.Name)
			}
			var ml map[string]string
			if id.Selector != nil {
				ml = id.Selector.MatchLabels
			}
			if ml["state"] != "pending" || !sourceHas("monitoring", `"pending"`) {
				t.Errorf("%s: external metric %s: want selector state=pending (depth; completed tasks are retained, not waiting)", hw, id.Name)
			}
			if q := ml["queue"]; q == "" || !sourceHas("tasks", `"`+q+`"`) {
				t.Errorf("%s: external metric %s: selector queue=%q is not a queue tasks/ uses", hw, id.Name, q)
			}
			if m.External.Target.Type != autoscalingv2.AverageValueMetricType || m.External.Target.AverageValue == nil {
				t.Errorf("%s: external metric %s: want an AverageValue target (waiting runs per worker)", hw, id.Name)
			}
		}
	}
}

// sourceHas reports whether a non-test Go file of the package directory
// dir (relative to the repository) contains s.
func sourceHas(dir, s string) bool {
	files, _ := filepath.Glob(filepath.Join(repoRoot, dir, "*.go"))
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		if data, err := os.ReadFile(f); err == nil && strings.Contains(string(data), s) {
			return true
		}
	}
	return false
}

// budgets: each budget selects the pods of one Deployment and lets a node
// drain proceed; serve and workers have one.
func (k *k8sCheck) budgets() {
	t := k.t
	covered := map[string]bool{}
	for _, b := range k.m.budgets {
		bw := k.where("PodDisruptionBudget", b.Name)
		if (b.Spec.MinAvailable == nil) == (b.Spec.MaxUnavailable == nil) {
			t.Errorf("%s: set exactly one of minAvailable and maxUnavailable", bw)
		}
		sel, err := metav1.LabelSelectorAsSelector(b.Spec.Selector)
		if err != nil {
			t.Errorf("%s: selector: %v", bw, err)
			continue
		}
		ds := k.selected(sel)
		if len(ds) != 1 {
			t.Errorf("%s: selects the pods of %d Deployments, want exactly one", bw, len(ds))
			continue
		}
		d := ds[0]
		covered[d.Name] = true
		n := k.minReplicas(d)
		switch {
		case b.Spec.MinAvailable != nil:
			if min := scaled(*b.Spec.MinAvailable, n, true); min >= int(n) {
				t.Errorf("%s: minAvailable %s of %s's %d pods leaves no pod to evict: node drains would block", bw, b.Spec.MinAvailable.String(), d.Name, n)
			}
		case b.Spec.MaxUnavailable != nil:
			if scaled(*b.Spec.MaxUnavailable, n, true) < 1 {
				t.Errorf("%s: maxUnavailable %s of %s's %d pods is 0: node drains would block", bw, b.Spec.MaxUnavailable.String(), d.Name, n)
			}
		}
	}
	for _, d := range k.m.deployments {
		if (runs(d, "serve") || runs(d, "worker")) && !covered[d.Name] {
			t.Errorf("%s: no PodDisruptionBudget selects its pods", k.where("Deployment", d.Name))
		}
	}
}

// scaled resolves an int or percentage against n pods.
func scaled(v intstr.IntOrString, n int32, roundUp bool) int {
	x, err := intstr.GetScaledValueFromIntOrPercent(&v, int(n), roundUp)
	if err != nil {
		return -1
	}
	return x
}

// services: each Service selects pods and targets a port they have; every
// Deployment is reachable through one (web, or /metrics for Prometheus).
func (k *k8sCheck) services() {
	t := k.t
	reached := map[string]bool{}
	for _, s := range k.m.services {
		sw := k.where("Service", s.Name)
		ds := k.selected(labels.SelectorFromSet(s.Spec.Selector))
		if len(ds) == 0 {
			t.Errorf("%s: selector %v selects no Deployment's pods", sw, s.Spec.Selector)
		}
		for _, d := range ds {
			reached[d.Name] = true
			for _, p := range s.Spec.Ports {
				target := p.TargetPort
				if target.Type == intstr.Int && target.IntVal == 0 {
					target = intstr.FromInt32(p.Port)
				}
				if !hasPort(d, target) {
					t.Errorf("%s: port %s: targetPort %s is not a container port of %s", sw, p.Name, target.String(), d.Name)
				}
			}
		}
	}
	for _, d := range k.m.deployments {
		if !reached[d.Name] {
			t.Errorf("%s: no Service selects its pods", k.where("Deployment", d.Name))
		}
	}
}

func hasPort(d *appsv1.Deployment, p intstr.IntOrString) bool {
	for _, c := range d.Spec.Template.Spec.Containers {
		for _, cp := range c.Ports {
			if (p.Type == intstr.String && cp.Name == p.StrVal) || (p.Type == intstr.Int && cp.ContainerPort == p.IntVal) {
				return true
			}
		}
	}
	return false
}
