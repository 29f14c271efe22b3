import { describeGraceConformance } from './grace-cases';

const DB = 25;
describeGraceConformance('real', DB);
