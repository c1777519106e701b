import { Controller, Get, NotFoundException } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated } from '../common/auth/authenticated.decorator';
import { CurrentPrincipal } from '../common/auth/current-principal.decorator';
import type { Principal } from '../common/auth/principal';
import { ApiErrorResponses } from '../common/docs/api-error-responses';
import { WalletResponseDto } from './dto/wallet.dto';
import { WalletService } from './wallets/wallet.service';

@ApiTags('wallet')
@Controller('api/wallet')
export class WalletController {
  constructor(private readonly wallets: WalletService) {}

  @Get()
  @Authenticated({ roles: ['user'] })
  @ApiOperation({ summary: "The cardholder's custodial Sui wallet and its balance" })
  @ApiOkResponse({ type: WalletResponseDto, description: 'The wallet address and its balance on the ledger' })
  @ApiErrorResponses({ status: 404, description: 'The account has no wallet', message: 'No wallet for this account' }, 429, 503)
  async wallet(@CurrentPrincipal() principal: Principal): Promise<WalletResponseDto> {
    const wallet = await this.wallets.walletOf(principal.id);
    if (!wallet) throw new NotFoundException('No wallet for this account');
    return { success: true, wallet: await this.wallets.getBalance(wallet.address) };
  }
}
