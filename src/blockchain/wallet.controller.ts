import { Controller, Get, NotFoundException } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated } from '../common/auth/authenticated.decorator';
import { CurrentPrincipal } from '../common/auth/current-principal.decorator';
import type { Principal } from '../common/auth/principal';
import { ErrorResponseDto } from '../common/filters/error-body';
import { WalletResponseDto } from './dto/wallet.dto';
import { WalletService } from './wallets/wallet.service';

@ApiTags('wallet')
@Controller('api/wallet')
export class WalletController {
  constructor(private readonly wallets: WalletService) {}

  @Get()
  @Authenticated({ roles: ['user'] })
  @ApiOperation({ summary: "The cardholder's custodial Sui wallet and its balance" })
  @ApiOkResponse({ type: WalletResponseDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'The account has no wallet' })
  async wallet(@CurrentPrincipal() principal: Principal): Promise<WalletResponseDto> {
    const wallet = await this.wallets.walletOf(principal.id);
    if (!wallet) throw new NotFoundException('No wallet for this account');
    return { success: true, wallet: await this.wallets.getBalance(wallet.address) };
  }
}
