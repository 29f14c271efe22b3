import { describeGraceConformance } from './grace-cases';

const DB = 24;
describeGraceConformance('sim', DB);
