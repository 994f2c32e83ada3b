#!/usr/bin/env bash
# Installs what Gantry's tests need on a fresh machine: the npm packages and the real tools the
# host tests run (go must already be installed). Safe to run again: each step skips work done.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "--- npm packages (exactly the lock: a drift fails here, loudly)"
npm ci --no-audit --no-fund

echo "--- debian packages: docker-registry, htpasswd (apache2-utils), prometheus, shellcheck, busybox, groovy (compiles the generated Jenkinsfile), rsync (gitlab-ci-local's shell executor)"
bash scripts/install-apt.sh docker-registry apache2-utils prometheus shellcheck busybox groovy rsync

echo "--- crane (built from the Go module proxy into .tools/bin)"
bash scripts/install-crane.sh

echo "--- trivy (built from the Go module proxy into .tools/bin)"
bash scripts/install-trivy.sh

echo "--- helm v4 (built from the Go module proxy into .tools/helm; renders, lints, packages and pushes charts in the host tests)"
bash scripts/install-helm.sh

echo "--- kubernetes control plane, etcd, kwok, Gateway API CRDs (built from the Go module proxy into .tools/kube)"
bash scripts/install-kube.sh

echo "--- prometheus with Kubernetes SD, for the embedded deploy (built from the Go module proxy into .tools/prometheus)"
bash scripts/install-prometheus.sh

echo "--- actionlint (built from the Go module proxy into .tools/bin; lints the generated GitHub workflows)"
bash scripts/install-actionlint.sh

echo "--- gitlab-ci-local and the Node it needs (npm packages into .tools/gitlab-ci-local; checks the generated .gitlab-ci.yml)"
bash scripts/install-gitlab-ci-local.sh

echo "--- tools"
go version
.tools/bin/trivy --version | sed -n 1p
"${GANTRY_HELM_DIR:-.tools/helm/$(sed -n 's/^VERSION=//p' scripts/install-helm.sh)}/bin/helm" version --template '{{.Version}}'; echo
prometheus --version 2>&1 | sed -n 1p
"${GANTRY_PROMETHEUS_DIR:-.tools/prometheus/$(sed -n 's/^VERSION=//p' scripts/install-prometheus.sh)}/bin/prometheus" --version 2>&1 | sed -n 1p
busybox | sed -n 1p
.tools/bin/actionlint -version | sed -n 1p
shellcheck --version | sed -n 2p
.tools/bin/gitlab-ci-local --version
JAVA_HOME="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}" groovy --version
