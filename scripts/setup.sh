#!/usr/bin/env bash
# Installs what Gantry's tests need on a fresh machine: the npm packages and the real tools the
# host tests run (go must already be installed). Safe to run again: each step skips work done.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "--- npm packages (exactly the lock: a drift fails here, loudly)"
npm ci --no-audit --no-fund

echo "--- debian packages: docker-registry, htpasswd (apache2-utils), prometheus, shellcheck, busybox, groovy (compiles the generated Jenkinsfile), rsync (gitlab-ci-local's shell executor), git (the GitOps handoff's git and its http-backend server)"
bash scripts/install-apt.sh docker-registry apache2-utils prometheus shellcheck busybox groovy rsync git

echo "--- crane (built from the Go module proxy into .tools/bin)"
bash scripts/install-crane.sh

echo "--- cosign (built from the Go module proxy into .tools/cosign; signs and verifies attestations in the host tests)"
bash scripts/install-cosign.sh

echo "--- trivy (built from the Go module proxy into .tools/bin)"
bash scripts/install-trivy.sh

echo "--- helm v4 (built from the Go module proxy into .tools/helm; renders, lints, packages and pushes charts in the host tests)"
bash scripts/install-helm.sh

echo "--- kubernetes control plane, etcd, kwok, Gateway API CRDs (built from the Go module proxy into .tools/kube)"
bash scripts/install-kube.sh

echo "--- Argo CD and Flux CRDs (from the Go module proxy into .tools/gitops-crds; the GitOps sync objects are dry-run against them)"
bash scripts/install-gitops-crds.sh

echo "--- prometheus with Kubernetes SD, for the embedded deploy (built from the Go module proxy into .tools/prometheus)"
bash scripts/install-prometheus.sh

echo "--- opa (built from the Go module proxy into .tools/opa/<version>; evaluates and tests the Rego policies)"
bash scripts/install-opa.sh

echo "--- the Prometheus Pushgateway (built from the Go module proxy into .tools/pushgateway; receives a rollout's step metrics)"
bash scripts/install-pushgateway.sh

echo "--- actionlint (built from the Go module proxy into .tools/bin; lints the generated GitHub workflows)"
bash scripts/install-actionlint.sh

echo "--- gitlab-ci-local and the Node it needs (npm packages into .tools/gitlab-ci-local; checks the generated .gitlab-ci.yml)"
bash scripts/install-gitlab-ci-local.sh

echo "--- tools"
go version
.tools/bin/trivy --version | sed -n 1p
"${GANTRY_COSIGN_DIR:-.tools/cosign/$(sed -n 's/^VERSION=//p' scripts/install-cosign.sh)}/bin/cosign" version 2>&1 | grep GitVersion
"${GANTRY_HELM_DIR:-.tools/helm/$(sed -n 's/^VERSION=//p' scripts/install-helm.sh)}/bin/helm" version --template '{{.Version}}'; echo
prometheus --version 2>&1 | sed -n 1p
"${GANTRY_PROMETHEUS_DIR:-.tools/prometheus/$(sed -n 's/^VERSION=//p' scripts/install-prometheus.sh)}/bin/prometheus" --version 2>&1 | sed -n 1p
busybox | sed -n 1p
".tools/opa/$(sed -n 's/^VERSION=//p' scripts/install-opa.sh)/bin/opa" version | sed -n 1p
.tools/bin/actionlint -version | sed -n 1p
shellcheck --version | sed -n 2p
.tools/bin/gitlab-ci-local --version
JAVA_HOME="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}" groovy --version
