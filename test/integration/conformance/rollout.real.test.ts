import { describeRolloutConformance } from './rollout-cases';

const DB = 27;
describeRolloutConformance('real', DB);
