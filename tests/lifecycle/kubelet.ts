// The kubelet for one pod: sandbox and IP, init containers in order (the bootstrap gate is
// interpreted, any other init container succeeds after a second), the main container (RobustMQ)
// with restart back-off 10 s, 20 s, 40 s ... 300 s (reset after 10 min running), and the probes:
// startup gates readiness and liveness; liveness or startup failures restart the container.
// Init containers run again only when the pod is recreated, never on a container restart.
import { GateRun, gateSpec } from "./gate";
import { GATE_CONTAINER, mainContainer } from "./objects";
import { loadServerConfig } from "./robustmq-config";
import { parseLoggerToml } from "./logger";
import { RobustMQ } from "./robustmq";
import { Mount, MountTable, Volume } from "./volumes";
import { NODE_LOSS_POD_GC_SECONDS, Pod, ProbeState, World } from "./world";
import { resolvePath } from "./util";

export const SANDBOX_SECONDS = 1;
/** Container start latency: 1.5 to 3 s (image present, volume mounted). */
const startLatency = (w: World) => w.latency(1.5, 1.5);
/** An init container stops on SIGTERM within this time. */
const INIT_STOP_SECONDS = 1;
const BACKOFF_START = 10;
const BACKOFF_CAP = 300;
const BACKOFF_RESET_AFTER = 600;

/** The container's environment as the kubelet computes it: fieldRefs, secrets, $(VAR) expansion. */
export function containerEnv(w: World, p: Pod, container: any): Record<string, string> {
  const env: Record<string, string> = {};
  for (const e of container.env ?? []) {
    let v: string | undefined;
    if (e.value !== undefined) {
      v = String(e.value).replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (m, name) => (m === "$$" ? "$" : (env[name] ?? m)));
    } else if (e.valueFrom?.fieldRef !== undefined) {
      const f: string = e.valueFrom.fieldRef.fieldPath;
      const label = /^metadata\.labels\['(.+)'\]$/.exec(f);
      v =
        f === "metadata.name" ? p.name : f === "metadata.namespace" ? p.namespace : f === "status.podIP" ? p.ip : f === "spec.nodeName" ? p.node : label ? (p.labels[label[1]] ?? "") : "";
    } else if (e.valueFrom?.secretKeyRef !== undefined) {
      const key = String(e.valueFrom.secretKeyRef.key);
      v = key.endsWith(".toml") ? '"model-secret-value"' : "model-secret-value";
    } else if (e.valueFrom?.configMapKeyRef !== undefined) {
      v = w.getObject("ConfigMap", p.namespace, e.valueFrom.configMapKeyRef.name)?.data?.[e.valueFrom.configMapKeyRef.key];
    }
    if (v !== undefined) {
      env[e.name] = v;
    }
  }
  return env;
}

function snapshot(id: string, files: Record<string, string>): Volume {
  const v = new Volume(id, false);
  for (const [path, text] of Object.entries(files)) {
    v.mkdirp(path.split("/").slice(0, -1).join("/"));
    v.files.set(path, text);
  }
  return v;
}

/** The container's mounts, or the reason they cannot be set up yet (a missing ConfigMap or Secret). */
export function mountsFor(w: World, p: Pod, container: any): MountTable | string {
  const mounts: Mount[] = [];
  for (const vm of container.volumeMounts ?? []) {
    const spec = (p.spec.volumes ?? []).find((v: any) => v.name === vm.name);
    const vct = w.statefulSets.get(`${p.namespace}/${p.sts}`)?.body.spec.volumeClaimTemplates?.find((c: any) => c.metadata.name === vm.name);
    let volume: Volume;
    if (vct !== undefined || spec?.persistentVolumeClaim !== undefined) {
      const claimName = spec?.persistentVolumeClaim?.claimName ?? `${vm.name}-${p.name}`;
      const claim = w.claims.get(`${p.namespace}/${claimName}`);
      if (claim === undefined) {
        return `claim ${claimName} missing`;
      }
      volume = claim.volume;
    } else if (spec?.emptyDir !== undefined) {
      volume = p.emptyDirs.get(vm.name) ?? new Volume(`emptyDir:${p.name}/${vm.name}`);
      p.emptyDirs.set(vm.name, volume);
    } else if (spec?.configMap !== undefined) {
      const cm = w.getObject("ConfigMap", p.namespace, spec.configMap.name);
      if (cm === undefined) {
        return `ConfigMap ${spec.configMap.name} missing`;
      }
      const data: Record<string, string> = cm.data ?? {};
      const items: Array<{ key: string; path: string }> = spec.configMap.items ?? Object.keys(data).map((k) => ({ key: k, path: k }));
      const missing = items.find((i) => data[i.key] === undefined);
      if (missing !== undefined) {
        return `ConfigMap ${spec.configMap.name} has no key ${missing.key}`;
      }
      volume = snapshot(`cm:${spec.configMap.name}`, Object.fromEntries(items.map((i) => [i.path, data[i.key]])));
    } else if (spec?.secret !== undefined) {
      const name = spec.secret.secretName;
      const exists =
        w.getObject("Secret", p.namespace, name) !== undefined || w.listObjects("Certificate").some((c) => c.metadata.namespace === p.namespace && c.spec?.secretName === name);
      if (!exists) {
        return `Secret ${name} missing`;
      }
      volume = snapshot(`secret:${name}`, {});
    } else {
      volume = new Volume(`other:${vm.name}`);
    }
    mounts.push({ path: vm.mountPath, volume, readOnly: vm.readOnly === true, subPath: vm.subPath });
  }
  const rootfs = new Volume(`rootfs:${p.name}:${container.name}:${w.t}`, container.securityContext?.readOnlyRootFilesystem !== true);
  return new MountTable(mounts, rootfs);
}

