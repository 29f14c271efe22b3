import { hostname } from 'node:os';
import type { Config } from '../../config/schema';
import { BullmqJobQueue } from '../adapters/bullmq/bullmq-job-queue';
import type { Logger } from '../adapters/logger';
import { RedisEventConsumer } from '../adapters/redis/redis-event-consumer';
import { logConnectionHealth, producerConnection, whenReady, workerConnection } from '../adapters/redis/redis-connection';
import { RedisRequestStore } from '../adapters/redis/redis-request-store';
import type { BotDeps } from '../bot/bot-deps';
import { deliverEvent } from '../bot/deliver-event';
import { handleCommand, type CommandInput, type CommandReply } from '../bot/handle-command';
import { newRequestId } from '../bot/new-request-id';
import type { ChatPort } from '../ports/chat-port';

/** The bot's use cases wired to Redis and a chat: shared by `bot` (Slack) and `console`. */
export interface BotRuntime {
  deps: BotDeps;
  onCommand: (input: CommandInput) => Promise<CommandReply>;
  close: () => Promise<void>;
}

/**
 * Connects to Redis, starts delivering job events into threads, and returns the command handler. Waits up to 5 s for
 * Redis; if it is not there, commands are answered with a clear "queue unavailable" until it is.
 */
export async function startBotRuntime(o: { config: Config; chat: ChatPort; redisUrl: string; logger: Logger; consumer?: string }): Promise<BotRuntime> {
  const producer = producerConnection(o.redisUrl);
  logConnectionHealth(producer, o.logger, 'producer');
  const reader = workerConnection(o.redisUrl);
  logConnectionHealth(reader, o.logger, 'events');
  const deps: BotDeps = {
    config: o.config,
    chat: o.chat,
    queue: new BullmqJobQueue(producer),
    requests: new RedisRequestStore(producer),
    logger: o.logger,
    newId: () => newRequestId(),
    now: () => Date.now(),
  };
  const consumer = new RedisEventConsumer({
    redis: reader,
    group: 'bot',
    consumer: o.consumer ?? `${hostname()}-${process.pid}`,
    handle: (event) => deliverEvent(deps, event),
    logger: o.logger,
  });
  consumer.start();
  if (!(await whenReady(producer, 5000))) o.logger.warn({ redis: o.redisUrl.replace(/\/\/[^@]*@/, '//***@') }, 'redis not reachable yet; commands will be refused until it is');
  return {
    deps,
    onCommand: (input) => handleCommand(deps, input),
    close: async () => {
      await consumer.stop();
      await deps.queue.close();
      producer.disconnect();
    },
  };
}
