// The optional features, in the order their patches apply and their resources register.
import { Feature, FeatureName } from "../features/feature";
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
