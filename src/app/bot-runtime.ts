import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import type { Config } from '../../config/schema';
import { pinnedFingerprints } from '../adapters/ssh/pinned-fingerprints';
import { BullmqJobQueue } from '../adapters/bullmq/bullmq-job-queue';
import { replicatedQueue } from '../adapters/bullmq/replicated-queue';
import type { Logger } from '../adapters/logger';
import { RedisEventConsumer } from '../adapters/redis/redis-event-consumer';
import { logConnectionHealth, producerConnection, redactRedisUrl, whenReady, workerConnection } from '../adapters/redis/redis-connection';
import { explainRedisError, trackRedisError } from '../adapters/redis/explain-redis-error';
import { RedisRequestStore } from '../adapters/redis/redis-request-store';
import { recordFailovers } from '../adapters/redis/record-failovers';
import { RedisInventoryStore } from '../adapters/redis/redis-inventory-store';
import { RedisJobEvents } from '../adapters/redis/redis-job-events';
import { auditFileSink, createAuditStore } from '../adapters/audit/create-audit-store';
import { RedisAnchorSource } from '../adapters/redis/redis-anchor-source';
import { AnchorPublisher } from '../bot/publish-anchors';
import { chatAnchorSink } from '../bot/anchor-sinks';
import { anchoringAudit } from '../bot/anchoring-audit';
import type { BotDeps } from '../bot/bot-deps';
import { deliverEvent } from '../bot/deliver-event';
import { handleCommand, type CommandInput, type CommandReply } from '../bot/handle-command';
import { handleButton, type ActionInput, type ActionReply } from '../bot/handle-button';
import { PacedChat } from '../adapters/paced-chat';
import type { RateGate } from '../ports/rate-gate-port';
import type { LeasePort } from '../ports/lease-port';
import { LeaseKeeper } from '../bot/lease-keeper';
import { RedisGraceControl } from '../adapters/redis/redis-grace-control';
import { newRequestId } from '../bot/new-request-id';
import { RedisApprovalStore } from '../adapters/redis/redis-approval-store';
import { RedisRolloutStore } from '../adapters/redis/redis-rollout-store';
import { redisOutputStore } from '../adapters/redis/redis-output-store';
import { sweep } from '../bot/sweep';
import type { ChatPort } from '../ports/chat-port';
import { noopMetrics, type MetricsPort } from '../ports/metrics-port';
import { meteredAudit } from '../adapters/metrics/metered-audit';
import type { InventorySource } from '../../config/inventory/inventory-source';
import { InventoryHolder } from '../core/inventory/inventory-holder';
import { inventorySnapshot, shortDigest } from '../core/inventory/inventory-snapshot';
import { pinInventory } from '../bot/pin-inventory';
import { startInventoryReload, type InventoryReloader, type ReloaderOptions } from './inventory-reload';

/** The bot's use cases wired to Redis and a chat: shared by `bot` (Slack) and `console`. */
export interface BotRuntime {
  deps: BotDeps;
  /** The live inventory (what `deps.inventory` reads). */
  inventory: InventoryHolder;
  /** Reloads the inventory now, as SIGHUP does (absent when the runtime was started without `reload`). */
  reloadInventory?: InventoryReloader['reload'];
  onCommand: (input: CommandInput) => Promise<CommandReply>;
  onAction: (input: ActionInput) => Promise<ActionReply>;
  close: () => Promise<void>;
}

/** What {@link startBotRuntime} is started with. */
export interface BotRuntimeOptions {
  config: Config;
  chat: ChatPort;
  redisUrl: string;
  logger: Logger;
  consumer?: string;
  metrics?: MetricsPort;
  /** How often the bot sweeps: approvals due to expire, approved plans and rollouts to resume. @defaultValue 5000 */
  expirySweepMs?: number;
  /** Where the config's hosts came from (loadConfigWithSource). @defaultValue the config's own hosts list */
  source?: InventorySource;
  /** The ops server's public URL (`OPS_PUBLIC_URL`), for `/srs output`'s link to a long output. @defaultValue none */
  opsPublicUrl?: string;
  /** Reload the inventory without a restart: on SIGHUP and when the files change. @defaultValue off */
  reload?: ReloaderOptions;
  /** Where Slack calls book their turn: shared by the replicas (the bot: Redis). @defaultValue this process's own */
  gate?: RateGate;
  /** The lease that makes one replica the sweeper and anchor publisher (docs/replicas.md). @defaultValue none: this one always */
  lease?: { port: LeasePort; ttlMs: number };
}

