import type { FraudModelFile } from '../scorer';
import lrV1 from './lr-2026-12-v1.json';

/** The trained models shipped with this build, oldest first (`npm run fraud:train` writes them). */
export const BUNDLED_MODELS: FraudModelFile[] = [lrV1 as FraudModelFile];
