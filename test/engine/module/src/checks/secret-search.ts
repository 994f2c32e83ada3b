// The search the secrets check runs in a container; engine-free, so test/host runs it with the host's tools.

/**
 * Lists every file under $OUT, and every blob of the image layout in $OUT/image.tar (each layer
 * decompressed, unpacked into $LAYOUT), that holds $CANARY; prints names only, never the text.
 */
export const SECRET_SEARCH_SCRIPT = `
set -u
grep -rlF -- "$CANARY" "$OUT" || true
mkdir -p "$LAYOUT" && tar -xf "$OUT/image.tar" -C "$LAYOUT"
for blob in "$LAYOUT"/blobs/sha256/*; do
  if gzip -t "$blob" 2>/dev/null; then
    gzip -dc "$blob" | grep -qF -- "$CANARY" && echo "layer $(basename "$blob")"
  fi
done
true
`;