function confPath(container: any): string {
  const argv: string[] = [...(container.command ?? []), ...(container.args ?? [])];
  const conf = argv.find((a) => a.startsWith("--conf="));
  return conf === undefined ? "./config/server.toml" : conf.slice("--conf=".length);
}

/** Starts RobustMQ in the main container; false when the container cannot be created yet. */
function startMain(w: World, p: Pod): boolean {
  const c = mainContainer(p.spec);
  const fs = mountsFor(w, p, c);
  if (typeof fs === "string") {
    return false;
  }
  const env = containerEnv(w, p, c);
  const cwd = c.workingDir ?? "/robustmq";
  const text = fs.read(resolvePath(cwd, confPath(c)));
  let proc: RobustMQ;
  try {
    if (text === undefined) {
      throw new Error(`config file ${confPath(c)} missing`);
    }
    const cfg = loadServerConfig(text, env);
    const loggerText = fs.read(resolvePath(cwd, cfg.logConfig));
    if (loggerText === undefined) {
      throw new Error(`logger config ${cfg.logConfig} missing`);
    }
    proc = new RobustMQ(w, p, cfg, fs, parseLoggerToml(loggerText), cwd, w.t);
  } catch (e) {
    // Not a RobustMQ process that gets anywhere: model it as one that exits at once.
    proc = new RobustMQ(w, p, loadServerConfig("", {}), fs, [], cwd, w.t);
    p.proc = proc;
    proc.die(1, `start-up failed: ${(e as Error).message}`);
    return true;
  }
  p.proc = proc;
  p.probes = newProbeState(w.t, c);
  w.event(p, "container-started", `restart ${p.restarts}`);
  proc.boot();
  return true;
}

function newProbeState(now: number, c: any): ProbeState {
  const d = (probe: any) => now + Number(probe?.initialDelaySeconds ?? 0);
  return {
    startupPassed: c.startupProbe === undefined,
    next: { startup: d(c.startupProbe), readiness: d(c.readinessProbe), liveness: d(c.livenessProbe) },
    successes: { startup: 0, readiness: 0, liveness: 0 },
    failures: { startup: 0, readiness: 0, liveness: 0 },
  };
}

function tcpProbe(w: World, p: Pod, c: any, probe: any): boolean {
  const port = probe.tcpSocket?.port;
  if (port === undefined) {
    return true; // exec/http probes are not modelled: treat as passing
  }
  const n = typeof port === "number" ? port : (c.ports ?? []).find((x: any) => x.name === port)?.containerPort;
  return n !== undefined && w.listeningPorts(p).has(n);
}

function runProbes(w: World, p: Pod): void {
  const c = mainContainer(p.spec);
  const ps = p.probes as ProbeState;
  const kinds: Array<"startup" | "readiness" | "liveness"> = ps.startupPassed ? ["readiness", "liveness"] : ["startup"];
  for (const kind of kinds) {
    const probe = c[`${kind}Probe`];
    if (probe === undefined) {
      if (kind === "readiness") {
        setReady(w, p, true);
      }
      continue;
    }
    if (w.t < ps.next[kind]) {
      continue;
    }
    ps.next[kind] = w.t + Number(probe.periodSeconds ?? 10);
    const ok = tcpProbe(w, p, c, probe);
    ps.successes[kind] = ok ? ps.successes[kind] + 1 : 0;
    ps.failures[kind] = ok ? 0 : ps.failures[kind] + 1;
    const successThreshold = Number(probe.successThreshold ?? 1);
    const failureThreshold = Number(probe.failureThreshold ?? 3);
    if (kind === "startup") {
      if (ps.successes.startup >= successThreshold) {
        ps.startupPassed = true;
        ps.next.readiness = Math.max(ps.next.readiness, w.t + 0.5);
        ps.next.liveness = Math.max(ps.next.liveness, w.t + 0.5);
      } else if (ps.failures.startup >= failureThreshold) {
        w.event(p, "startup-probe-failed", "");
        p.proc?.die(137, "startup probe failed");
      }
    } else if (kind === "readiness") {
      if (ps.successes.readiness >= successThreshold) {
        setReady(w, p, true);
      } else if (ps.failures.readiness >= failureThreshold) {
        setReady(w, p, false);
      }
    } else if (ps.failures.liveness >= failureThreshold) {
      w.event(p, "liveness-probe-failed", "");
      p.proc?.die(137, "liveness probe failed");
    }
  }
}

