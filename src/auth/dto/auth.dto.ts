import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsIn, IsString, Matches, MaxLength, MinLength, ValidateIf } from 'class-validator';
import { STAFF_ROLES, type StaffRole } from '../../common/auth/principal';

const trimmed = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class RegisterDto {
  @ApiProperty({ example: 'lan@example.com' })
  @Transform(trimmed)
  @IsEmail()
  @MaxLength(254)
  email: string;

  @ApiProperty({ minLength: 8, maxLength: 128, example: 'correct horse battery' })
  @IsString()
  @MinLength(8)
  @MaxLength(128)
  password: string;

  @ApiProperty({ example: 'Nguyen Thi Lan' })
  @Transform(trimmed)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  fullName: string;
}

export class LoginDto {
  @ApiProperty({ example: 'lan@example.com' })
  @Transform(trimmed)
  @IsEmail()
  @MaxLength(254)
  email: string;

  @ApiProperty({ example: 'correct horse battery' })
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  password: string;
}

/** Empty (`{}`) when the request is signed by the terminal's device key: it then gets a socket token. */
export class TerminalTokenDto {
  @ApiPropertyOptional({ example: 'terminal-async-001', description: 'With terminalSecret, for a terminal made with a secret; leave both out of a signed request' })
  @ValidateIf(sendsCredentials)
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,64}$/, { message: 'terminalId must be 1-64 letters, digits, _ or -' })
  terminalId?: string;

  @ApiPropertyOptional({ example: 'tsk_3q0Zk...' })
  @ValidateIf(sendsCredentials)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  terminalSecret?: string;
}

function sendsCredentials(dto: TerminalTokenDto): boolean {
  return dto.terminalId !== undefined || dto.terminalSecret !== undefined;
}

export class UserDto {
  @ApiProperty({ example: '665f1c2a9b1e8a0012345678' })
  id: string;

  @ApiProperty({ example: 'lan@example.com' })
  email: string;

  @ApiProperty({ example: 'Nguyen Thi Lan' })
  fullName: string;

  @ApiProperty({ enum: ['user', 'admin', 'merchant'], description: '`merchant`: staff of one merchant (see merchantId and staffRole)' })
  role: 'user' | 'admin' | 'merchant';

  @ApiPropertyOptional({ example: '0x5b7c...e1', description: "A cardholder's custodial wallet" })
  walletAddress?: string;

  @ApiPropertyOptional({ example: 'MERCHANT_ASYNC_TEST', description: 'Merchant staff: the merchant they act for' })
  merchantId?: string;

  @ApiPropertyOptional({ enum: STAFF_ROLES, description: 'Merchant staff: owners may also invite staff and take payouts' })
  staffRole?: StaffRole;
}

export class InviteStaffDto {
  @ApiProperty({ example: 'cashier@pho24.example.com', description: 'Who is invited; must not have an account yet' })
  @Transform(trimmed)
  @IsEmail()
  @MaxLength(254)
  email: string;

  @ApiProperty({ enum: STAFF_ROLES, description: 'owner: everything staff may, plus inviting staff and payouts' })
  @IsIn(STAFF_ROLES)
  role: StaffRole;
}

export class InviteResponseDto {
  @ApiProperty({ example: true })
  success: true;

  @ApiProperty({ type: UserDto, description: 'The invited account; it cannot log in until the invite is accepted' })
  user: UserDto;

  @ApiProperty({ example: 'inv_665f1c2a9b1e8a0012345678.3q0Zk...', description: 'Shown only in this answer; only its hash is stored. Hand it to the invitee.' })
  inviteToken: string;

  @ApiProperty({ description: 'The invite is valid for 7 days' })
  inviteExpiresAt: Date;
}

export class StaffListResponseDto {
  @ApiProperty({ example: true })
  success: true;

  @ApiProperty({ type: [UserDto], description: "The merchant's staff, invited or active" })
  users: UserDto[];
}

export class AcceptInviteDto {
  @ApiProperty({ example: 'inv_665f1c2a9b1e8a0012345678.3q0Zk...', description: 'The token from the invite' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  inviteToken: string;

  @ApiProperty({ minLength: 8, maxLength: 128, example: 'correct horse battery', description: 'The password to log in with from now on' })
  @IsString()
  @MinLength(8)
  @MaxLength(128)
  password: string;

  @ApiProperty({ example: 'Tran Van Minh', description: 'The staff member\'s name' })
  @Transform(trimmed)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  fullName: string;
}

export class TerminalIdentityDto {
  @ApiProperty({ example: 'terminal-async-001' })
  terminalId: string;

  @ApiProperty({ example: 'MERCHANT_ASYNC_TEST' })
  merchantId: string;
}

export class UserSessionResponseDto {
  @ApiProperty({ example: true })
  success: true;

  @ApiProperty({ description: 'Bearer token for the Authorization header' })
  accessToken: string;

  @ApiProperty({ type: UserDto })
  user: UserDto;
}

export class RegistrationAcceptedResponseDto {
  @ApiProperty({ example: true })
  success: true;

  @ApiProperty({ example: 'Registration accepted: log in with this email and password' })
  message: string;
}

export class TerminalSessionResponseDto {
  @ApiProperty({ example: true })
  success: true;

  @ApiProperty({ description: 'Bearer token; for a signed request, a token for the socket handshake only (refused on HTTP)' })
  accessToken: string;

  @ApiProperty({ example: 300, description: 'Seconds the token is good for (300 for a socket token)' })
  expiresIn: number;

  @ApiProperty({ type: TerminalIdentityDto })
  terminal: TerminalIdentityDto;
}

export class MeResponseDto {
  @ApiProperty({ example: true })
  success: true;

  @ApiPropertyOptional({ type: UserDto })
  user?: UserDto;

  @ApiPropertyOptional({ type: TerminalIdentityDto })
  terminal?: TerminalIdentityDto;
}
