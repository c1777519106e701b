import type { FraudModelFile } from '../scorer';
import lrV2 from './lr-2026-12-v2.json';

/** The trained models shipped with this build, oldest first (`npm run fraud:train` writes them). */
export const BUNDLED_MODELS: FraudModelFile[] = [lrV2 as FraudModelFile];
