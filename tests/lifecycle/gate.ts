// The bootstrap gate init container, interpreted from its environment (never from its script),
// per the contract with the component:
// - new semantics (env ROBUSTMQ_GATE_PORT present): pass at once when the file ROBUSTMQ_GATE_MARKER
//   exists and contains ROBUSTMQ_GATE_MARKER_TEXT (an empty text: existence is enough). Otherwise
//   pod 0 passes once any meta peer answers, or once every other meta pod answers on the gate port
//   (they are fresh pods held by their own gates); other pods listen on the gate port and pass once
//   any meta peer answers.
// - old semantics (no ROBUSTMQ_GATE_PORT; the component before the marker): pod 0 passes at once; a
//   pod whose ROBUSTMQ_GATE_STATE_PATH (default /robustmq/data/rocksdb, the path the old script
//   hard-codes) exists passes at once; any other pod waits until a meta peer answers.
// "A meta peer answers" means a TCP connection to one of the "host:port" entries of
// ROBUSTMQ_META_PEERS is accepted: whatever port the env names (gRPC in older designs, the storage
// port now, which a meta pod opens only once it has registered through a Raft leader).
// Either way the gate polls every 2 s and sees the data volume through its own mounts.
import { hostPort } from "./robustmq-config";
import { connect } from "./network";
import type { Pod, World } from "./world";
import type { MountTable } from "./volumes";

export const GATE_POLL_SECONDS = 2;
export const OLD_GATE_STATE_PATH = "/robustmq/data/rocksdb";

export interface GateSpec {
  ordinal: number;
  peers: string[];
  port?: number;
  marker?: string;
  markerText: string;
  statePath: string;
}

export function gateSpec(env: Record<string, string>): GateSpec {
  return {
    ordinal: Number(env.ROBUSTMQ_POD_INDEX),
    peers: (env.ROBUSTMQ_META_PEERS ?? "").split(/\s+/).filter((p) => p !== ""),
    port: env.ROBUSTMQ_GATE_PORT === undefined ? undefined : Number(env.ROBUSTMQ_GATE_PORT),
    marker: env.ROBUSTMQ_GATE_MARKER,
    markerText: env.ROBUSTMQ_GATE_MARKER_TEXT ?? "",
    statePath: env.ROBUSTMQ_GATE_STATE_PATH ?? OLD_GATE_STATE_PATH,
  };
}

export class GateRun {
  /** Port the gate answers on while it waits (new semantics, pods other than 0). */
  listening?: number;
  /** Why the gate passed: the peer address that answered, or the rule that let it through. */
  passedOn?: string;
  nextPoll: number;
  constructor(private readonly pod: Pod, readonly spec: GateSpec, private readonly fs: MountTable, now: number) {
    this.nextPoll = now;
  }

  private otherPeers(): string[] {
    return this.spec.peers.filter((p) => !p.startsWith(`${this.pod.name}.`));
  }

  /** The first other peer (in env order) that accepts a connection on the port its entry names. */
  private anyPeerAnswers(w: World): boolean {
    this.passedOn = this.otherPeers().find((p) => {
      const { host, port } = hostPort(p);
      return connect(w, this.pod, host, port) !== undefined;
    });
    return this.passedOn !== undefined;
  }

  private stateCheck(): boolean {
    if (this.spec.port === undefined) {
      return this.fs.exists(this.spec.statePath);
    }
    if (this.spec.marker === undefined || !this.fs.exists(this.spec.marker)) {
      return false;
    }
    return this.spec.markerText === "" || (this.fs.read(this.spec.marker) ?? "").includes(this.spec.markerText);
  }

  /** One poll; true when the gate exits 0. */
  poll(w: World): boolean {
    this.nextPoll = w.t + GATE_POLL_SECONDS;
    const s = this.spec;
    if (s.port === undefined) {
      if (s.ordinal === 0 || this.stateCheck()) {
        this.passedOn = s.ordinal === 0 ? "pod 0" : "state path";
        return true;
      }
      return this.anyPeerAnswers(w);
    }
    if (this.stateCheck()) {
      this.passedOn = "marker";
      return true;
    }
    if (s.ordinal !== 0) {
      this.listening = s.port;
      return this.anyPeerAnswers(w);
    }
    if (this.anyPeerAnswers(w)) {
      return true;
    }
    const others = this.otherPeers();
    const held = others.length > 0 && others.every((p) => connect(w, this.pod, hostPort(p).host, s.port as number) !== undefined);
    this.passedOn = held ? "every peer held" : undefined;
    return held;
  }
}
