// Every port a RobustMQ node listens on, which config key sets it, and which protocol owns it.

export const PROTOCOLS = ["mqtt", "kafka", "amqp", "nats"] as const;
export type Protocol = (typeof PROTOCOLS)[number];

/** Port numbers, one per listener. Every node binds all of them, whatever protocols are exposed. */
export interface PortArgs {
  grpc?: number;
  http?: number;
  storage?: number;
  mqttTcp?: number;
  mqttTls?: number;
  mqttWebsocket?: number;
  mqttWebsockets?: number;
  mqttQuic?: number;
  kafka?: number;
  amqp?: number;
  natsTcp?: number;
  natsTls?: number;
  natsWebsocket?: number;
  natsWebsockets?: number;
  /**
   * Port the bootstrap gate of a fresh meta pod answers on while it holds the pod back, so pod 0
   * can tell "every peer is empty" from "a peer is down" (see bootstrap-gate.ts). Not a RobustMQ port.
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

/**
 * The port whose opening means "this broker serves clients". The broker role opens its protocol
 * listeners only after the meta quorum accepted a write, so a TCP check on the first enabled
 * protocol's main port is a truthful readiness signal (RobustMQ's /health/ready is not: see README).
 */
export function readinessPort(protocols: readonly Protocol[], ports: Ports): ExposedPort {
  const order: Array<[Protocol, keyof Ports, string]> = [
    ["mqtt", "mqttTcp", "mqtt"],
    ["kafka", "kafka", "kafka"],
    ["amqp", "amqp", "amqp"],
    ["nats", "natsTcp", "nats"],
  ];
  const hit = order.find(([p]) => protocols.includes(p)) ?? order[0];
  return { name: hit[2], port: ports[hit[1]], transport: "TCP" };
}
