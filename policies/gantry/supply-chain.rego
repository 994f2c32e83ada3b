# Where the image comes from: signed by the pipeline's identity, scanned and passed recently.
# Checked for every container that runs the image being rolled out (input.image), whose verified
# attestations Gantry puts in input.attestations and whose scan summary in input.scan.
package gantry

import rego.v1

# The containers running the released image.
released contains [obj, c] if {
	some [obj, _, c] in containers
	c.image == input.image
}

deny contains violation("signed_by_pipeline", obj, "no identity to check signatures against: set policy.identity (issuer and subject, or key) in the environment") if {
	some [obj, _] in released
	not input.expect.identity
}

deny contains violation("signed_by_pipeline", obj, sprintf("image %q has no verified signature by %s", [input.image, identity_text(input.expect.identity)])) if {
	some [obj, _] in released
	input.expect.identity
	not signed_by_expected
}

signed_by_expected if {
	some signature in input.attestations.signatures
	every field, value in input.expect.identity {
		signature[field] == value
	}
}

identity_text(id) := sprintf("key %s", [id.key]) if id.key

identity_text(id) := sprintf("issuer %s, subject %s", [id.issuer, id.subject]) if not id.key

deny contains violation("scan_passed", obj, sprintf("image %q has no scan result", [input.image])) if {
	some [obj, _] in released
	not input.scan
}

deny contains violation("scan_passed", obj, sprintf("the scan of %q did not pass (%s)", [input.image, input.scan.verdict])) if {
	some [obj, _] in released
	input.scan.verdict != "passed"
}

deny contains violation("scan_recent", obj, sprintf("the scan of %q is from %s, older than %d day(s)", [input.image, input.scan.scannedAt, input.expect.maxScanAgeDays])) if {
	some [obj, _] in released
	age_ns := time.parse_rfc3339_ns(input.now) - time.parse_rfc3339_ns(input.scan.scannedAt)
	age_ns > (input.expect.maxScanAgeDays * ((24 * 60) * 60)) * 1000000000
}
