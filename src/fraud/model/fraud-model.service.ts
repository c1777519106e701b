import { BadRequestException, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { FraudAuditService } from '../fraud-audit.service';
import { FraudClock } from '../fraud-clock';
import { BUNDLED_MODELS } from './models';
import { FraudModelState, MODEL_STATE_ID } from './schemas';
import { type FraudModelFile, matchesFeatures, type ModelScore, scoreWith } from './scorer';

/** Instances follow another's activation within this long. */
const STATE_TTL_MS = 5_000;

export interface ModelState {
  active?: FraudModelFile;
  shadow?: FraudModelFile;
}

export interface ModelScores {
  active?: ModelScore;
  shadow?: ModelScore;
}

/**
 * The bundled models and which of them runs: none is enforced until an admin activates it; the
 * newest one not active runs in shadow (scored and recorded beside the rules, deciding nothing).
 * The state is read from MongoDB in the background, never on the payment's path.
 */
@Injectable()
export class FraudModelService implements OnModuleInit {
  private readonly logger = new Logger('FraudModel');
  private readonly models = new Map(BUNDLED_MODELS.filter(matchesFeatures).map((m) => [m.version, m]));
  private state: ModelState = { shadow: BUNDLED_MODELS.at(-1) };
  private freshUntil = 0;
  private refreshing?: Promise<void>;

  constructor(
    @InjectModel(FraudModelState.name) private readonly states: Model<FraudModelState>,
    private readonly audit: FraudAuditService,
    private readonly clock: FraudClock,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.refresh().catch((error: Error) => this.logger.warn(`model state not read yet: ${error.message}`));
  }

  /** Scores the features (modelFeatures) with the active and the shadow model; microseconds, no I/O. */
  score(x: number[]): ModelScores {
    if (this.clock.now() > this.freshUntil) void this.refreshSoon();
    const { active, shadow } = this.state;
    if (!active && !shadow) return {};
    return { ...(active && { active: scoreWith(active, x) }), ...(shadow && { shadow: scoreWith(shadow, x) }) };
  }

  available(): string[] {
    return [...this.models.keys()];
  }

  async current(): Promise<ModelState> {
    await this.refresh();
    return this.state;
  }

  async activate(version: string, adminId: string): Promise<ModelState> {
    if (!this.models.has(version)) throw new BadRequestException(`No model ${version} in this build (known: ${[...this.models.keys()].join(', ')})`);
    const previous = (await this.current()).active?.version ?? null;
    const shadow = [...this.models.keys()].reverse().find((v) => v !== version) ?? null;
    const next = shadow && this.isNewer(shadow, version) ? shadow : null;
    await this.states.replaceOne({ _id: MODEL_STATE_ID }, { active: version, shadow: next, updatedBy: adminId, updatedAt: new Date(this.clock.now()) }, { upsert: true }).exec();
    await this.audit.write('model.activate', adminId, { from: previous, to: version });
    await this.refresh();
    return this.state;
  }

  private isNewer(a: string, b: string): boolean {
    const order = [...this.models.keys()];
    return order.indexOf(a) > order.indexOf(b);
  }

  private refreshSoon(): Promise<void> {
    this.refreshing ??= this.refresh()
      .catch((error: Error) => this.logger.warn(`model state not refreshed: ${error.message}`))
      .finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private async refresh(): Promise<void> {
    this.freshUntil = this.clock.now() + STATE_TTL_MS;
    const doc = await this.states.findById(MODEL_STATE_ID).lean().exec();
    const newest = BUNDLED_MODELS.at(-1);
    if (!doc) {
      this.state = { ...(newest && { shadow: newest }) };
      return;
    }
    const active = doc.active ? this.models.get(doc.active) : undefined;
    // An active version this build no longer bundles (another feature list) leaves the newest in shadow, not nothing.
    const shadow = (doc.shadow ? this.models.get(doc.shadow) : undefined) ?? (active ? undefined : newest);
    this.state = { ...(active && { active }), ...(shadow && { shadow }) };
  }
}
