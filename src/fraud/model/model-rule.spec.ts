import type { RuleVerdict } from '../rules/rule-engine';
import { applyModel } from './model-rule';
import type { ModelScore } from './scorer';

const rule = { enabled: true, blockAt: 75, reviewAt: 65 };
const allow: RuleVerdict = { score: 0, decision: 'allow', reasons: [] };
const score = (riskScore: number, version = 'v1'): ModelScore => ({ version, riskScore, riskLevel: 'normal', topFeatures: [] });

describe('the model rule', () => {
  it('makes an active model’s high score block and a middling one review, naming the model', () => {
    expect(applyModel(allow, { active: score(80) }, rule)).toMatchObject({ decision: 'block', riskLevel: 'highest', modelEnforced: true, reasons: [{ rule: 'model' }] });
    expect(applyModel(allow, { active: score(70) }, rule)).toMatchObject({ decision: 'review', riskLevel: 'elevated' });
    expect(applyModel(allow, { active: score(10) }, rule)).toMatchObject({ decision: 'allow', riskLevel: 'normal', reasons: [] });
  });

  it('never relaxes the rules, and decides nothing in shadow or when disabled', () => {
    const blocked: RuleVerdict = { score: 90, decision: 'block', reasons: [{ rule: 'velocity', detail: 'x', weight: 90 }] };
    expect(applyModel(blocked, { active: score(5) }, rule).decision).toBe('block');
    expect(applyModel(allow, { shadow: score(95) }, rule)).toMatchObject({ decision: 'allow', riskScore: 95, modelEnforced: false });
    expect(applyModel(allow, { active: score(95) }, { ...rule, enabled: false })).toMatchObject({ decision: 'allow', modelEnforced: false });
  });

  it('records a shadow model beside the active one', () => {
    expect(applyModel(allow, { active: score(10, 'v1'), shadow: score(90, 'v2') }, rule)).toMatchObject({ modelVersion: 'v1', shadow: { version: 'v2', riskScore: 90, riskLevel: 'highest' } });
  });
});
