import { DynamicModule, Module } from '@nestjs/common';
import type { NfcPayConfig } from '../config/app.config';
import { ApiModule } from './api.module';
import { CoreModule } from './core.module';
import { WorkerModule } from './worker.module';
import { RealtimeModule } from '../realtime/realtime.module';
import { WorkerBroadcaster } from '../realtime/worker-broadcaster';

/** The worker-only role broadcasts through a port-less socket server; with the API beside it, the gateway does that. */
@Module({ imports: [RealtimeModule], providers: [WorkerBroadcaster] })
class WorkerBroadcastModule {}

const ROLE_MODULES = { all: [ApiModule, WorkerModule], api: [ApiModule], worker: [WorkerModule, WorkerBroadcastModule] } as const;

/** The process's root module: the core, and the role modules APP_ROLE names (`all` runs both in one process). */
@Module({})
export class RootModule {
  static forConfig(config: NfcPayConfig): DynamicModule {
    return { module: RootModule, imports: [CoreModule.forRoot(config), ...ROLE_MODULES[config.app.role]] };
  }
}
