// Every port a RobustMQ node listens on, which config key sets it, and which protocol owns it.

/** A client protocol RobustMQ serves. */
export const Protocol = {
  Mqtt: "mqtt",
  Kafka: "kafka",
  Amqp: "amqp",
  Nats: "nats",
} as const;
export type Protocol = (typeof Protocol)[keyof typeof Protocol];
export const PROTOCOLS: readonly Protocol[] = Object.values(Protocol);

/** Port numbers, one per listener. Every node binds all of them, whatever protocols are exposed. */
export interface PortArgs {
  /** gRPC: Raft and calls between nodes. @default 1228 */
  grpc?: number;
  /** Admin HTTP API and /metrics. @default 58080 */
  http?: number;
  /** Storage engine (engine-role nodes). @default 1778 */
  storage?: number;
  /** MQTT over TCP. @default 1883 */
  mqttTcp?: number;
  /** MQTT over TLS. @default 1885 */
  mqttTls?: number;
  /** MQTT over WebSocket. @default 8083 */
  mqttWebsocket?: number;
  /** MQTT over secure WebSocket. @default 8085 */
  mqttWebsockets?: number;
  /** MQTT over QUIC (UDP). @default 9083 */
  mqttQuic?: number;
  /** Kafka. @default 9092 */
  kafka?: number;
  /** AMQP. @default 5672 */
  amqp?: number;
  /** NATS. @default 4222 */
  natsTcp?: number;
  /** NATS over TLS. @default 4223 */
  natsTls?: number;
  /** NATS over WebSocket. @default 4080 */
  natsWebsocket?: number;
  /** NATS over secure WebSocket. @default 4443 */
  natsWebsockets?: number;
  /**
   * Port the bootstrap gate of a fresh meta pod answers on while it holds the pod back, so pod 0
   * can tell "every peer is empty" from "a peer is down" (see bootstrap-gate.ts). Not a RobustMQ port.
   * @default 1229
   */
  bootstrapGate?: number;
}
export type Ports = Required<PortArgs>;

export const DEFAULT_PORTS: Ports = {
  grpc: 1228,
  http: 58080,
  storage: 1778,
  mqttTcp: 1883,
  mqttTls: 1885,
  mqttWebsocket: 8083,
  mqttWebsockets: 8085,
  mqttQuic: 9083,
  kafka: 9092,
  amqp: 5672,
  natsTcp: 4222,
  natsTls: 4223,
  natsWebsocket: 4080,
  natsWebsockets: 4443,
  bootstrapGate: 1229,
};

export interface Listener {
  /** Port field in PortArgs. */
  field: keyof Ports;
  /** Kubernetes port name (IANA service name rules: <= 15 chars). */
  name: string;
  /** Dotted server.toml key; undefined for the bootstrap gate, which is not RobustMQ's. */
  configKey?: string;
  transport: "TCP" | "UDP";
  /** Protocol the listener belongs to; undefined for the node's own gRPC/HTTP/storage ports. */
  protocol?: Protocol;
}

export const LISTENERS: readonly Listener[] = [
  { field: "grpc", name: "grpc", configKey: "grpc_port", transport: "TCP" },
  { field: "http", name: "http", configKey: "http_port", transport: "TCP" },
  { field: "storage", name: "storage", configKey: "storage_runtime.tcp_port", transport: "TCP" },
  { field: "mqttTcp", name: "mqtt", configKey: "mqtt_runtime.server.tcp_port", transport: "TCP", protocol: "mqtt" },
  { field: "mqttTls", name: "mqtts", configKey: "mqtt_runtime.server.tls_port", transport: "TCP", protocol: "mqtt" },
  { field: "mqttWebsocket", name: "mqtt-ws", configKey: "mqtt_runtime.server.websocket_port", transport: "TCP", protocol: "mqtt" },
  { field: "mqttWebsockets", name: "mqtt-wss", configKey: "mqtt_runtime.server.websockets_port", transport: "TCP", protocol: "mqtt" },
  { field: "mqttQuic", name: "mqtt-quic", configKey: "mqtt_runtime.server.quic_port", transport: "UDP", protocol: "mqtt" },
  { field: "kafka", name: "kafka", configKey: "kafka_runtime.tcp_port", transport: "TCP", protocol: "kafka" },
  { field: "amqp", name: "amqp", configKey: "amqp_runtime.tcp_port", transport: "TCP", protocol: "amqp" },
  { field: "natsTcp", name: "nats", configKey: "nats_runtime.tcp_port", transport: "TCP", protocol: "nats" },
  { field: "natsTls", name: "nats-tls", configKey: "nats_runtime.tls_port", transport: "TCP", protocol: "nats" },
  { field: "natsWebsocket", name: "nats-ws", configKey: "nats_runtime.ws_port", transport: "TCP", protocol: "nats" },
  { field: "natsWebsockets", name: "nats-wss", configKey: "nats_runtime.wss_port", transport: "TCP", protocol: "nats" },
  { field: "bootstrapGate", name: "gate", transport: "TCP" },
];

export interface ExposedPort {
  name: string;
  port: number;
  transport: "TCP" | "UDP";
}

/**
 * Client-facing ports of the enabled protocols. QUIC (UDP) is left out unless asked for: many
 * load balancers cannot mix TCP and UDP on one Service.
 */
export function clientPorts(protocols: readonly Protocol[], ports: Ports, exposeMqttQuic: boolean): ExposedPort[] {
  return LISTENERS.filter((l) => l.protocol !== undefined && protocols.includes(l.protocol))
    .filter((l) => l.field !== "mqttQuic" || exposeMqttQuic)
    .map((l) => ({ name: l.name, port: ports[l.field], transport: l.transport }));
}

/** Each protocol's main listener: what clients dial first, and what a broker's readiness checks. */
export const PROTOCOL_MAIN_LISTENER: Readonly<Record<Protocol, { field: keyof Ports; scheme?: string }>> = {
  mqtt: { field: "mqttTcp", scheme: "mqtt" },
  kafka: { field: "kafka" },
  amqp: { field: "amqp", scheme: "amqp" },
  nats: { field: "natsTcp", scheme: "nats" },
};

export function listenerOf(field: keyof Ports): Listener {
  return LISTENERS.find((l) => l.field === field) as Listener;
}

/**
 * The port whose opening means "this broker serves clients". The broker role opens its protocol
 * listeners only after the meta quorum accepted a write, so a TCP check on the first enabled
 * protocol's main port is a truthful readiness signal (RobustMQ's /health/ready is not: see docs/HOW-IT-WORKS.md, "Probes").
 */
export function readinessPort(protocols: readonly Protocol[], ports: Ports): ExposedPort {
  const protocol = PROTOCOLS.find((p) => protocols.includes(p)) ?? "mqtt";
  const l = listenerOf(PROTOCOL_MAIN_LISTENER[protocol].field);
  return { name: l.name, port: ports[l.field], transport: l.transport };
}

/** "<scheme>://host:port" of a protocol's main listener (host:port for Kafka, whose clients take no scheme). */
export function protocolEndpoint(protocol: Protocol, host: string, ports: Ports): string {
  const main = PROTOCOL_MAIN_LISTENER[protocol];
  const address = `${host}:${ports[main.field]}`;
  return main.scheme === undefined ? address : `${main.scheme}://${address}`;
}
