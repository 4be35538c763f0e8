// The meta service's Raft clusters, reduced to what start-up depends on: membership, whether a
// leader exists, and the registered-node table the leader keeps (FACTS.md "Start-up, in order").
// State is held per cluster id, as if replicated perfectly to every member's volume, with one
// exception that restores need: the log's length. With a write load on (`writesPerSecond`), each
// member's volume holds the entries it has (robustmq.ts), and an election follows openraft's vote
// rule on them, so a member restored from an older snapshot cannot win over newer ones.

/** Election timeout: RobustMQ's is 10-20 s; the model takes the middle, deterministically. */
export const ELECTION_TIMEOUT = 15;

export interface RegisteredNode {
  roles: string[];
  lastHeartbeat: number;
}

export interface RaftCluster {
  id: string;
  bootstrappedBy: string;
  bootstrappedAt: number;
  /** broker ids of the members that bootstrapped or joined. */
  voters: Set<string>;
  leader?: string;
  /** The last member that led, for `RaftWorld.resumeLeaderOnRestart`. */
  lastLeader?: string;
  /** Since when a majority is up without a leader (an election ends ELECTION_TIMEOUT later). */
  candidateSince?: number;
  nodes: Map<string, RegisteredNode>;
  /** Leader changes, for reports. */
  elections: number;
  /**
   * Index of the last entry the cluster has accepted (0 while no write load runs). Members that
   * run follow it at once; an election resets it to the new leader's log, which truncates the
   * entries other members hold beyond it (openraft's first conflicting append).
   */
  head: number;
}

export function majority(voters: number): number {
  return Math.floor(voters / 2) + 1;
}

export class RaftWorld {
  readonly clusters = new Map<string, RaftCluster>();
  /**
   * Off (the contract): a leader comes ELECTION_TIMEOUT after a majority is available, even when
   * the restarted node is the one that led. On: openraft's "a restarted leader stays leader if
   * possible" taken at its word, the last leader resumes at once when it is back with a majority.
   * Only for sensitivity checks (set the static default before the worlds are created).
   */
  static resumeLeaderOnRestartDefault = false;
  resumeLeaderOnRestart = RaftWorld.resumeLeaderOnRestartDefault;
  /**
   * A steady write load on every cluster with a leader, in entries per second. 0 (the default):
   * every log stays empty, every voter is as up to date as any other, and elections are as before.
   */
  writesPerSecond = 0;
  private counter = 0;
  private lastStep?: number;

  /** A new single-node cluster; openraft's initialize() elects its only member at once. */
  bootstrap(by: string, now: number): RaftCluster {
    const c: RaftCluster = {
      id: `cluster-${++this.counter}`,
      bootstrappedBy: by,
      bootstrappedAt: now,
      voters: new Set([by]),
      leader: by,
      lastLeader: by,
      nodes: new Map(),
      elections: 1,
      head: 0,
    };
    this.clusters.set(c.id, c);
    return c;
  }

  get(id: string | undefined): RaftCluster | undefined {
    return id === undefined ? undefined : this.clusters.get(id);
  }

  /**
   * One step of every cluster. `alive(c)` gives the voters whose process runs with Raft started;
   * `timeoutOf(c)` the leader's heartbeat timeout (s).
   * - a leader exists only while a majority of voters is alive, and only while it is alive itself;
   * - without one, an election completes ELECTION_TIMEOUT after a majority is (again) available;
   *   it is won by the lowest id among the voters whose log (`logOf`) is at least as long as that
   *   of a majority of the voters, the only ones that can collect a majority of votes (openraft
   *   grants a vote only to a candidate whose last log id is >= its own);
   * - a leader accepts `writesPerSecond` entries a second;
   * - a new leader gives every registered node a fresh grace period;
   * - the leader drops nodes whose last heartbeat is older than the timeout.
   */
  step(now: number, alive: (c: RaftCluster) => Set<string>, timeoutOf: (c: RaftCluster) => number, logOf: (c: RaftCluster, id: string) => number = () => 0): void {
    const dt = this.lastStep === undefined ? 0 : now - this.lastStep;
    this.lastStep = now;
    for (const c of this.clusters.values()) {
      const up = alive(c);
      const hasMajority = up.size >= majority(c.voters.size);
      if (c.leader !== undefined && (!up.has(c.leader) || !hasMajority)) {
        c.leader = undefined;
        c.candidateSince = undefined;
      }
      if (c.leader === undefined) {
        if (!hasMajority) {
          c.candidateSince = undefined;
        } else {
          c.candidateSince ??= now;
          const votesFor = (id: string) => [...up].filter((v) => logOf(c, v) <= logOf(c, id)).length;
          const electable = [...up].filter((id) => votesFor(id) >= majority(c.voters.size)).sort((a, b) => Number(a) - Number(b));
          const resume = this.resumeLeaderOnRestart && c.lastLeader !== undefined && electable.includes(c.lastLeader);
          if (resume || now - c.candidateSince >= ELECTION_TIMEOUT) {
            c.leader = resume ? c.lastLeader : electable[0];
            c.head = logOf(c, c.leader as string);
            c.lastLeader = c.leader;
            c.candidateSince = undefined;
            c.elections++;
            for (const n of c.nodes.values()) {
              n.lastHeartbeat = now;
            }
          }
        }
      }
      if (c.leader !== undefined) {
        c.head += this.writesPerSecond * dt;
        const timeout = timeoutOf(c);
        for (const [id, n] of c.nodes) {
          if (now - n.lastHeartbeat > timeout) {
            c.nodes.delete(id);
          }
        }
      }
    }
  }
}
