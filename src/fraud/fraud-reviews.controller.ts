import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated } from '../common/auth/authenticated.decorator';
import { CurrentPrincipal } from '../common/auth/current-principal.decorator';
import type { Principal } from '../common/auth/principal';
import { ApiErrorResponses } from '../common/docs/api-error-responses';
import { ResolveReviewDto, ReviewParamsDto, ReviewResponseDto, ReviewsQueryDto, ReviewsResponseDto } from './dto/reviews.dto';
import { FraudReviewsService } from './fraud-reviews.service';
import { toReview } from './fraud.mappers';

@ApiTags('fraud')
@Authenticated({ roles: ['admin'] })
@ApiErrorResponses(400, 429, 503)
@Controller('api/fraud/reviews')
export class FraudReviewsController {
  constructor(private readonly reviews: FraudReviewsService) {}

  @Get()
  @ApiOperation({ summary: 'Open reviews (payments let through with decision review), newest first' })
  @ApiOkResponse({ type: ReviewsResponseDto, description: 'The open reviews' })
  async list(@Query() query: ReviewsQueryDto): Promise<ReviewsResponseDto> {
    const reviews = await this.reviews.listOpen(query.limit ?? 50);
    return { success: true, reviews: reviews.map(toReview) };
  }

  @Post(':transactionId/resolve')
  @HttpCode(200)
  @ApiOperation({ summary: 'Resolve a review; verdict fraud blocks the card (block list + fraud.card_flagged event)' })
  @ApiOkResponse({ type: ReviewResponseDto, description: 'The resolved review' })
  @ApiErrorResponses(
    { status: 404, description: 'No review for this transaction', message: 'No review for transaction nfc_mi2x0k3c_9f8e7d6c5b4a3f2e' },
    { status: 409, description: 'Already resolved', message: 'The review of nfc_mi2x0k3c_9f8e7d6c5b4a3f2e is already resolved' },
    413,
    415,
  )
  async resolve(@Param() params: ReviewParamsDto, @Body() body: ResolveReviewDto, @CurrentPrincipal() principal: Principal): Promise<ReviewResponseDto> {
    const review = await this.reviews.resolve(params.transactionId, body.verdict, body.note, principal.id);
    return { success: true, review: toReview(review) };
  }
}
