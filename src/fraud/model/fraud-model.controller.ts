import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated } from '../../common/auth/authenticated.decorator';
import { CurrentPrincipal } from '../../common/auth/current-principal.decorator';
import type { Principal } from '../../common/auth/principal';
import { ApiErrorResponses } from '../../common/docs/api-error-responses';
import { ApiIdParams } from '../../common/docs/api-id-params';
import { IdParamPipe } from '../../common/validation/id-param.pipe';
import { FraudAssessmentsStore } from '../fraud-assessments.store';
import { ActivateModelDto, AssessmentResponseDto, ModelStateResponseDto } from './fraud-model.dto';
import { toAssessmentDto, toModelStateResponse } from './fraud-model.mappers';
import { FraudModelService } from './fraud-model.service';

@ApiTags('fraud')
@Authenticated({ roles: ['admin'] })
@ApiErrorResponses(429, 503)
@Controller('api/fraud')
export class FraudModelController {
  constructor(
    private readonly models: FraudModelService,
    private readonly assessments: FraudAssessmentsStore,
  ) {}

  @Get('model')
  @ApiOperation({ summary: 'The active and shadow fraud models with their held-out metrics' })
  @ApiOkResponse({ type: ModelStateResponseDto, description: 'Which model decides and which only records' })
  async get(): Promise<ModelStateResponseDto> {
    return toModelStateResponse(await this.models.current(), this.models.available());
  }

  @Post('model/activate')
  @HttpCode(200)
  @ApiOperation({ summary: 'Make a bundled model the active one: the `model` rule enforces its riskScore from the next payment on (every instance within 5 s); audited' })
  @ApiOkResponse({ type: ModelStateResponseDto, description: 'The new state' })
  @ApiErrorResponses({ status: 400, description: 'No such model in this build' }, 413, 415)
  async activate(@Body() body: ActivateModelDto, @CurrentPrincipal() principal: Principal): Promise<ModelStateResponseDto> {
    return toModelStateResponse(await this.models.activate(body.version, principal.id), this.models.available());
  }

  @Get('assessments/:transactionId')
  @ApiOperation({ summary: "A payment's fraud assessment: the rules' verdict and the model's riskScore, riskLevel and top features" })
  @ApiIdParams('transactionId')
  @ApiOkResponse({ type: AssessmentResponseDto, description: 'The assessment' })
  @ApiErrorResponses({ status: 400, description: 'Invalid transactionId' }, { status: 404, description: 'No assessment recorded for this payment', message: 'Assessment not found' })
  async assessment(@Param('transactionId', IdParamPipe) transactionId: string): Promise<AssessmentResponseDto> {
    return { success: true, assessment: toAssessmentDto(await this.assessments.findByTransaction(transactionId)) };
  }
}
