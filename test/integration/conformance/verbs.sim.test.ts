import { describeVerbConformance } from './verb-cases';

describeVerbConformance('sim');
