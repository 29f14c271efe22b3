import { describeRollingConformance } from './rolling-cases';

const DB = 42;
describeRollingConformance('real', DB);
