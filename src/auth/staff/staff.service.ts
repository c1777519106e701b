import { ConflictException, ForbiddenException, Injectable, UnauthorizedException } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { isValidObjectId, Model, Types } from 'mongoose';
import { isAdmin, isMerchantOwner, type Principal } from '../../common/auth/principal';
import { isDuplicateKeyError } from '../../common/database/duplicate-key';
import { MerchantsService } from '../../merchants/merchants.service';
import { AuthService, toUserDto } from '../auth.service';
import { AcceptInviteDto, InviteResponseDto, InviteStaffDto, UserDto, UserSessionResponseDto } from '../dto/auth.dto';
import { hashPassword } from '../password-hasher';
import { InviteClaim } from '../schemas/invite-claim.schema';
import { User } from '../schemas/user.schema';
import { generateInviteToken, hashInviteToken, INVITE_TTL_MS, inviteTokenMatches, userIdOfInvite } from './invite-token';

const BAD_INVITE = 'Invalid, expired or already used invite';

/** Merchant staff accounts: invited by an admin or the merchant's owner, activated by accepting. */
@Injectable()
export class StaffService {
  constructor(
    @InjectModel(User.name) private readonly users: Model<User>,
    @InjectModel(InviteClaim.name) private readonly claims: Model<InviteClaim>,
    private readonly merchants: MerchantsService,
    private readonly auth: AuthService,
  ) {}

  async invite(merchantId: string, dto: InviteStaffDto, principal: Principal): Promise<InviteResponseDto> {
    await this.merchants.get(merchantId, principal);
    if (!isAdmin(principal) && !isMerchantOwner(principal, merchantId)) throw new ForbiddenException("Only an admin or the merchant's owner can invite staff");
    const email = dto.email.toLowerCase();
    const inviteExpiresAt = new Date(Date.now() + INVITE_TTL_MS);
    const _id = new Types.ObjectId();
    const inviteToken = generateInviteToken(_id.toHexString());
    let user;
    try {
      // The name is the invitee's to give when accepting; the email stands in until then.
      user = await this.users.create({ _id, email, fullName: email, role: 'merchant', merchantId, staffRole: dto.role, inviteExpiresAt, inviteTokenHash: hashInviteToken(inviteToken) });
    } catch (error) {
      if (isDuplicateKeyError(error)) throw new ConflictException('This email already has an account');
      throw error;
    }
    return { success: true, user: toUserDto(user), inviteToken, inviteExpiresAt };
  }

  async list(merchantId: string, principal: Principal): Promise<UserDto[]> {
    await this.merchants.get(merchantId, principal);
    const staff = await this.users.find({ role: 'merchant', merchantId }).sort({ email: 1 }).limit(1000).lean().exec();
    return staff.map(toUserDto);
  }

  /** One answer for an unknown, wrong, expired or used token; the first acceptance wins a race. */
  async accept(dto: AcceptInviteDto): Promise<UserSessionResponseDto> {
    const userId = userIdOfInvite(dto.inviteToken);
    const invited = userId && isValidObjectId(userId) ? await this.users.findById(userId).exec() : null;
    const valid =
      invited?.role === 'merchant' && !invited.passwordHash && invited.inviteTokenHash && inviteTokenMatches(dto.inviteToken, invited.inviteTokenHash) && invited.inviteExpiresAt!.getTime() > Date.now();
    if (!invited || !valid) throw new UnauthorizedException(BAD_INVITE);
    try {
      await this.claims.create({ _id: invited.id, createdAt: new Date() });
    } catch (error) {
      if (isDuplicateKeyError(error)) throw new UnauthorizedException(BAD_INVITE);
      throw error;
    }
    const passwordHash = await hashPassword(dto.password);
    await this.users.updateOne({ _id: invited._id }, { $set: { passwordHash, fullName: dto.fullName }, $unset: { inviteTokenHash: 1, inviteExpiresAt: 1 } }).exec();
    invited.set({ passwordHash, fullName: dto.fullName, inviteTokenHash: undefined, inviteExpiresAt: undefined });
    return this.auth.session(invited);
  }
}
