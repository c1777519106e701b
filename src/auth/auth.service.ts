import { ConflictException, HttpException, HttpStatus, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { Principal } from '../common/auth/principal';
import { MerchantsService } from '../merchants/merchants.service';
import { LoginDto, MeResponseDto, RegisterDto, TerminalSessionResponseDto, TerminalTokenDto, UserDto, UserSessionResponseDto } from './dto/auth.dto';
import { LoginAttemptsService } from './login-attempts.service';
import { DUMMY_HASH_PROMISE, hashPassword, verifyPassword } from './password-hasher';
import { User, UserDocument } from './schemas/user.schema';
import { TokenService } from './token.service';
import { WALLET_PROVISIONER, type WalletProvisioner } from './wallet-provisioner';
import { isDuplicateKeyError } from '../common/database/duplicate-key';

const BAD_CREDENTIALS = 'Invalid email or password';

@Injectable()
export class AuthService {
  constructor(
    @InjectModel(User.name) private readonly users: Model<User>,
    @Inject(WALLET_PROVISIONER) private readonly wallets: WalletProvisioner,
    private readonly tokens: TokenService,
    private readonly attempts: LoginAttemptsService,
    private readonly merchants: MerchantsService,
  ) {}

  async register(dto: RegisterDto): Promise<UserSessionResponseDto> {
    const email = dto.email.toLowerCase();
    const user = await this.createUser(email, dto);
    try {
      const wallet = await this.wallets.createWallet(user.id);
      user.walletAddress = wallet.address;
      await this.users.updateOne({ _id: user._id }, { $set: { walletAddress: wallet.address } });
    } catch (error) {
      // A user without a wallet could never pay; undo so the caller can simply retry.
      await this.users.deleteOne({ _id: user._id });
      throw error;
    }
    return this.session(user);
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
    if (!user || !valid) {
      await this.attempts.recordFailure(email, address);
      throw new UnauthorizedException(BAD_CREDENTIALS);
    }
    await this.attempts.recordSuccess(email, address);
    return this.session(user);
  }

  async terminalToken(dto: TerminalTokenDto): Promise<TerminalSessionResponseDto> {
    const grant = await this.merchants.authenticateTerminal(dto.terminalId, dto.terminalSecret);
    if (!grant) throw new UnauthorizedException('Invalid terminal credentials');
    const accessToken = await this.tokens.issueTerminal(grant);
    return { success: true, accessToken, terminal: { terminalId: grant.terminalId, merchantId: grant.merchantId } };
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
  async ensureAdmin(email: string, password: string): Promise<void> {
    const passwordHash = await hashPassword(password);
    await this.users.updateOne(
      { email: email.toLowerCase() },
      { $set: { passwordHash, role: 'admin' }, $setOnInsert: { fullName: 'Administrator' } },
      { upsert: true },
    );
  }

  private async createUser(email: string, dto: RegisterDto): Promise<UserDocument> {
    try {
      return await this.users.create({ email, fullName: dto.fullName, passwordHash: await hashPassword(dto.password), role: 'user' });
    } catch (error) {
      if (isDuplicateKeyError(error)) throw new ConflictException('An account with this email already exists');
      throw error;
    }
  }

  private async session(user: UserDocument): Promise<UserSessionResponseDto> {
    const accessToken = await this.tokens.issue({ id: user.id, role: user.role });
    return { success: true, accessToken, user: toUserDto(user) };
  }
}

export function toUserDto(user: Pick<User, 'email' | 'fullName' | 'role' | 'walletAddress'> & { _id: unknown }): UserDto {
  return {
    id: String(user._id),
    email: user.email,
    fullName: user.fullName,
    role: user.role,
    ...(user.walletAddress && { walletAddress: user.walletAddress }),
  };
}
