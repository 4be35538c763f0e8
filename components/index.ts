export { RobustMQCluster, ClusterEndpoints } from "./cluster";
export * from "./args";
export { PortArgs, Protocol, PROTOCOLS, DEFAULT_PORTS } from "./ports";
export { resolveClusterArgs, RobustMQArgsError, ResolvedCluster, ResolvedTier } from "./resolve";
export * as validation from "./validation";
export { PHASES, Phase, PlanEntry } from "./order";
export { brokerId } from "./identity";
export { ROBUSTMQ_VERSION, DEFAULT_IMAGE, BROKER_SERVER_BINARY } from "./versions";
