# `opa test policies/gantry`: each pod rule refuses its violation, by name, and lets a good pod pass.
package gantry_test

import rego.v1

import data.gantry

digest := "ghcr.io/acme/api@sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"

good_container := {
	"name": "api",
	"image": digest,
	"resources": {"requests": {"cpu": "100m", "memory": "64Mi"}, "limits": {"memory": "128Mi"}},
	"securityContext": {"allowPrivilegeEscalation": false, "runAsNonRoot": true, "runAsUser": 65532},
}

deployment(container, pod) := {
	"apiVersion": "apps/v1",
	"kind": "Deployment",
	"metadata": {"name": "api"},
	"spec": {"template": {"spec": object.union(pod, {"containers": [container]})}},
}

# obj with key set to value (object.union would merge nested objects instead).
replaced(obj, key, value) := object.union(object.remove(obj, [key]), {key: value})

with_security(context) := replaced(good_container, "securityContext", context)

pod_input(container, pod) := {"manifests": [deployment(container, pod)], "image": "other"}

rules(container, pod) := {v.rule | some v in gantry.deny with input as pod_input(container, pod)}

test_good_pod_passes if {
	count(gantry.deny) == 0 with input as pod_input(good_container, {})
}

test_tag_is_refused if {
	rules(replaced(good_container, "image", "ghcr.io/acme/api:1.2.3"), {}) == {"digest_pinned"}
}

test_failure_names_rule_and_object if {
	some v in gantry.deny with input as pod_input(replaced(good_container, "image", "api:latest"), {})
	v.rule == "digest_pinned"
	v.object == "Deployment/api"
}

test_uid_0_is_refused if {
	rules(with_security({"runAsNonRoot": true, "runAsUser": 0}), {}) == {"non_root"}
}

test_missing_run_as_non_root_is_refused if {
	rules(with_security({"runAsUser": 1000}), {}) == {"non_root"}
}

test_pod_level_run_as_non_root_counts if {
	rules(with_security({}), {"securityContext": {"runAsNonRoot": true}}) == set()
}

test_container_overrides_pod if {
	rules(with_security({"runAsNonRoot": false}), {"securityContext": {"runAsNonRoot": true}}) == {"non_root"}
}

test_privilege_escalation_is_refused if {
	rules(with_security({"runAsNonRoot": true, "allowPrivilegeEscalation": true}), {}) == {"no_privileged"}
}

test_privileged_is_refused if {
	rules(with_security({"runAsNonRoot": true, "privileged": true}), {}) == {"no_privileged"}
}

test_host_namespaces_are_refused if {
	every field in ["hostNetwork", "hostPID", "hostIPC"] {
		rules(good_container, {field: true}) == {"no_host_namespaces"}
	}
}

test_missing_resources_are_refused if {
	rules(object.remove(good_container, ["resources"]), {}) == {"resources_set"}
	rules(replaced(good_container, "resources", {"requests": {"cpu": "1"}}), {}) == {"resources_set"}
}

test_init_containers_are_checked if {
	pod := {"initContainers": [object.union(good_container, {"name": "init", "image": "busybox"})]}
	rules(good_container, pod) == {"digest_pinned"}
}

test_cron_job_is_checked if {
	cron := {"kind": "CronJob", "metadata": {"name": "nightly"}, "spec": {"jobTemplate": {"spec": {"template": {"spec": {"hostPID": true, "containers": [good_container]}}}}}}
	violations := gantry.deny with input as {"manifests": [cron], "image": "other"}
	{[v.rule, v.object] | some v in violations} == {["no_host_namespaces", "CronJob/nightly"]}
}
