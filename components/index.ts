// The package's public surface: the components, every type a user writes in their arguments or
// reads from the outputs, and the error they throw on bad arguments. Nothing else.
export { RobustMQCluster } from "./cluster/cluster";
export { RobustMQImage } from "./image/image";
export * from "./api/args";
export * from "./api/features";
export * from "./api/enums";
export { PlanEntry, Phase } from "./api/model";
export { RobustMQImageArgs, ImageRegistryArgs, ReleaseChecksums } from "./api/image-args";

export { RobustMQArgsError } from "./validate/errors";
export { RobustMQImageArgsError } from "./image/resolve";
export { ROBUSTMQ_VERSION, DEFAULT_IMAGE } from "./rmq/versions";
