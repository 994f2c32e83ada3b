// What `demo` starts as Dagger services, each pinned and each overridable by the flag
// named here, and how a piece that cannot be pulled is reported.
import { ArgumentError, flagName } from "../errors.js";
import { parseImageReference } from "../image/reference.js";

export type PieceName = "k3s" | "registry" | "prometheus";

export interface Piece {
  /** The pinned default image. */
  image: string;
  /** The demo argument that overrides it (`--kubernetes-image` on the CLI; a name with a digit, k3sImage, would reach the CLI as --k-3-s-image). */
  argument: "kubernetesImage" | "registryImage" | "prometheusImage";
  /** The host name the other containers reach it by. */
  host: string;
  port: number;
  what: string;
}

/**
 * k3s follows the minor version of the control plane the host tests run (v1.36); the registry is
 * distribution v3; prometheus/prometheus's image is busybox-based, so it also runs the demo's
 * traffic loop and Gantry's queries (wget).
 */
export const PIECES: Record<PieceName, Piece> = {
  k3s: { image: "rancher/k3s:v1.36.4-k3s1", argument: "kubernetesImage", host: "gantry-k3s", port: 6443, what: "Kubernetes (k3s) server" },
  registry: { image: "registry:3.0.0", argument: "registryImage", host: "gantry-registry", port: 5000, what: "OCI registry" },
  prometheus: { image: "prom/prometheus:v3.16.0", argument: "prometheusImage", host: "gantry-prometheus", port: 9090, what: "Prometheus" },
};

export type PieceImages = Record<PieceName, string>;

/** The images to run: the pins, with the overrides given (checked as image references, naming the flag). */
export function pieceImages(overrides: Partial<Record<PieceName, string>>): PieceImages {
  const pick = (name: PieceName): string => {
    const given = overrides[name];
    if (!given) return PIECES[name].image;
    parseImageReference(given, PIECES[name].argument);
    return given;
  };
  return { k3s: pick("k3s"), registry: pick("registry"), prometheus: pick("prometheus") };
}

/**
 * The error for an image the engine could not pull: what needed it, the engine's own first line, and
 * the flag to point at a mirror (an air-gapped network has no Docker Hub).
 */
export function pullFailure(name: PieceName, image: string, cause: string): ArgumentError {
  const piece = PIECES[name];
  const firstLine = cause.trim().split("\n")[0]?.trim() || "no reason given";
  return new ArgumentError(
    piece.argument,
    `could not pull ${image} for the embedded ${piece.what} (${firstLine}). Without access to its registry (an air-gapped network), copy it to one you can reach and pass ${flagName(piece.argument)} <your registry>/${image.split("/").pop()}`,
  );
}

/**
 * The error for an image that was pulled but did not start as the piece (a k3s flag pointing at
 * another image, say): what needed it, the end of what it said, and the flag that chose it.
 */
export function startFailure(name: PieceName, image: string, said: string): ArgumentError {
  const piece = PIECES[name];
  const reason = said.trim() || "it printed nothing";
  return new ArgumentError(
    piece.argument,
    `the embedded ${piece.what} did not start from ${image}:\n${reason}\n${flagName(piece.argument)} must name a ${piece.what} image: ${piece.image} (the default) or a mirror of it`,
  );
}
