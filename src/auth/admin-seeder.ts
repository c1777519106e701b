import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { authConfig, type AuthConfig } from '../config/app.config';
import { AuthService } from './auth.service';

/** Creates or updates the admin named by ADMIN_EMAIL / ADMIN_PASSWORD at start-up. */
@Injectable()
export class AdminSeeder implements OnApplicationBootstrap {
  private readonly logger = new Logger(AdminSeeder.name);

  constructor(
    @Inject(authConfig.KEY) private readonly config: AuthConfig,
    private readonly auth: AuthService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { adminEmail, adminPassword } = this.config;
    if (!adminEmail || !adminPassword) return;
    await this.auth.ensureAdmin(adminEmail, adminPassword);
    this.logger.log(`Admin ${adminEmail} is ready`);
  }
}