function setReady(w: World, p: Pod, ready: boolean): void {
  if (ready && !p.ready) {
    p.ready = true;
    p.readySince = w.t;
    w.event(p, "ready", "");
  } else if (!ready && p.ready) {
    p.ready = false;
    p.readySince = undefined;
    w.event(p, "not-ready", "");
  }
}

function runInit(w: World, p: Pod): void {
  const inits: any[] = p.spec.initContainers ?? [];
  while (p.initIndex < inits.length) {
    p.initStartAt ??= w.t + startLatency(w);
    if (w.t < p.initStartAt) {
      return;
    }
    const c = inits[p.initIndex];
    let done: boolean;
    if (c.name === GATE_CONTAINER) {
      if (p.gate === undefined) {
        const fs = mountsFor(w, p, c);
        if (typeof fs === "string") {
          return;
        }
        p.gate = new GateRun(p, gateSpec(containerEnv(w, p, c)), fs, w.t);
      }
      done = w.t >= p.gate.nextPoll && p.gate.poll(w);
    } else {
      done = w.t >= p.initStartAt + 1;
    }
    if (!done) {
      return;
    }
    w.event(p, "init-done", c.name);
    if (p.gate !== undefined) {
      w.event(p, "gate-passed", p.gate.passedOn ?? "");
    }
    p.gate = undefined;
    p.initIndex++;
    p.initStartAt = undefined;
  }
  p.initDone = true;
  p.startAt ??= w.t + startLatency(w);
}

export function kubeletStep(w: World, p: Pod): void {
  if (p.nodeLostAt !== undefined) {
    if (w.t - p.nodeLostAt >= NODE_LOSS_POD_GC_SECONDS) {
      w.event(p, "pod-collected", "node lost");
      w.removePod(p);
    }
    return;
  }
  if (p.node === undefined) {
    return;
  }
  if (p.deletion !== undefined) {
    p.proc?.step();
    const stopped = p.proc === undefined || p.proc.exit !== undefined;
    const initStopped = p.gate === undefined || w.t - p.deletion.at >= INIT_STOP_SECONDS;
    if ((stopped && initStopped) || w.t >= p.deletion.graceUntil) {
      p.proc?.die(137, "grace period over");
      w.removePod(p);
    }
    return;
  }
  if (p.ip === undefined) {
    if (w.t >= (p.scheduledAt as number) + SANDBOX_SECONDS) {
      p.ip = w.nextIp();
    }
    return;
  }
  if (p.heldUntil !== undefined && w.t < p.heldUntil) {
    // The pod's containers are down (an outage): an init container starts over afterwards.
    p.gate = undefined;
    p.initStartAt = undefined;
    setReady(w, p, false);
    return;
  }
  if (!p.initDone) {
    runInit(w, p);
    if (!p.initDone) {
      return;
    }
  }
  const proc = p.proc;
  if (proc !== undefined && proc.exit === undefined) {
    proc.step();
  }
  if (p.proc !== undefined && p.proc.exit !== undefined && p.startAt === undefined) {
    // The container ended: restart with back-off (a hold sets startAt itself).
    const ranFor = p.proc.exit.at - p.proc.startedAt;
    p.lastBackoff = ranFor >= BACKOFF_RESET_AFTER || p.lastBackoff === 0 ? BACKOFF_START : Math.min(p.lastBackoff * 2, BACKOFF_CAP);
    p.startAt = p.proc.exit.at + p.lastBackoff + w.latency(0, 1);
    p.restarts++;
    setReady(w, p, false);
  }
  if (p.startAt !== undefined && w.t >= p.startAt && (p.heldUntil === undefined || w.t >= p.heldUntil)) {
    if (p.proc !== undefined && p.proc.exit === undefined) {
      p.startAt = undefined;
    } else if (startMain(w, p)) {
      p.startAt = undefined;
    }
  }
  if (p.proc !== undefined && p.proc.exit === undefined && p.probes !== undefined) {
    runProbes(w, p);
  } else {
    setReady(w, p, false);
  }
}
