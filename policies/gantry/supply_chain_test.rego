# `opa test policies/gantry`: the image's signature and scan, judged for the containers running it.
package gantry_test

import rego.v1

import data.gantry

identity := {"issuer": "https://token.actions.githubusercontent.com", "subject": "https://github.com/acme/api/.github/workflows/gantry-publish.yml@refs/heads/main"}

released_input := {
	"now": "2026-12-07T12:00:00Z",
	"image": digest,
	"manifests": [deployment(good_container, {})],
	"attestations": {"signatures": [identity]},
	"scan": {"verdict": "passed", "scannedAt": "2026-12-05T12:00:00Z"},
	"expect": {"identity": identity, "maxScanAgeDays": 7},
}

released_rules(patch) := {v.rule | some v in gantry.deny with input as object.union(released_input, patch)}

rules_of(doc) := {v.rule | some v in gantry.deny with input as doc}

test_signed_scanned_image_passes if {
	released_rules({}) == set()
}

test_unsigned_is_refused if {
	released_rules({"attestations": {"signatures": []}}) == {"signed_by_pipeline"}
}

test_other_identity_is_refused if {
	other := object.union(identity, {"subject": "https://github.com/evil/fork/.github/workflows/x.yml@refs/heads/main"})
	released_rules({"attestations": {"signatures": [other]}}) == {"signed_by_pipeline"}
}

test_key_identity if {
	key := {"key": "env:COSIGN_PUBLIC_KEY"}
	by_key := json.patch(released_input, [{"op": "replace", "path": "/expect/identity", "value": key}])
	rules_of(json.patch(by_key, [{"op": "replace", "path": "/attestations/signatures", "value": [key]}])) == set()
	rules_of(json.patch(by_key, [{"op": "replace", "path": "/attestations/signatures", "value": [{"key": "env:OTHER_KEY"}]}])) == {"signed_by_pipeline"}
	rules_of(by_key) == {"signed_by_pipeline"}
}

test_no_expected_identity_is_refused if {
	rules_of(json.remove(released_input, ["expect/identity"])) == {"signed_by_pipeline"}
}

test_failed_scan_is_refused if {
	released_rules({"scan": {"verdict": "failed"}}) == {"scan_passed"}
}

test_missing_scan_is_refused if {
	rules_of(object.remove(released_input, ["scan"])) == {"scan_passed"}
}

test_old_scan_is_refused if {
	released_rules({"scan": {"scannedAt": "2026-11-29T11:59:59Z"}}) == {"scan_recent"}
}
