import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
const c0 = process.cpuUsage();
const [srcFiles, bindings, name, mode] = [JSON.parse(process.argv[2]!) as string[], process.argv[3]!, process.argv[4]!, process.argv[5]];
const sdkEntry = pathToFileURL(createRequire(import.meta.url).resolve("@dagger.io/dagger"));
const { scan } = await import(new URL("./module/introspector/index.js", sdkEntry).href);
const c1 = process.cpuUsage(c0);
if (mode === "import") {
  await Promise.all(srcFiles.map((f) => import(f)));
} else await scan([...srcFiles, bindings], name, mode === "1");
const c2 = process.cpuUsage(c0);
const ms = (c: NodeJS.CpuUsage) => Math.round((c.user + c.system) / 1000);
console.log(name, mode, JSON.stringify({ importSdk: ms(c1), total: ms(c2) }));
