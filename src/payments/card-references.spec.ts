import type { AuthConfig } from '../config/app.config';
import { CardReferences } from './card-references';

describe('CardReferences', () => {
  const refs = new CardReferences({ jwtSecret: 'x'.repeat(48) } as AuthConfig);

  it('masks all but the last four characters and adds a token', () => {
    expect(refs.of('M1', 'card-a1b2c3d4')).toMatch(/^\*{4}c3d4-[0-9a-f]{16}$/);
  });

  it('is stable for one merchant and card, and differs between merchants and cards', () => {
    expect(refs.of('M1', 'card-1')).toBe(refs.of('M1', 'card-1'));
    expect(refs.of('M2', 'card-1')).not.toBe(refs.of('M1', 'card-1'));
    expect(refs.of('M1', 'card-2')).not.toBe(refs.of('M1', 'card-1'));
  });

  it('depends on the server secret', () => {
    expect(new CardReferences({ jwtSecret: 'y'.repeat(48) } as AuthConfig).of('M1', 'card-1')).not.toBe(refs.of('M1', 'card-1'));
  });
});
