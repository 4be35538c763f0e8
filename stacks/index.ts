// Entry point of the Pulumi project (Pulumi.yaml: main). Stack outputs are the exports below.
import { deployStack } from "./program";

const { outputs } = deployStack();

export const namespace = outputs.namespace;
export const statefulSets = outputs.statefulSets;
export const clientService = outputs.clientService;
export const adminService = outputs.adminService;
export const endpoints = outputs.endpoints;
export const image = outputs.image;
export const brokerIds = outputs.brokerIds;
export const adminUsername = outputs.adminUsername;
export const adminPassword = outputs.adminPassword;
export const mqttUsername = outputs.mqttUsername;
export const mqttPassword = outputs.mqttPassword;
