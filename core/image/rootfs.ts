import type { RuntimeBase } from "./bases.js";

export const CA_BUNDLE_PATH = "/etc/ssl/certs/ca-certificates.crt";
export const ZONEINFO_PATH = "/usr/share/zoneinfo";
export const NONROOT_HOME = "/home/nonroot";

export interface RootfsFile {
  path: string;
  contents: string;
  /** Octal file mode, e.g. 0o644. */
  mode: number;
}

export interface RootfsDirectory {
  path: string;
  mode: number;
  /** `uid:gid` */
  owner: string;
}

/** A file or directory tree copied from the Go build container (a Debian-based golang image has both) to the same path. */
export interface BuilderCopy {
  path: string;
  directory: boolean;
}

/** What a base lacks and Gantry adds before the binary. */
export interface Rootfs {
  files: RootfsFile[];
  directories: RootfsDirectory[];
  fromBuilder: BuilderCopy[];
}

/**
 * Scratch gets the few files distroless would have given it: passwd and group entries for the user
 * (so user lookups and `ls -l` work), a home, a world-writable /tmp (os.TempDir), and the CA bundle.
 */
export function planRootfs(base: RuntimeBase, uid: number, tzdata: boolean): Rootfs {
  const files: RootfsFile[] = [];
  const directories: RootfsDirectory[] = [];
  const fromBuilder: BuilderCopy[] = [];
  if (base.needsPasswd) {
    files.push({ path: "/etc/passwd", contents: passwd(uid), mode: 0o644 }, { path: "/etc/group", contents: group(uid), mode: 0o644 });
    directories.push({ path: "/tmp", mode: 0o1777, owner: "0:0" }, { path: NONROOT_HOME, mode: 0o755, owner: `${uid}:${uid}` });
  }
  if (base.needsCaCerts) fromBuilder.push({ path: CA_BUNDLE_PATH, directory: false });
  if (tzdata && !base.hasTzdata) fromBuilder.push({ path: ZONEINFO_PATH, directory: true });
  return { files, directories, fromBuilder };
}

function passwd(uid: number): string {
  return ["root:x:0:0:root:/root:/sbin/nologin", `nonroot:x:${uid}:${uid}:nonroot:${NONROOT_HOME}:/sbin/nologin`, ""].join("\n");
}

function group(gid: number): string {
  return ["root:x:0:", `nonroot:x:${gid}:`, ""].join("\n");
}
