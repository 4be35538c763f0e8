// Its own module so that no declaration a consumer's compiler reads names @pulumi/docker-build.
import type * as buildTypes from "./build";
import { optionalPeer } from "../validate/optional-peer";

/** docker-build (and its provider plugin) only for a program that builds an image. */
export function loadImageBuild(): typeof buildTypes {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return optionalPeer("@pulumi/docker-build", "Building an image (RobustMQImage, or RobustMQCluster's imageBuild)", () => require("./build"));
}
