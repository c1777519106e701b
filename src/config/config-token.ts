/**
 * The injection token of one section of the configuration: `@Inject(appConfig.KEY) config: AppConfig`.
 * ConfigurationModule provides every section from the one object loadConfiguration() built.
 */
export function configToken<const Name extends string>(name: Name): { readonly KEY: `nfcpay.config.${Name}`; readonly section: Name } {
  return { KEY: `nfcpay.config.${name}`, section: name };
}
