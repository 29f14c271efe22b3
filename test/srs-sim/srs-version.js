// @ts-check
'use strict';
/**
 * How SRS names itself: `SRS/6.0.157(Hang)` in its log, its HTTP `Server` header and its backtraces (5.0 is "Bee",
 * 6.0 "Hang"; observed on 6.0.157 and 5.0.216).
 */

/** @param {string} version */
function majorOf(version) {
  return Number(version.split('.')[0]) || 6;
}

/** @param {string} version */
function codename(version) {
  const major = majorOf(version);
  if (major <= 5) return 'Bee';
  if (major === 6) return 'Hang';
  return 'Kai';
}

/** `SRS/6.0.157(Hang)` @param {string} version */
function signature(version) {
  return `SRS/${version}(${codename(version)})`;
}

module.exports = { majorOf, codename, signature };
