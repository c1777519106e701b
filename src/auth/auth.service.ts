import { ForbiddenException, HttpException, HttpStatus, Inject, Injectable, Logger, UnauthorizedException } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { Principal } from '../common/auth/principal';
import { MerchantsService } from '../merchants/merchants.service';
import {
  LoginDto,
  MeResponseDto,
  RegisterDto,
  RegistrationAcceptedResponseDto,
  TerminalSessionResponseDto,
  TerminalTokenDto,
  UserDto,
  UserSessionResponseDto,
} from './dto/auth.dto';
import { LoginAttemptsService } from './login-attempts.service';
import { DUMMY_HASH_PROMISE, hashPassword, verifyPassword } from './password-hasher';
import { RegistrationTiming } from './registration-timing';
import { User, UserDocument } from './schemas/user.schema';
import { SOCKET_TOKEN_SECONDS, TokenService } from './token.service';
import { WALLET_PROVISIONER, type WalletProvisioner } from '../blockchain/wallets/wallet-provisioner';
import { isDuplicateKeyError } from '../common/database/duplicate-key';

const BAD_CREDENTIALS = 'Invalid email or password';
const REGISTRATION_ACCEPTED: RegistrationAcceptedResponseDto = { success: true, message: 'Registration accepted: log in with this email and password' };

@Injectable()
export class AuthService {
  private readonly logger = new Logger(AuthService.name);
  private readonly registrationTiming = new RegistrationTiming();

  constructor(
    @InjectModel(User.name) private readonly users: Model<User>,
    @Inject(WALLET_PROVISIONER) private readonly wallets: WalletProvisioner,
    private readonly tokens: TokenService,
    private readonly attempts: LoginAttemptsService,
    private readonly merchants: MerchantsService,
  ) {}

  /**
   * One answer whether or not the email is taken, as login gives one answer for a wrong password
   * and an unknown email: so no token (a working one would tell the email was free); the caller
   * logs in next. A taken email's account is left exactly as it was. Both branches hash the
   * password, and a taken email's answer waits as long as a fresh registration takes.
   */
  async register(dto: RegisterDto): Promise<RegistrationAcceptedResponseDto> {
    const startedAt = performance.now();
    const email = dto.email.toLowerCase();
    const user = await this.createUser(email, dto.fullName, await hashPassword(dto.password));
    if (user) {
      await this.provisionWallet(user);
      this.registrationTiming.recordFresh(performance.now() - startedAt);
    } else {
      this.logger.log('registration for an email that already has an account; answered as accepted');
      await this.registrationTiming.padFrom(startedAt);
    }
    return REGISTRATION_ACCEPTED;
  }

  /** `address`: the client's IP, which failed attempts are counted against (with the email). */
  async login(dto: LoginDto, address: string): Promise<UserSessionResponseDto> {
    const email = dto.email.toLowerCase();
    const lockedFor = await this.attempts.lockedForSeconds(email, address);
    if (lockedFor > 0) {
      throw new HttpException({ error: 'Too Many Requests', message: 'Too many failed logins; try again later', retryAfterSeconds: lockedFor }, HttpStatus.TOO_MANY_REQUESTS);
    }
    const user = await this.users.findOne({ email }).exec();
    const valid = await verifyPassword(dto.password, user?.passwordHash ?? (await DUMMY_HASH_PROMISE));
    // An invited staff member who has not accepted has no password, only the dummy hash's chance.
    if (!user?.passwordHash || !valid) {
      await this.attempts.recordFailure(email, address);
      throw new UnauthorizedException(BAD_CREDENTIALS);
    }
    await this.attempts.recordSuccess(email, address);
    return this.session(user);
  }

  /**
   * A bearer token for id and secret; for a request signed by the terminal's device key (`signer`),
   * a short token for the socket handshake (HTTP wants every request signed).
   */
  async terminalToken(dto: TerminalTokenDto, signer?: Principal): Promise<TerminalSessionResponseDto> {
    if (signer?.proof === 'signature') return this.socketSession(signer);
    if (dto.terminalId === undefined || dto.terminalSecret === undefined) {
      throw new UnauthorizedException('Send terminalId and terminalSecret, or sign the request with the device key (RFC 9421)');
    }
    const grant = await this.merchants.authenticateTerminal(dto.terminalId, dto.terminalSecret);
    if (!grant) throw new UnauthorizedException('Invalid terminal credentials');
    const accessToken = await this.tokens.issueTerminal(grant);
    return { success: true, accessToken, expiresIn: this.tokens.expiresInSeconds(accessToken) ?? 0, terminal: { terminalId: grant.terminalId, merchantId: grant.merchantId } };
  }

