// Typed keys of the search attributes declared once in the domain (names.ts): a name or type that
// drifted from SEARCH_ATTRIBUTES would not compile.
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { SEARCH_ATTRIBUTES } from '@diandan/domain/rules';

type IndexTypeOf<N extends keyof typeof SEARCH_ATTRIBUTES> = {
  Keyword: typeof SearchAttributeType.KEYWORD;
  Datetime: typeof SearchAttributeType.DATETIME;
  Bool: typeof SearchAttributeType.BOOL;
  Int: typeof SearchAttributeType.INT;
}[(typeof SEARCH_ATTRIBUTES)[N]];
const key = <N extends keyof typeof SEARCH_ATTRIBUTES, T extends SearchAttributeType>(name: N, type: T & IndexTypeOf<N>) =>
  defineSearchAttributeKey(name, type);

export const orderAttributes = {
  status: key('OrderStatus', SearchAttributeType.KEYWORD),
  level: key('OrderLevel', SearchAttributeType.KEYWORD),
  unit: key('OrderUnit', SearchAttributeType.KEYWORD),
  category: key('OrderCategory', SearchAttributeType.KEYWORD),
  deadline: key('OrderDeadline', SearchAttributeType.DATETIME),
  overdue: key('OrderOverdue', SearchAttributeType.BOOL),
  bounces: key('OrderBounces', SearchAttributeType.INT),
};

export const projectAttributes = {
  status: key('ProjectStatus', SearchAttributeType.KEYWORD),
  unit: key('ProjectUnit', SearchAttributeType.KEYWORD),
  origin: key('ProjectOrigin', SearchAttributeType.KEYWORD),
  deadline: key('ProjectDeadline', SearchAttributeType.DATETIME),
  overdue: key('ProjectOverdue', SearchAttributeType.BOOL),
};
