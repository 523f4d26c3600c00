// Entry point @diandan/domain/rules (see src/rules.ts).
module.exports = require('./dist/src/rules');