  private async socketSession(signer: Principal): Promise<TerminalSessionResponseDto> {
    const standing = await this.merchants.terminalStanding(signer.id);
    if (!standing?.merchant) throw new UnauthorizedException('Unknown terminal');
    const { terminal, merchant } = standing;
    const accessToken = await this.tokens.issueSocket({ terminalId: terminal.terminalId, merchantId: terminal.merchantId, terminalGeneration: terminal.credentialGeneration, merchantGeneration: merchant.accessGeneration ?? 0 });
    return { success: true, accessToken, expiresIn: SOCKET_TOKEN_SECONDS, terminal: { terminalId: terminal.terminalId, merchantId: terminal.merchantId } };
  }

  async me(principal: Principal): Promise<MeResponseDto> {
    if (principal.role === 'terminal') {
      return { success: true, terminal: { terminalId: principal.id, merchantId: principal.merchantId! } };
    }
    const user = await this.users.findById(principal.id).lean().exec();
    if (!user) throw new UnauthorizedException('Missing, expired or invalid access token');
    return { success: true, user: toUserDto(user) };
  }

  /** Creates or updates the start-up admin (ADMIN_EMAIL / ADMIN_PASSWORD). */
  /**
   * Creates the admin unless the email already has an account. An existing admin keeps its
   * password (a restart never resets it); an existing cardholder is never promoted, since anyone
   * could have registered that email first.
   */
  async createAdmin(email: string, password: string): Promise<'created' | 'exists' | 'taken-by-cardholder'> {
    const normalized = email.toLowerCase();
    try {
      await this.users.create({ email: normalized, fullName: 'Administrator', passwordHash: await hashPassword(password), role: 'admin' });
      return 'created';
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
    const existing = await this.users.findOne({ email: normalized }).lean().exec();
    return existing?.role === 'admin' ? 'exists' : 'taken-by-cardholder';
  }

  async hasAdmin(): Promise<boolean> {
    return (await this.users.exists({ role: 'admin' }).exec()) !== null;
  }

  /** The new user, or null when the email is taken. */
  private async createUser(email: string, fullName: string, passwordHash: string): Promise<UserDocument | null> {
    try {
      return await this.users.create({ email, fullName, passwordHash, role: 'user' });
    } catch (error) {
      if (isDuplicateKeyError(error)) return null;
      throw error;
    }
  }

  private async provisionWallet(user: UserDocument): Promise<void> {
    try {
      const wallet = await this.wallets.createWallet(user.id);
      await this.users.updateOne({ _id: user._id }, { $set: { walletAddress: wallet.address } });
    } catch (error) {
      // A user without a wallet could never pay; undo so the caller can simply retry.
      await this.users.deleteOne({ _id: user._id });
      throw error;
    }
  }

  /**
   * A staff token carries its merchant's access generation, so a suspension ends it like a
   * terminal's; a suspended merchant's staff get no token at all.
   */
  async session(user: UserDocument): Promise<UserSessionResponseDto> {
    if (user.role !== 'merchant') {
      const accessToken = await this.tokens.issue({ id: user.id, role: user.role });
      return { success: true, accessToken, user: toUserDto(user) };
    }
    const merchant = await this.merchants.merchantSnapshot(user.merchantId!);
    if (merchant?.status !== 'active') throw new ForbiddenException('Your merchant is suspended');
    const accessToken = await this.tokens.issueStaff({ id: user.id, role: 'merchant', merchantId: user.merchantId, staffRole: user.staffRole }, merchant.accessGeneration);
    return { success: true, accessToken, user: toUserDto(user) };
  }
}

export function toUserDto(user: Pick<User, 'email' | 'fullName' | 'role' | 'walletAddress' | 'merchantId' | 'staffRole'> & { _id: unknown }): UserDto {
  return {
    id: String(user._id),
    email: user.email,
    fullName: user.fullName,
    role: user.role,
    ...(user.walletAddress && { walletAddress: user.walletAddress }),
    ...(user.merchantId && { merchantId: user.merchantId }),
    ...(user.staffRole && { staffRole: user.staffRole }),
  };
}
