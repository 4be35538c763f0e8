// The optional features, in the order their patches apply and their resources register.
import { autoscalingFeature } from "../features/autoscaling";
import { Feature, FeatureName, TierFeature, TierFeatureName } from "../features/feature";
import { ingressFeature } from "../features/ingress";
import { listenerTlsFeature } from "../features/listener-tls";
import { monitoringFeature } from "../features/monitoring";
import { networkPolicyFeature } from "../features/network-policy";
import { storageClassFeature } from "../features/storage-class";

export const FEATURES: ReadonlyArray<Feature<FeatureName>> = [
  storageClassFeature,
  networkPolicyFeature,
  listenerTlsFeature,
  ingressFeature,
  monitoringFeature,
] as ReadonlyArray<Feature<FeatureName>>;

/** Features switched on by a tier's own arguments. */
export const TIER_FEATURES: ReadonlyArray<TierFeature<TierFeatureName>> = [autoscalingFeature];
