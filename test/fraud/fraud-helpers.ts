import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { TokenService } from '../../src/auth/token.service';
import { FraudService } from '../../src/fraud/fraud.service';
import type { AssessmentInput, FraudAssessment } from '../../src/fraud/fraud.types';

export const id = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

export async function tokens(app: INestApplication) {
  const issuer = app.get(TokenService);
  return {
    admin: await issuer.issue({ id: 'admin-1', role: 'admin' }),
    user: await issuer.issue({ id: 'user-1', role: 'user' }),
  };
}

export function payment(overrides: Partial<AssessmentInput> & { at: Date }): AssessmentInput {
  return { cardUuid: id('card'), userId: 'user-1', amount: 50_000, merchantId: 'merchant-1', terminalId: 'terminal-1', ...overrides };
}

/** One tap the way payments runs it: assess, then report the outcome (approved unless blocked or declined). */
export async function tap(fraud: FraudService, input: AssessmentInput, declined = false): Promise<FraudAssessment> {
  const assessment = await fraud.assess(input);
  await fraud.recordOutcome(input, { approved: !declined && assessment.decision !== 'block', assessmentId: assessment.assessmentId });
  return assessment;
}

export const seconds = (base: Date, s: number) => new Date(base.getTime() + s * 1000);
