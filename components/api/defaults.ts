// Default settings per tier: the sizes and timings a tier gets for every TierArgs field left unset
// (the @default tags of TierArgs state the same values).
import type { ResourceAmounts } from "./args";
import { HostSpread, ZoneSpread } from "./enums";
import { TierName } from "../rmq/topology";

export interface TierDefaults {
  replicas: number;
  storageSize: string;
  requests: Required<ResourceAmounts>;
  limits: Pick<Required<ResourceAmounts>, "memory">;
  hostSpread: HostSpread;
  zoneSpread: ZoneSpread;
  terminationGracePeriodSeconds: number;
  startupTimeoutSeconds: number;
}

const SHARED = { hostSpread: "soft", zoneSpread: "none", terminationGracePeriodSeconds: 60, startupTimeoutSeconds: 300 } as const;

export const TIER_DEFAULTS: Readonly<Record<TierName, TierDefaults>> = {
  combined: { ...SHARED, replicas: 1, storageSize: "10Gi", requests: { cpu: "500m", memory: "1Gi" }, limits: { memory: "2Gi" } },
  // Meta pods are engine nodes too (rmq/topology.ts): they hold topic replicas, sized like engines.
  meta: { ...SHARED, replicas: 3, storageSize: "20Gi", requests: { cpu: "500m", memory: "1Gi" }, limits: { memory: "2Gi" } },
  broker: { ...SHARED, replicas: 2, storageSize: "2Gi", requests: { cpu: "500m", memory: "1Gi" }, limits: { memory: "2Gi" } },
  // Three engine pods: with the meta pods, topics keep three replicas while one pod is down.
  engine: { ...SHARED, replicas: 3, storageSize: "20Gi", requests: { cpu: "500m", memory: "1Gi" }, limits: { memory: "2Gi" } },
};
