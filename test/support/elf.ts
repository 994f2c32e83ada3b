// Reads just enough of an ELF header to tell whether a binary is statically linked and which
// machine it targets, so host tests need no `file` or `ldd`.
import { readFileSync } from "node:fs";

const PT_INTERP = 3;
const PT_DYNAMIC = 2;
const MACHINES: Record<number, string> = { 0x3e: "amd64", 0xb7: "arm64", 0x28: "arm", 0x03: "386" };

export interface ElfInfo {
  arch: string;
  static: boolean;
}

export function readElf(path: string): ElfInfo {
  const buf = readFileSync(path);
  if (buf.readUInt32BE(0) !== 0x7f454c46) throw new Error(`${path} is not an ELF file`);
  const is64 = buf[4] === 2;
  const machine = buf.readUInt16LE(18);
  const phoff = is64 ? Number(buf.readBigUInt64LE(32)) : buf.readUInt32LE(28);
  const phentsize = buf.readUInt16LE(is64 ? 54 : 42);
  const phnum = buf.readUInt16LE(is64 ? 56 : 44);
  let dynamic = false;
  for (let i = 0; i < phnum; i++) {
    const type = buf.readUInt32LE(phoff + i * phentsize);
    if (type === PT_INTERP || type === PT_DYNAMIC) dynamic = true;
  }
  return { arch: MACHINES[machine] ?? `machine-${machine}`, static: !dynamic };
}