/**
 * Connects to Redis, starts delivering job events into threads, and returns the command handler. Waits up to 5 s for
 * Redis; if it is not there, commands are answered with a clear "queue unavailable" until it is.
 */
export async function startBotRuntime(o: BotRuntimeOptions): Promise<BotRuntime> {
  const producer = producerConnection(o.redisUrl);
  const producerError = trackRedisError(producer);
  logConnectionHealth(producer, o.logger, 'producer');
  const reader = workerConnection(o.redisUrl);
  logConnectionHealth(reader, o.logger, 'events');
  // Within Slack's limits: replies paced per channel, edits coalesced (at most one per message every 2 s).
  const paced = new PacedChat(o.chat, o.gate !== undefined ? { gate: o.gate } : {});
  const metrics = o.metrics ?? noopMetrics;
  const file = auditFileSink(o.config);
  const consumerName = o.consumer ?? `${hostname()}-${process.pid}`;
  const keeper = sweeperLease(o, consumerName);
  const duty = (): boolean => keeper?.held() ?? true;
  const anchors = anchorPublisher(o, new RedisAnchorSource(producer), paced, metrics, file, duty);
  const inventory = new InventoryHolder(
    inventorySnapshot(o.config, o.source ?? { kind: 'config', path: '(config given in code)' }, Date.now()),
  );
  const deps = redisBotDeps(o, producer, { chat: paced, inventory, audit: botAudit(o, producer, file, metrics, () => anchors.nudge()) });
  const actor = `bot:${consumerName}`;
  // Sentinel: a switch of the primary is recorded once (Redis, audit), and a request's thread says when it ran through one.
  const failovers = recordFailovers({ url: o.redisUrl, audit: deps.audit, actor, logger: o.logger });
  if (failovers !== undefined) deps.failovers = failovers.log;
  const consumer = new RedisEventConsumer({
    redis: reader,
    group: 'bot',
    consumer: consumerName,
    handle: (event, id) => deliverEvent(pinInventory(deps), event, id),
    logger: o.logger,
  });
  consumer.start();
  await warnUnlessReady(producer, producerError, o);
  const reloader = await startInventory(deps, inventory, actor, o);
  await keeper?.tick();
  keeper?.start();
  anchors.start();
  const stopSweeping = startSweeper(deps, o.logger, o.expirySweepMs ?? 5000, duty);
  const control = new RedisGraceControl(producer);
  return {
    deps,
    inventory,
    ...(reloader !== undefined ? { reloadInventory: (trigger: string) => reloader.reload(trigger) } : {}),
    onCommand: (input) => handleCommand(pinInventory(deps), input),
    onAction: (input) => pressButton(pinInventory({ ...deps, control }), input, o.logger),
    close: async () => {
      reloader?.close();
      stopSweeping();
      failovers?.stop();
      await deps.audit
        .append({ type: 'process.stopped', actor, data: { kind: 'bot' } })
        .catch(() => o.logger.error('audit: bot stop not recorded'));
      await anchors.stop();
      await keeper?.stop();
      await consumer.stop();
      await paced.drain().catch(() => undefined);
      await deps.queue.close();
      producer.disconnect();
    },
  };
}

/** The lease that makes one replica the sweeper and anchor publisher, when the bot runs with one. */
function sweeperLease(o: BotRuntimeOptions, token: string): LeaseKeeper | undefined {
  if (o.lease === undefined) return undefined;
  return new LeaseKeeper({ lease: o.lease.port, name: 'sweeper', token, ttlMs: o.lease.ttlMs, logger: o.logger, now: Date.now });
}

/** The audit log the bot writes: in Redis (and the file, when set), metered, nudging the anchor publisher. */
function botAudit(o: BotRuntimeOptions, producer: Redis, file: ReturnType<typeof auditFileSink>, metrics: MetricsPort, nudge: () => void) {
  return anchoringAudit(meteredAudit(createAuditStore(producer, o.config, file), metrics), nudge);
}

