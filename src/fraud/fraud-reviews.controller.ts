import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated } from '../common/auth/authenticated.decorator';
import { CurrentPrincipal } from '../common/auth/current-principal.decorator';
import type { Principal } from '../common/auth/principal';
import { ErrorResponseDto } from '../common/filters/error-body';
import { ResolveReviewDto, ReviewParamsDto, ReviewResponseDto, ReviewsQueryDto, ReviewsResponseDto } from './dto/reviews.dto';
import { FraudReviewsService } from './fraud-reviews.service';
import { toReview } from './fraud.mappers';

@ApiTags('fraud')
@Authenticated({ roles: ['admin'] })
@Controller('api/fraud/reviews')
export class FraudReviewsController {
  constructor(private readonly reviews: FraudReviewsService) {}

  @Get()
  @ApiOperation({ summary: 'Open reviews (payments let through with decision review), newest first' })
  @ApiOkResponse({ type: ReviewsResponseDto })
  async list(@Query() query: ReviewsQueryDto): Promise<ReviewsResponseDto> {
    const reviews = await this.reviews.listOpen(query.limit ?? 50);
    return { success: true, reviews: reviews.map(toReview) };
  }

  @Post(':transactionId/resolve')
  @HttpCode(200)
  @ApiOperation({ summary: 'Resolve a review; verdict fraud blocks the card (block list + fraud.card_flagged event)' })
  @ApiOkResponse({ type: ReviewResponseDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'No review for this transaction' })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'Already resolved' })
  async resolve(@Param() params: ReviewParamsDto, @Body() body: ResolveReviewDto, @CurrentPrincipal() principal: Principal): Promise<ReviewResponseDto> {
    const review = await this.reviews.resolve(params.transactionId, body.verdict, body.note, principal.id);
    return { success: true, review: toReview(review) };
  }
}
