// A SIMULATION of the few kubectl commands the rollout loop runs, over an in-memory cluster. It lets
// unit tests drive runRollout() through every branch quickly; the same loop runs against a real
// API server in test/host/kube-*.test.ts.
import { parseAllDocuments } from "yaml";
import type { Clock, Kubectl, Ran } from "../../core/kube/ports.js";

type Obj = Record<string, any>;
export type Health = "ready" | "never-ready" | "crashloop";

export class ClusterSimulation implements Kubectl {
  readonly objects = new Map<string, Obj>();
  /** Pod templates each Deployment has had, in order (each one a ReplicaSet). */
  readonly history = new Map<string, string[]>();
  readonly calls: string[][] = [];
  /** How the pods of a revision (gantry.dev/revision) behave; ready unless told. */
  health: (revision: string | undefined) => Health = () => "ready";

  constructor(readonly clock: FakeClock) {}

  private key(kind: string, name: string): string {
    return `${kind.toLowerCase()}/${name}`;
  }

  async run(argv: string[], stdin?: string): Promise<Ran> {
    this.calls.push(argv);
    const [, verb, ...rest] = argv;
    const ok = (stdout = ""): Ran => ({ status: 0, stdout, stderr: "" });
    switch (verb) {
      case "apply":
        for (const doc of parseAllDocuments(stdin ?? "")) this.apply(doc.toJS() as Obj);
        return ok();
      case "get":
        return ok(JSON.stringify({ kind: "List", items: this.list(argv).filter(selectedBy(argv)) }));
      case "annotate": {
        const obj = this.objects.get(this.ref(rest));
        if (!obj) return { status: 1, stdout: "", stderr: "NotFound" };
        const ann = (obj.metadata.annotations ??= {});
        for (const a of rest.filter((r) => /=|-$/.test(r) && !r.startsWith("--"))) {
          if (a.endsWith("-") && !a.includes("=")) delete ann[a.slice(0, -1)];
          else ann[a.slice(0, a.indexOf("="))] = a.slice(a.indexOf("=") + 1);
        }
        return ok();
      }
      case "scale": {
        const obj = this.objects.get(this.ref(rest))!;
        obj.spec.replicas = Number(rest.find((r) => r.startsWith("--replicas="))!.split("=")[1]);
        return ok();
      }
      case "delete":
        for (const r of rest.filter((r) => r.includes("/"))) {
          this.objects.delete(r);
          this.history.delete(r);
        }
        return ok();
      case "rollout": {
        const [sub, ...more] = rest;
        const ref = this.ref(more);
        const d = this.objects.get(ref)!;
        if (sub === "undo") {
          const h = this.history.get(ref)!;
          const current = JSON.stringify(d.spec.template);
          const previous = [...h].reverse().find((t) => t !== current);
          if (!previous) return { status: 1, stdout: "", stderr: "no rollout history found" };
          d.spec.template = JSON.parse(previous);
          h.push(previous);
          return ok();
        }
        const healthy = this.health(d.spec.template.metadata.annotations?.["gantry.dev/revision"]) === "ready";
        if (!healthy) this.clock.advance(Number(/--timeout=(\d+)s/.exec(more.join(" "))?.[1] ?? 0) * 1000);
        return healthy ? ok("successfully rolled out") : { status: 1, stdout: "", stderr: "error: timed out waiting for the condition" };
      }
    }
    return { status: 1, stdout: "", stderr: `simulation: unsupported ${verb}` };
  }

  private ref(args: string[]): string {
    return args.find((a) => /^[a-z]+\/./.test(a))!;
  }

  private apply(o: Obj): void {
    const key = this.key(o.kind, o.metadata.name);
    const existing = this.objects.get(key);
    const merged = existing
      ? { ...existing, ...o, metadata: { ...existing.metadata, ...o.metadata, annotations: { ...existing.metadata.annotations, ...o.metadata.annotations } } }
      : o;
    if (o.kind === "Deployment") {
      merged.spec = { ...o.spec, replicas: o.spec.replicas ?? existing?.spec.replicas ?? 1 };
      const h = this.history.get(key) ?? [];
      const t = JSON.stringify(merged.spec.template);
      if (h[h.length - 1] !== t) h.push(t);
      this.history.set(key, h);
    }
    this.objects.set(key, merged);
  }

  /** ReplicaSets a Deployment has had (one per distinct template it ran). */
  replicaSets(name: string): number {
    return new Set(this.history.get(`deployment/${name}`) ?? []).size;
  }

  private list(argv: string[]): Obj[] {
    const items: Obj[] = [];
    for (const o of this.objects.values()) {
      if (o.kind !== "Deployment") {
        items.push(o);
        continue;
      }
      const health = this.health(o.spec.template.metadata.annotations?.["gantry.dev/revision"]);
      const n = o.spec.replicas;
      const ready = health === "ready" ? n : 0;
      items.push({
        ...o,
        metadata: { ...o.metadata, generation: 1 },
        status: { observedGeneration: 1, replicas: n, updatedReplicas: n, readyReplicas: ready },
      });
      for (let i = 0; i < n; i++) {
        items.push({
          kind: "Pod",
          metadata: { name: `${o.metadata.name}-${i}`, labels: o.spec.template.metadata.labels, annotations: o.spec.template.metadata.annotations },
          status: { containerStatuses: [{ restartCount: health === "crashloop" ? 5 : 0 }] },
        });
      }
    }
    void argv;
    return items;
  }
}

/** kubectl's `--selector key=value`: only the objects with that label (all of them without one). */
function selectedBy(argv: string[]): (o: Obj) => boolean {
  const i = argv.indexOf("--selector");
  if (i < 0) return () => true;
  const [key, value] = argv[i + 1]!.split("=");
  return (o) => o.metadata?.labels?.[key!] === value;
}

export class FakeClock implements Clock {
  constructor(public time = Date.UTC(2026, 0, 1)) {}
  now(): number {
    return this.time;
  }
  async sleep(ms: number): Promise<void> {
    this.time += ms;
  }
  advance(ms: number): void {
    this.time += ms;
  }
}
