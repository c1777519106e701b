import { createSecretKey } from 'node:crypto';
import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { MongooseModule } from '@nestjs/mongoose';
import { BlockchainModule } from '../blockchain/blockchain.module';
import { authConfig, AuthConfig } from '../config/app.config';
import { MerchantsModule } from '../merchants/merchants.module';
import { AdminSeeder } from './admin-seeder';
import { TokenCallerIdentity } from './caller-identity';
import { AuthService } from './auth.service';
import { JwtAuthGuard } from './guards/jwt-auth.guard';
import { LoginAttemptsService } from './login-attempts.service';
import { InviteClaim, InviteClaimSchema } from './schemas/invite-claim.schema';
import { User, UserSchema } from './schemas/user.schema';
import { SignedRequestVerifier } from './signatures/signed-request.verifier';
import { StaffService } from './staff/staff.service';
import { TokenService } from './token.service';

@Module({
  imports: [
    JwtModule.registerAsync({
      inject: [authConfig.KEY],
      useFactory: (config: AuthConfig) => ({
        // A KeyObject made once: given the string, jsonwebtoken tries it as a PEM public key (and throws) on every verify before making a secret key of it.
        secret: createSecretKey(Buffer.from(config.jwtSecret)),
        signOptions: { algorithm: 'HS256', expiresIn: config.jwtExpiresIn as `${number}${'s' | 'm' | 'h' | 'd'}` },
        verifyOptions: { algorithms: ['HS256'] },
      }),
    }),
    MongooseModule.forFeature([{ name: User.name, schema: UserSchema }, { name: InviteClaim.name, schema: InviteClaimSchema }]),
    MerchantsModule,
    BlockchainModule,
  ],
  providers: [AuthService, StaffService, TokenService, LoginAttemptsService, AdminSeeder, TokenCallerIdentity, SignedRequestVerifier, { provide: APP_GUARD, useClass: JwtAuthGuard }],
  exports: [TokenService, AuthService, StaffService, TokenCallerIdentity, SignedRequestVerifier],
})
export class AuthModule {}
