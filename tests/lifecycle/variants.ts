// "Wrong variants": the registered objects mutated into an earlier or weaker design, so the tests
// can show that the model tells them apart from the component's own objects. Every variant is a
// change to the objects (plan, gate environment), never a separate path in the model.
import { parse } from "smol-toml";
import { copyDeployment, Deployment, GATE_CONTAINER, mainContainer, objectsOfKind, serverTomlSource } from "./objects";
import { tiers } from "./inspect";
import { OLD_GATE_STATE_PATH } from "./gate";
import { resolvePath } from "./util";

/**
 * The old apply order: the meta-carrying tier alone in its own phase and awaited Ready, every other
 * StatefulSet (the engine tier included) only after it.
 */
export function withOldApplyOrder(d: Deployment): Deployment {
  const out = copyDeployment(d);
  const meta = tiers(out)
    .filter((t) => t.roles.includes("meta"))
    .map((t) => t.name);
  for (const p of out.plan) {
    if (p.kind === "StatefulSet" && !meta.includes(p.name)) {
      p.phase = "tiers (old order)";
      p.dependsOn = [...new Set([...p.dependsOn, ...meta])];
    }
  }
  return out;
}

/** The meta-carrying tiers' StatefulSets, ConfigMaps and server.toml keys of a deployment. */
function metaTiers(d: Deployment): Array<{ sts: any; cm: any; key: string; doc: Record<string, any> }> {
  return objectsOfKind(d, "StatefulSet").flatMap(([, sts]) => {
    const src = serverTomlSource(sts.spec.template.spec);
    const cm = objectsOfKind(d, "ConfigMap").find(([, o]) => o.metadata.name === src.configMap)?.[1];
    const doc = parse(cm?.data?.[src.key] ?? "") as Record<string, any>;
    const roles = Array.isArray(doc.roles) ? doc.roles.map(String) : ["broker", "meta"];
    return roles.includes("meta") ? [{ sts, cm, key: src.key, doc }] : [];
  });
}

/**
 * Meta pods that are meta nodes only (the design before meta pods carried the engine role, as in
 * the first commit of the split topology): in the tier's server.toml text `roles = ["meta"]`, the
 * main container's readiness probe on the gRPC port (and no storage port declared), and the
 * bootstrap gate's peers "host:<gRPC port>" (the values of meta_addrs, as the old code wrote them).
 * Only a tier whose roles are exactly meta + engine is changed (a combined tier keeps its roles).
 */
export function withMetaOnlyRoles(d: Deployment): Deployment {
  const out = copyDeployment(d);
  let changed = 0;
  for (const { sts, cm, key, doc } of metaTiers(out)) {
    const roles: string[] = doc.roles.map(String);
    if (roles.length !== 2 || !roles.includes("engine")) {
      continue;
    }
    const text: string = cm.data[key];
    const rolesLine = /^roles\s*=.*$/m;
    if (!rolesLine.test(text)) {
      throw new Error(`${key}: no top-level roles line to edit`);
    }
    cm.data[key] = text.replace(rolesLine, 'roles = [ "meta" ]');
    const spec = sts.spec.template.spec;
    const main = mainContainer(spec);
    const grpc = (main.ports ?? []).find((p: any) => p.name === "grpc");
    if (grpc === undefined) {
      throw new Error(`${sts.metadata.name}: no port named grpc`);
    }
    main.readinessProbe = { ...main.readinessProbe, tcpSocket: { port: "grpc" } };
    main.ports = (main.ports ?? []).filter((p: any) => p.name !== "storage");
    const gate = (spec.initContainers ?? []).find((c: any) => c.name === GATE_CONTAINER);
    if (gate !== undefined) {
      // The pods that exist: meta_addrs also lists the address slots of pods not created yet.
      const peers = Object.values(doc.meta_addrs ?? {}).map(String).slice(0, Number(sts.spec.replicas));
      if (peers.length === 0) {
        throw new Error(`${key}: no meta_addrs`);
      }
      gate.env = (gate.env ?? []).map((e: any) => (e.name === "ROBUSTMQ_META_PEERS" ? { name: e.name, value: peers.join(" ") } : e));
    }
    changed++;
  }
  if (changed === 0) {
    throw new Error("no meta + engine tier to turn into a meta-only tier");
  }
  return out;
}

/** The old design as a whole: meta-only meta pods (withMetaOnlyRoles) and the old apply order. */
export function withOldDesign(d: Deployment): Deployment {
  return withOldApplyOrder(withMetaOnlyRoles(d));
}

