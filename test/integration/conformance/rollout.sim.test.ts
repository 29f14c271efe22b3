import { describeRolloutConformance } from './rollout-cases';

const DB = 26;
describeRolloutConformance('sim', DB);
