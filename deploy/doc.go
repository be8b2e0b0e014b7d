// Package deploy holds Docket's deployment artifacts, not code: the image
// (Dockerfile), Docker Compose for one machine (compose.yaml), Kubernetes
// manifests (k8s/base and k8s/overlays/production, built with kustomize),
// Prometheus rules, Grafana provisioning and dashboards, and annotated
// configuration examples.
//
// Its tests check the artifacts without a container engine or a cluster:
// the Dockerfile's build context and build command produce a working
// docket binary; every Kubernetes resource both kustomizations render
// decodes strictly into its k8s.io/api type and is consistent (probes,
// non-root, resources, references to ConfigMaps, Secrets and volumes, the
// autoscaler's and disruption budgets' targets); compose.yaml passes the
// Compose Specification schema; every command line, DOCKET_* variable
// and configuration file they give docket is accepted by that binary; and
// each import rule in .golangci.yml (DESIGN.md's import directions, which
// `make lint` enforces) refuses what it must and nothing more.
//
// It imports nothing of ours.
package deploy
