import { loadConfigWithSource } from '../../config/load-config';
import { watchFiles, type FileWatch } from '../adapters/inventory/watch-files';
import type { InventorySnapshot } from '../core/inventory/inventory-snapshot';
import { reloadInventory, type LoadOutcome, type ReloadDeps, type ReloadResult } from '../bot/reload-inventory';

/** The hot reload of the bot's inventory: SIGHUP and a watch on the files; `reload` runs one by hand (tests). */
export interface InventoryReloader {
  reload(trigger: string): Promise<ReloadResult>;
  close(): void;
}

export interface ReloaderOptions {
  /** Where the config is found (`SRS_CHATOPS_CONFIG`), as at the start. */
  env: NodeJS.ProcessEnv;
  /** Quiet time after the last file event before reloading. @defaultValue 400 */
  debounceMs?: number;
  /** Reload on SIGHUP. @defaultValue true */
  sighup?: boolean;
  /** Watch the config file and the inventory file. @defaultValue true */
  watch?: boolean;
}

/** The files a reload reads: the config, and the inventory file when the hosts come from one. */
function watchedPaths(env: NodeJS.ProcessEnv, snap: InventorySnapshot): string[] {
  const config = env.SRS_CHATOPS_CONFIG ?? 'config/srs-chatops.yml';
  return snap.source.kind === 'config' ? [config] : [config, snap.source.path];
}

/** Loads the files again; a refusal is the loader's message. */
function load(env: NodeJS.ProcessEnv): LoadOutcome {
  try {
    const { config, source } = loadConfigWithSource(env);
    return { ok: true, config, source };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}

/**
 * Starts reloading the inventory on SIGHUP and when the config or inventory file changes (debounced; an editor's
 * rename-over-save re-arms the watch). Reloads run one at a time, in order.
 */
export function startInventoryReload(deps: ReloadDeps, o: ReloaderOptions): InventoryReloader {
  let chain: Promise<unknown> = Promise.resolve();
  let watch: FileWatch | undefined;
  const reload = (trigger: string): Promise<ReloadResult> => {
    const run = chain.then(async () => {
      const result = await reloadInventory(deps, load(o.env), trigger);
      // The config may now name another inventory file: watch that one.
      watch?.setPaths(watchedPaths(o.env, deps.holder.current()));
      return result;
    });
    chain = run.catch(() => undefined);
    return run;
  };
  const fire = (trigger: string) => () =>
    void reload(trigger).catch((err: unknown) =>
      deps.logger.error({ trigger, err: err instanceof Error ? err.message : String(err) }, 'inventory reload failed unexpectedly'),
    );
  const onHup = fire('sighup');
  if (o.sighup !== false) process.on('SIGHUP', onHup);
  if (o.watch !== false)
    watch = watchFiles(watchedPaths(o.env, deps.holder.current()), fire('file'), {
      logger: deps.logger,
      ...(o.debounceMs !== undefined ? { debounceMs: o.debounceMs } : {}),
    });
  return {
    reload,
    close: () => {
      process.removeListener('SIGHUP', onHup);
      watch?.close();
    },
  };
}
