# What a pod may be: images pinned by digest, non-root, unprivileged, outside the host's
# namespaces, with resources set. Each rule adds its failures to `deny`.
package gantry

import rego.v1

# An image by digest cannot change under the name it was checked by; a tag can.
deny contains violation("digest_pinned", obj, sprintf("container %q runs %q, not pinned by digest (repository@sha256:<64 hex>)", [c.name, c.image])) if {
	some [obj, _, c] in containers
	not regex.match(`@sha256:[a-f0-9]{64}$`, c.image)
}

# runAsNonRoot must hold for the container, set on it or inherited from the pod.
deny contains violation("non_root", obj, sprintf("container %q does not set runAsNonRoot: true (on the container or the pod)", [c.name])) if {
	some [obj, spec, c] in containers
	not runs_as_non_root(spec, c)
}

# A helper rule: `not f(x) == true` would hoist the call out of the negation and be undefined.
runs_as_non_root(spec, c) if effective(spec, c, "runAsNonRoot") == true

# An explicit uid 0 defeats runAsNonRoot at admission only when the kubelet checks; refuse it here.
deny contains violation("non_root", obj, sprintf("container %q runs as uid 0 (runAsUser)", [c.name])) if {
	some [obj, spec, c] in containers
	effective(spec, c, "runAsUser") == 0
}

deny contains violation("no_privileged", obj, sprintf("container %q is privileged", [c.name])) if {
	some [obj, _, c] in containers
	c.securityContext.privileged == true
}

deny contains violation("no_privileged", obj, sprintf("container %q allows privilege escalation", [c.name])) if {
	some [obj, _, c] in containers
	c.securityContext.allowPrivilegeEscalation == true
}

deny contains violation("no_host_namespaces", obj, sprintf("the pod sets %s: true", [field])) if {
	some [obj, spec] in workloads
	some field in ["hostNetwork", "hostPID", "hostIPC"]
	spec[field] == true
}

deny contains violation("resources_set", obj, sprintf("container %q sets no %s", [c.name, path])) if {
	some [obj, _, c] in containers
	some path in ["requests.cpu", "requests.memory", "limits.memory"]
	[group, resource] := split(path, ".")
	not c.resources[group][resource]
}

# A container's setting wins over the pod's.
effective(_, c, field) := c.securityContext[field]

effective(spec, c, field) := spec.securityContext[field] if not has_key(object.get(c, "securityContext", {}), field)

has_key(obj, key) if _ = obj[key]
