export { RobustMQImage, digestOf, registryLogin, platformImageArgs } from "./image";
export { RobustMQImageArgs, ImageRegistryArgs } from "../api/image-args";
export {
  resolveImageArgs,
  findPackageDockerfile,
  dockerfileDeclarations,
  RobustMQImageArgsError,
  ResolvedImage,
  PlatformBuild,
  IndexTag,
  MANAGED_BUILD_ARGS,
  DEFAULT_PLATFORMS,
  DEFAULT_CACHE_TAG,
} from "./resolve";
export * from "./validation";
