import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { appConfig, type AppConfig, authConfig, type AuthConfig } from '../config/app.config';
import { AuthService } from './auth.service';

export const HOW_TO_MAKE_AN_ADMIN = 'set ADMIN_EMAIL and ADMIN_PASSWORD (or ADMIN_PASSWORD_FILE), or run `npm run admin -- create --email <email>` with the password on standard input';

/** Creates the admin named by ADMIN_EMAIL / ADMIN_PASSWORD at start-up (an existing one is left as it is). */
@Injectable()
export class AdminSeeder implements OnApplicationBootstrap {
  private readonly logger = new Logger(AdminSeeder.name);

  constructor(
    @Inject(authConfig.KEY) private readonly config: AuthConfig,
    @Inject(appConfig.KEY) private readonly app: AppConfig,
    private readonly auth: AuthService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { adminEmail, adminPassword } = this.config;
    if (adminEmail && adminPassword) {
      const outcome = await this.auth.createAdmin(adminEmail, adminPassword);
      if (outcome === 'created') this.logger.log(`Admin ${adminEmail} created`);
      if (outcome === 'taken-by-cardholder') this.logger.error(`ADMIN_EMAIL ${adminEmail} belongs to a cardholder account; it is not made an admin. Choose another email.`);
      return;
    }
    if (this.app.isProduction && !(await this.auth.hasAdmin())) {
      this.logger.warn(`No admin account exists, so nobody can create merchants: ${HOW_TO_MAKE_AN_ADMIN}`);
    }
  }
}
