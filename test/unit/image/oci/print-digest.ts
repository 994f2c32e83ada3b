// Prints the digest of the fixed OCI test image; image-layout.test.ts runs it in another process.
import { planOciImage } from "../../../../core/image/oci/image-layout.js";
import { scratchParts, scratchPlan } from "./inputs.js";

process.stdout.write(planOciImage(scratchPlan(), scratchParts()).digest);
