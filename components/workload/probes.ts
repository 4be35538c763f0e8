// Probes that match what RobustMQ v0.4.11 does (docs/HOW-IT-WORKS.md, "Probes"): TCP only, since none of its
// HTTP health endpoints tells anything true.
import type * as k8s from "@pulumi/kubernetes";
import type { ResolvedTier } from "../api/model";
import { Ports, Protocol, readinessPort } from "../rmq/ports";
import { carriesBroker, carriesEngine, Role } from "../rmq/topology";

/** Every probe timing, in one place (seconds). */
export const PROBE_TIMING = {
  startup: { periodSeconds: 2, timeoutSeconds: 2 },
  readiness: { periodSeconds: 2, timeoutSeconds: 2, failureThreshold: 3, successThreshold: 1 },
  liveness: { periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 6 },
} as const;

/**
 * The port whose opening means the node does its job: the first protocol's main port for
 * broker-role pods (opened only once the meta quorum accepted a write and an engine is alive), the
 * storage port for engine-role pods (opened once the node registered through a Raft leader), gRPC
 * otherwise.
 */
export function readinessPortName(roles: Role[], protocols: readonly Protocol[], ports: Ports): string {
  if (carriesBroker({ roles })) {
    return readinessPort(protocols, ports).name;
  }
  return carriesEngine({ roles }) ? "storage" : "grpc";
}

/**
 * startup and liveness check that the admin HTTP port accepts connections: it opens first and
 * stays open while a node waits for quorum or catches up, so neither kills a healthy waiting node.
 * The startup budget is the tier's startupTimeoutSeconds.
 */
export function probes(tier: ResolvedTier): {
  startupProbe: k8s.types.input.core.v1.Probe;
  livenessProbe: k8s.types.input.core.v1.Probe;
  readinessProbe: k8s.types.input.core.v1.Probe;
} {
  const t = PROBE_TIMING;
  return {
    startupProbe: {
      tcpSocket: { port: "http" },
      ...t.startup,
      failureThreshold: Math.ceil(tier.startupTimeoutSeconds / t.startup.periodSeconds),
    },
    livenessProbe: { tcpSocket: { port: "http" }, ...t.liveness },
    readinessProbe: { tcpSocket: { port: tier.readinessPort }, ...t.readiness },
  };
}