/** The bot's use cases' ports on one Redis connection. */
function redisBotDeps(
  o: BotRuntimeOptions,
  producer: Redis,
  parts: Pick<BotDeps, 'chat' | 'audit'> & { inventory: InventoryHolder },
): BotDeps {
  const { inventory } = parts;
  return {
    config: o.config,
    inventory,
    chat: parts.chat,
    queue: replicatedQueue(new BullmqJobQueue(producer), producer),
    inventories: new RedisInventoryStore(producer),
    requests: new RedisRequestStore(producer),
    events: new RedisJobEvents(producer),
    audit: parts.audit,
    approvals: new RedisApprovalStore(producer),
    rollouts: new RedisRolloutStore(producer),
    outputs: redisOutputStore(producer),
    ...(o.opsPublicUrl !== undefined && o.opsPublicUrl !== '' ? { outputLinkBase: o.opsPublicUrl } : {}),
    logger: o.logger,
    // Read on each use: a host pinned or re-pinned since shows at once (the file is small).
    hostKeys: () => pinnedFingerprints({ ssh: o.config.ssh, hosts: [...inventory.current().hosts] }),
    newId: () => newRequestId(),
    now: () => Date.now(),
  };
}

/** Waits up to 5 s for Redis; says why when it is not there (commands are refused until it is). */
async function warnUnlessReady(producer: Redis, producerError: () => string | undefined, o: BotRuntimeOptions): Promise<void> {
  if (await whenReady(producer, 5000)) return;
  const failure = explainRedisError(producerError() ?? `not connected (${producer.status})`);
  o.logger.warn(
    { redis: redactRedisUrl(o.redisUrl), err: failure.reason, fix: failure.fix },
    `redis ${failure.auth ? 'refused the credentials' : 'not reachable yet'}; commands will be refused until it is`,
  );
}

/** Records the inventory the bot starts with, and starts reloading it when asked to (SIGHUP, the file watch). */
async function startInventory(
  deps: BotDeps,
  inventory: InventoryHolder,
  actor: string,
  o: { config: Config; logger: Logger; reload?: ReloaderOptions },
): Promise<InventoryReloader | undefined> {
  const snap = inventory.current();
  await deps.audit
    .append({ type: 'process.started', actor, data: { kind: 'bot', hosts: snap.hosts.length, inventoryDigest: snap.digest } })
    .catch(() => o.logger.error('audit: bot start not recorded'));
  o.logger.info({ hosts: snap.hosts.length, inventoryDigest: shortDigest(snap.digest) }, 'bot inventory loaded');
  if (o.reload === undefined) return undefined;
  return startInventoryReload(
    { holder: inventory, running: o.config, audit: deps.audit, logger: o.logger, actor, now: deps.now },
    o.reload,
  );
}

/** The chain head published outside Redis: the audit channel and the audit file (docs/AUDIT-FORMAT.md, anchors). */
function anchorPublisher(
  o: { config: Config; logger: Logger },
  source: RedisAnchorSource,
  chat: ChatPort,
  metrics: MetricsPort,
  file: ReturnType<typeof auditFileSink>,
  active: () => boolean,
): AnchorPublisher {
  const { channel, everyMs, settleMs } = o.config.audit.anchors;
  return new AnchorPublisher({
    source,
    sinks: [...(channel !== undefined ? [chatAnchorSink(chat, channel)] : []), ...(file !== undefined ? [file] : [])],
    logger: o.logger,
    metrics,
    now: () => Date.now(),
    everyMs,
    settleMs,
    active,
  });
}

/**
 * Pending approvals expire even when nobody presses, and approved plans and rollouts cut short by a crash move on:
 * every `everyMs`, the replica holding the sweeper lease sweeps (`duty`); each step happens once. Returns the stop.
 */
function startSweeper(deps: BotDeps, logger: Logger, everyMs: number, duty: () => boolean): () => void {
  let sweeping = false;
  const sweeper = setInterval(() => {
    if (sweeping || !duty()) return;
    sweeping = true;
    sweep(pinInventory(deps))
      .catch((err: unknown) => logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'sweep failed; retried'))
      .finally(() => {
        sweeping = false;
      });
  }, everyMs);
  return () => clearInterval(sweeper);
}

/** A button press through its pipeline; one that fails on Redis or Slack is logged and answered, never lost silently. */
function pressButton(deps: Parameters<typeof handleButton>[0], input: ActionInput, logger: Logger): Promise<ActionReply> {
  return handleButton(deps, input).catch((err: unknown) => {
    logger.error(
      { action: input.actionId, user: input.userId, err: err instanceof Error ? err.message : String(err) },
      'button press failed',
    );
    return {
      ephemeral: {
        text: ':warning: That press could not be handled (Redis or Slack unreachable?); nothing more was done. Press again in a moment.',
      },
    };
  });
}
