import { describeVerbConformance } from './verb-cases';

describeVerbConformance('real');
