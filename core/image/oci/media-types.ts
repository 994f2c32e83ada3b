/** Media types Gantry writes (always OCI) and the Docker ones it accepts from a base image. */
export const OCI_INDEX = "application/vnd.oci.image.index.v1+json";
export const OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
export const OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
export const OCI_LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";
export const OCI_LAYER_ZSTD = "application/vnd.oci.image.layer.v1.tar+zstd";
export const OCI_LAYER_TAR = "application/vnd.oci.image.layer.v1.tar";

export const DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
export const DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json";
export const DOCKER_LAYER_GZIP = "application/vnd.docker.image.rootfs.diff.tar.gzip";

export const BASE_MANIFEST_TYPES = [OCI_MANIFEST, DOCKER_MANIFEST] as const;
export const BASE_CONFIG_TYPES = [OCI_CONFIG, DOCKER_CONFIG] as const;

/**
 * A base layer's media type in Gantry's OCI manifest. Docker's gzip layer is the same bytes as OCI's,
 * so only the name changes and the digest stays; foreign (Windows) layers cannot be redistributed.
 */
export const OCI_LAYER_TYPE_OF: Record<string, string> = {
  [OCI_LAYER_GZIP]: OCI_LAYER_GZIP,
  [OCI_LAYER_ZSTD]: OCI_LAYER_ZSTD,
  [OCI_LAYER_TAR]: OCI_LAYER_TAR,
  [DOCKER_LAYER_GZIP]: OCI_LAYER_GZIP,
};
