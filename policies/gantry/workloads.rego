# Where the pods of the rendered manifests are: every workload kind, its pod spec and its containers.
# The rules in the other files of package gantry read these, so a CronJob or a bare Pod is checked
# as a Deployment is.
package gantry

import rego.v1

# The pod template of each workload kind, by the path Kubernetes gives it.
pod_spec(obj) := obj.spec if obj.kind == "Pod"

pod_spec(obj) := obj.spec.template.spec if obj.kind in {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job"}

pod_spec(obj) := obj.spec.jobTemplate.spec.template.spec if obj.kind == "CronJob"

# kind/name: how a failure names the object.
object_name(obj) := sprintf("%s/%s", [obj.kind, obj.metadata.name])

# Every workload in the manifests with its pod spec.
workloads contains [obj, spec] if {
	some obj in input.manifests
	spec := pod_spec(obj)
}

# Every container of a workload (init and ephemeral containers too), with its workload.
containers contains [obj, spec, container] if {
	some [obj, spec] in workloads
	some field in ["initContainers", "containers", "ephemeralContainers"]
	some container in object.get(spec, field, [])
}

# A failure: the rule's name, the object (kind/name) and what is wrong.
violation(rule, obj, message) := {"rule": rule, "object": object_name(obj), "message": message}
