/** A production environment that starts: every variable requireProductionSettings asks for (for specs). */
export const PRODUCTION_ENVIRONMENT: Readonly<Record<string, string>> = {
  NODE_ENV: 'production',
  JWT_SECRET: 'q8Z2-vT1m9XkLp4Rw7Yc0bN6hJ3sFd5G',
  MONGODB_URI: 'mongodb://db:27017',
  REDIS_URL: 'redis://cache:6379',
  WALLET_MASTER_KEY: 'k'.repeat(44),
  SUI_NETWORK: 'testnet',
  METRICS_TOKEN: 'a-metrics-token-of-some-length',
  WEBHOOK_SECRET_KEY: 'a'.repeat(64),
};
