// One RobustMQ v0.4.11 process (FACTS.md "Start-up, in order", with details from the source):
//  1. start: create <data_path>/_rocksdb, the log directory and the logger's files; ~1 s later the
//     gRPC and admin HTTP ports listen.
//  2. meta role: recover Raft state found on the volume; else probe the other meta_addrs peers in
//     order (500 ms each): join through the first that answers (fails, exit 1, unless its Raft is
//     initialised and its cluster has a leader), or bootstrap a new cluster when none answers.
//     Then log "Multi-Raft started" (meta_service::raft::manager, info).
//  3. block until the meta cluster has a reachable leader (retry every 1 s; never exits).
//  4. register (needs a leader; 30 attempts 2 s apart, then panic); heartbeat every 3 s.
//  5-6. engine role: the storage port listens.
//  7. needs a registered, alive engine-role node, else exit(1); then ~3 s of work.
//  8. broker role: the protocol ports listen.
import { appenderFile, accepts, Appender } from "./logger";
import { hostPort, ServerConfig } from "./robustmq-config";
import { connect, dial } from "./network";
import type { RaftCluster } from "./raft";
import type { Pod, World } from "./world";
import type { MountTable } from "./volumes";
import { resolvePath } from "./util";

export const PROBE_TIMEOUT = 0.5;
export const REGISTER_ATTEMPTS = 30;
export const HEARTBEAT_INTERVAL = 3;
export const SIGTERM_STOP_SECONDS = 3;
const RAFT_STATE_FILE = "_rocksdb/model-raft-state";
/**
 * The Raft log as the model keeps it on the volume: one line "<index> <time written>" per entry,
 * appended as the member receives it (only under a write load, RaftWorld.writesPerSecond). The
 * time lets a crash-consistent snapshot drop the writes still unsynced when it was taken.
 */
export const RAFT_LOG_FILE = "_rocksdb/model-raft-log";

/** The last entry index of a Raft log file's text (0: empty). */
export function lastLogIndex(text: string | undefined): number {
  const lines = (text ?? "").trimEnd().split("\n");
  const last = lines[lines.length - 1];
  return last === "" ? 0 : Number(last.split(" ")[0]);
}

type Stage = "boot" | "probe" | "await-leader" | "register" | "phase7" | "work" | "serving";

export class RobustMQ {
  readonly listening = new Set<number>();
  stage: Stage = "boot";
  exit?: { code: number; at: number; reason: string };
  stopAt?: number;
  /** Meta role: its own Raft cluster. */
  clusterId?: string;
  raftStarted = false;
  /** Cluster the node registered with. */
  registeredIn?: string;
  /** Index of the last Raft entry on its volume (RAFT_LOG_FILE). */
  lastLog = 0;
  private next: number;
  private peers: Array<[string, string]> = [];
  private registerAttempts = 0;
  private nextHeartbeat = Infinity;

  constructor(
    private readonly w: World,
    readonly pod: Pod,
    readonly cfg: ServerConfig,
    private readonly fs: MountTable,
    private readonly appenders: Appender[],
    private readonly cwd: string,
    readonly startedAt: number,
  ) {
    this.next = startedAt + 1;
  }

  get roles(): string[] {
    return this.cfg.roles;
  }
  get running(): boolean {
    return this.exit === undefined && this.stopAt === undefined;
  }
  private get isMeta(): boolean {
    return this.cfg.roles.includes("meta");
  }
  private path(p: string): string {
    return resolvePath(this.cwd, p);
  }

  /** Start-up before any port opens. Exits at once when a path is not writable. */
  boot(): void {
    if (this.isMeta && !this.cfg.metaAddrs.some(([id]) => id === this.cfg.brokerId)) {
      return this.die(1, `broker_id ${this.cfg.brokerId} is not a key of meta_addrs`);
    }
    if (!this.fs.mkdirp(this.path(`${this.cfg.dataPath}/_rocksdb`))) {
      return this.die(1, "cannot create <data_path>/_rocksdb (read-only filesystem)");
    }
    if (!this.fs.mkdirp(this.path(this.cfg.logPath))) {
      return this.die(1, "cannot create log.log_path (read-only filesystem)");
    }
    for (const a of this.appenders.filter((x) => x.kind === "rolling_file")) {
      const file = this.path(appenderFile(a, this.w.t));
      if (!this.fs.mkdirp(file.split("/").slice(0, -1).join("/")) || !this.fs.append(file, "")) {
        return this.die(1, `cannot create log file ${file}`);
      }
    }
  }

