/** One switch of the Redis primary, as Sentinel announced it (+switch-master). */
export interface RedisFailover {
  /** When it was first seen (epoch ms). */
  at: number;
  /** The master name Sentinel monitors. */
  name: string;
  /** `host:port` of the primary before, and after. */
  from: string;
  to: string;
}

/** The failovers of Redis, recorded once whoever saw them first (bot replicas, workers). */
export interface FailoverLogPort {
  /** The failovers seen between two times (epoch ms, both included), oldest first. */
  failoversBetween(from: number, to: number): Promise<RedisFailover[]>;
}
