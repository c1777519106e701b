import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated } from '../../common/auth/authenticated.decorator';
import { CurrentPrincipal } from '../../common/auth/current-principal.decorator';
import type { Principal } from '../../common/auth/principal';
import { ApiErrorResponses } from '../../common/docs/api-error-responses';
import { ApiIdParams } from '../../common/docs/api-id-params';
import { IdParamPipe } from '../../common/validation/id-param.pipe';
import { InviteResponseDto, InviteStaffDto, StaffListResponseDto } from '../dto/auth.dto';
import { StaffService } from './staff.service';

@ApiTags('merchants')
@ApiErrorResponses({ status: 400, description: 'Invalid body or id; `details` names the fields' }, 429, 503)
@Controller('api/merchants/:merchantId/users')
export class MerchantStaffController {
  constructor(private readonly staff: StaffService) {}

  @Post()
  @Authenticated({ roles: ['admin', 'merchant'] })
  @ApiOperation({
    summary: 'Invite a staff member (admins, or the merchant\'s owner)',
    description: 'The answer carries `inviteToken`, shown only this once and valid for 7 days; the invitee sets a password with POST /api/auth/invites/accept and then logs in at POST /api/auth/login.',
  })
  @ApiIdParams('merchantId')
  @ApiCreatedResponse({ type: InviteResponseDto, description: 'Invited; hand the inviteToken to the invitee' })
  @ApiErrorResponses(
    { status: 403, description: "Staff who are not the merchant's owner", message: "Only an admin or the merchant's owner can invite staff" },
    { status: 404, description: 'No such merchant, or not yours', message: 'Merchant not found' },
    { status: 409, description: 'The email already has an account', message: 'This email already has an account' },
    413,
    415,
  )
  invite(@Param('merchantId', IdParamPipe) merchantId: string, @Body() dto: InviteStaffDto, @CurrentPrincipal() principal: Principal): Promise<InviteResponseDto> {
    return this.staff.invite(merchantId, dto, principal);
  }

  @Get()
  @Authenticated({ roles: ['admin', 'merchant'] })
  @ApiOperation({ summary: "A merchant's staff, invited or active" })
  @ApiIdParams('merchantId')
  @ApiOkResponse({ type: StaffListResponseDto, description: 'The staff' })
  @ApiErrorResponses({ status: 404, description: 'No such merchant, or not yours', message: 'Merchant not found' })
  async list(@Param('merchantId', IdParamPipe) merchantId: string, @CurrentPrincipal() principal: Principal): Promise<StaffListResponseDto> {
    return { success: true, users: await this.staff.list(merchantId, principal) };
  }
}