  log(target: string, level: string, message: string): void {
    const line = `${this.w.t.toFixed(1)} ${level.toUpperCase()} ${target}: ${message}\n`;
    for (const a of this.appenders.filter((x) => accepts(x, target, level))) {
      if (a.kind === "console") {
        this.pod.stdout.push(line);
      } else {
        this.fs.append(this.path(appenderFile(a, this.w.t)), line);
      }
    }
  }

  die(code: number, reason: string): void {
    if (this.exit === undefined) {
      this.exit = { code, at: this.w.t, reason };
      this.listening.clear();
      this.nextHeartbeat = Infinity;
      // Kills from outside (deletion, outage, probes) are "killed"; the process's own exits are "exit".
      this.w.event(this.pod, code === 0 ? "stopped" : code === 137 ? "killed" : "exit", reason);
    }
  }

  sigterm(): void {
    if (this.exit === undefined && this.stopAt === undefined) {
      this.stopAt = this.w.t + SIGTERM_STOP_SECONDS;
      this.listening.clear();
    }
  }

  private raftFile(): string {
    return this.path(`${this.cfg.dataPath}/${RAFT_STATE_FILE}`);
  }

  private logFile(): string {
    return this.path(`${this.cfg.dataPath}/${RAFT_LOG_FILE}`);
  }

  /**
   * A member in touch with its leader holds the leader's log: entries it has beyond it are
   * truncated (the first conflicting append), missing ones appended (replication, or a snapshot
   * install: the model makes no difference).
   */
  private followLeader(): void {
    const c = this.w.raft.get(this.clusterId);
    if (!this.raftStarted || c?.leader === undefined || !c.voters.has(this.cfg.brokerId)) {
      return;
    }
    const head = Math.floor(c.head);
    if (this.lastLog > head) {
      const kept = (this.fs.read(this.logFile()) ?? "").split("\n").filter((l) => l !== "" && Number(l.split(" ")[0]) <= head);
      this.fs.write(this.logFile(), kept.map((l) => `${l}\n`).join(""));
      this.lastLog = head;
    }
    if (this.lastLog < head) {
      let lines = "";
      while (this.lastLog < head) {
        lines += `${++this.lastLog} ${this.w.t}\n`;
      }
      this.fs.append(this.logFile(), lines);
    }
  }

  /** Cluster id recorded on the volume: the distinct ids over all volumes count the clusters formed. */
  recordedCluster(): string | undefined {
    return this.fs.read(this.raftFile())?.trim() || undefined;
  }

  private raftStartedIn(c: RaftCluster, how: string): void {
    this.clusterId = c.id;
    this.raftStarted = true;
    this.lastLog = lastLogIndex(this.fs.read(this.logFile()));
    const f = this.raftFile();
    if (this.fs.read(f) === undefined) {
      this.fs.append(f, c.id);
    }
    this.w.event(this.pod, how, c.id);
    this.log("meta_service::raft::manager", "info", "Multi-Raft started");
  }

  /** A cluster with a leader this node can use now (meta role: its own). */
  leaderCluster(): RaftCluster | undefined {
    if (this.isMeta) {
      const c = this.w.raft.get(this.clusterId);
      return c?.leader !== undefined ? c : undefined;
    }
    for (const [, addr] of this.cfg.metaAddrs) {
      const { host, port } = hostPort(addr);
      const peer = connect(this.w, this.pod, host, port);
      const p = peer === undefined ? undefined : this.w.processOf(peer);
      const c = p?.raftStarted ? this.w.raft.get(p.clusterId) : undefined;
      if (c?.leader !== undefined) {
        return c;
      }
    }
    return undefined;
  }

