import { describeRollingConformance } from './rolling-cases';

const DB = 41;
describeRollingConformance('sim', DB);