function editGateEnv(d: Deployment, edit: (env: Map<string, any>, sts: any) => void): Deployment {
  const out = copyDeployment(d);
  let found = false;
  for (const [, sts] of objectsOfKind(out, "StatefulSet")) {
    const gate = (sts.spec.template.spec.initContainers ?? []).find((c: any) => c.name === GATE_CONTAINER);
    if (gate === undefined) {
      continue;
    }
    found = true;
    const env = new Map<string, any>((gate.env ?? []).map((e: any) => [e.name, e]));
    edit(env, sts);
    gate.env = [...env.values()];
  }
  if (!found) {
    throw new Error("no StatefulSet has a bootstrap gate to mutate");
  }
  return out;
}

/** The old gate: no gate port, no marker; state = /robustmq/data/rocksdb, a path RobustMQ never creates. */
export function withOldGate(d: Deployment): Deployment {
  return editGateEnv(d, (env) => {
    env.delete("ROBUSTMQ_GATE_PORT");
    env.delete("ROBUSTMQ_GATE_MARKER");
    env.delete("ROBUSTMQ_GATE_MARKER_TEXT");
    env.set("ROBUSTMQ_GATE_STATE_PATH", { name: "ROBUSTMQ_GATE_STATE_PATH", value: OLD_GATE_STATE_PATH });
  });
}

/**
 * A gate whose state check is only "<data_path>/_rocksdb exists" (the directory RobustMQ creates
 * at start-up, before it even looks at Raft). The path is read from the tier's server.toml.
 */
export function withRocksdbExistsGate(d: Deployment): Deployment {
  return editGateEnv(d, (env, sts) => {
    const src = serverTomlSource(sts.spec.template.spec);
    const cm = objectsOfKind(d, "ConfigMap").find(([, o]) => o.metadata.name === src.configMap)?.[1];
    const doc = parse(cm?.data?.[src.key] ?? "") as Record<string, any>;
    const cwd = mainContainer(sts.spec.template.spec).workingDir ?? "/robustmq";
    const rocksdb = resolvePath(cwd, `${typeof doc.data_path === "string" ? doc.data_path : "./data"}/_rocksdb`);
    if (env.has("ROBUSTMQ_GATE_PORT")) {
      env.set("ROBUSTMQ_GATE_MARKER", { name: "ROBUSTMQ_GATE_MARKER", value: rocksdb });
      env.set("ROBUSTMQ_GATE_MARKER_TEXT", { name: "ROBUSTMQ_GATE_MARKER_TEXT", value: "" });
    } else {
      env.set("ROBUSTMQ_GATE_STATE_PATH", { name: "ROBUSTMQ_GATE_STATE_PATH", value: rocksdb });
    }
  });
}

/**
 * The waitFor a StatefulSet under a partition would get from provider 4.18's plain JSONPath:
 * updatedReplicas = replicas - partition and every pod Ready, two conditions of a JSON array.
 * Right for the canary tier, but it never holds where every pod runs the update revision (a
 * template reverted while the partition is still set) and, unless `heldTiersFixed`, where no pod
 * is to update (partition = replicas: a status count of 0 is left out, so `=0` selects nothing);
 * those `up`s time out. `heldTiersFixed` waits only for every pod Ready there.
 */
export function withEqualityWaitFor(heldTiersFixed: boolean): (d: Deployment) => Deployment {
  return (d) => {
    const out = copyDeployment(d);
    for (const [, sts] of objectsOfKind(out, "StatefulSet")) {
      const partition = Number(sts.spec.updateStrategy?.rollingUpdate?.partition ?? 0);
      if (sts.metadata.annotations?.["pulumi.com/waitFor"] !== undefined) {
        const r = Number(sts.spec.replicas);
        const ready = `jsonpath={.status.readyReplicas}=${r}`;
        sts.metadata.annotations["pulumi.com/waitFor"] =
          heldTiersFixed && partition === r ? ready : JSON.stringify([`jsonpath={.status.updatedReplicas}=${r - partition}`, ready]);
      }
    }
    return out;
  };
}

/** Wrong: the StatefulSets without ignoreChanges on their claim templates (the design before growth in place). */
export function withoutClaimTemplateIgnore(d: Deployment): Deployment {
  const out = copyDeployment(d);
  for (const r of out.resources.values()) {
    r.options.ignoreChanges = r.options.ignoreChanges.filter((p) => p !== "spec.volumeClaimTemplates");
  }
  return out;
}