  step(): void {
    const t = this.w.t;
    if (this.exit !== undefined) {
      return;
    }
    if (this.stopAt !== undefined) {
      if (t >= this.stopAt) {
        this.die(0, "SIGTERM");
      }
      return;
    }
    if (t >= this.nextHeartbeat) {
      this.nextHeartbeat = t + HEARTBEAT_INTERVAL;
      const c = this.leaderCluster();
      const me = c?.id === this.registeredIn ? c?.nodes.get(this.cfg.brokerId) : undefined;
      if (me !== undefined) {
        me.lastHeartbeat = t;
      }
    }
    while (this.exit === undefined && this.stage !== "serving" && t >= this.next) {
      this.advance(t);
    }
    this.followLeader();
  }

  private advance(t: number): void {
    switch (this.stage) {
      case "boot": {
        this.listening.add(this.cfg.grpcPort);
        this.listening.add(this.cfg.httpPort);
        if (!this.isMeta) {
          this.stage = "await-leader";
          return;
        }
        const recorded = this.w.raft.get(this.recordedCluster());
        if (recorded !== undefined) {
          this.raftStartedIn(recorded, "raft-recovered");
          this.stage = "await-leader";
          return;
        }
        this.peers = this.cfg.metaAddrs.filter(([id]) => id !== this.cfg.brokerId);
        this.stage = "probe";
        return;
      }
      case "probe": {
        const next = this.peers.shift();
        if (next === undefined) {
          this.raftStartedIn(this.w.raft.bootstrap(this.cfg.brokerId, t), "raft-bootstrapped");
          this.stage = "await-leader";
          return;
        }
        const { host, port } = hostPort(next[1]);
        const d = dial(this.w, this.pod, host, port);
        if (d.result !== "accepted") {
          // A refused connection fails at once; a silent one after the probe's 500 ms timeout.
          this.next = d.result === "timeout" ? t + PROBE_TIMEOUT : t;
          return;
        }
        const p = this.w.processOf(d.pod);
        const c = p?.raftStarted && p.running ? this.w.raft.get(p.clusterId) : undefined;
        if (c === undefined || c.leader === undefined) {
          this.w.event(this.pod, "join-failed", `${next[1]} answered but ${c === undefined ? "has no Raft" : "its cluster has no leader"}`);
          return this.die(1, "join failed");
        }
        c.voters.add(this.cfg.brokerId);
        this.raftStartedIn(c, "raft-joined");
        this.stage = "await-leader";
        return;
      }
      case "await-leader": {
        if (this.leaderCluster() === undefined) {
          this.next = t + 1;
          return;
        }
        this.stage = "register";
        return;
      }
      case "register": {
        const c = this.leaderCluster();
        if (c === undefined) {
          if (++this.registerAttempts >= REGISTER_ATTEMPTS) {
            return this.die(101, "node registration: no leader after 30 attempts (panic)");
          }
          this.next = t + 2;
          return;
        }
        c.nodes.set(this.cfg.brokerId, { roles: [...this.cfg.roles], lastHeartbeat: t });
        this.registeredIn = c.id;
        this.nextHeartbeat = t + HEARTBEAT_INTERVAL;
        if (this.cfg.roles.includes("engine")) {
          this.listening.add(this.cfg.storagePort);
        }
        this.stage = "phase7";
        return;
      }
      case "phase7": {
        const c = this.leaderCluster();
        if (c === undefined) {
          this.next = t + 1;
          return;
        }
        if (![...c.nodes.values()].some((n) => n.roles.includes("engine"))) {
          return this.die(1, "internal topics: NotEnoughEngineNodes");
        }
        this.stage = "work";
        this.next = t + 3;
        return;
      }
      case "work": {
        if (this.leaderCluster() === undefined) {
          this.next = t + 1;
          return;
        }
        if (this.cfg.roles.includes("broker")) {
          for (const p of this.cfg.protocolPorts) {
            this.listening.add(p);
          }
        }
        this.stage = "serving";
        this.w.event(this.pod, "serving", "");
        return;
      }
      case "serving":
        return;
    }
  }
}
