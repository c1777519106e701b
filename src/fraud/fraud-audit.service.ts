import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { FraudClock } from './fraud-clock';
import { FraudAuditAction, FraudAuditEntry } from './schemas/fraud-audit.schema';

@Injectable()
export class FraudAuditService {
  constructor(
    @InjectModel(FraudAuditEntry.name) private readonly audit: Model<FraudAuditEntry>,
    private readonly clock: FraudClock,
  ) {}

  async write(action: FraudAuditAction, actor: string, details: Record<string, unknown>): Promise<void> {
    await this.audit.create({ action, actor, at: new Date(this.clock.now()), details });
  }

  async recent(limit: number, action?: FraudAuditAction): Promise<FraudAuditEntry[]> {
    return this.audit
      .find(action ? { action } : {})
      .sort({ at: -1, _id: -1 })
      .limit(limit)
      .lean<FraudAuditEntry[]>()
      .exec();
  }
}
