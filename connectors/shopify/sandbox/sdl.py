"""The subset of the Shopify Admin GraphQL schema (2025-01 names) the sandbox serves."""

SDL = """
scalar DateTime
scalar Decimal
scalar Money
scalar URL

enum CurrencyCode { GBP EUR USD }
enum CountryCode {
  GB IE FR DE ES IT NL BE LU PT AT CH DK SE NO FI PL CZ US CA AU NZ JE GG IM
}
enum FulfillmentStatus { CANCELLED ERROR FAILURE OPEN PENDING SUCCESS }
enum OrderDisplayFinancialStatus {
  AUTHORIZED EXPIRED PAID PARTIALLY_PAID PARTIALLY_REFUNDED PENDING REFUNDED VOIDED
}
enum OrderCreateFinancialStatus {
  AUTHORIZED EXPIRED PAID PARTIALLY_PAID PARTIALLY_REFUNDED PENDING REFUNDED VOIDED
}
enum OrderCreateInputsInventoryBehavior {
  BYPASS DECREMENT_IGNORING_POLICY DECREMENT_OBEYING_POLICY
}
enum OrderCreateUserErrorCode { INVALID REQUIRED TAKEN }
enum ProductVariantInventoryPolicy { DENY CONTINUE }
enum ProductSortKeys { CREATED_AT ID TITLE UPDATED_AT }
enum OrderSortKeys { CREATED_AT ID PROCESSED_AT UPDATED_AT }
enum ReturnStatus { CANCELED CLOSED DECLINED OPEN REQUESTED }
enum ReturnReason {
  COLOR DEFECTIVE NOT_AS_DESCRIBED OTHER SIZE_TOO_LARGE SIZE_TOO_SMALL STYLE UNKNOWN UNWANTED
  WRONG_ITEM
}
enum ReverseFulfillmentOrderStatus { CANCELED CLOSED OPEN }
enum ReverseFulfillmentOrderDispositionType { MISSING NOT_RESTOCKED PROCESSING_REQUIRED RESTOCKED }
enum OrderCancelReason { CUSTOMER DECLINED FRAUD INVENTORY OTHER STAFF }
enum RefundLineItemRestockType { CANCEL LEGACY_RESTOCK NO_RESTOCK RETURN }
enum OrderTransactionKind {
  AUTHORIZATION CAPTURE CHANGE EMV_AUTHORIZATION REFUND SALE SUGGESTED_REFUND VOID
}

type PageInfo {
  hasNextPage: Boolean!
  hasPreviousPage: Boolean!
  startCursor: String
  endCursor: String
}

type Shop { id: ID! name: String! myshopifyDomain: String! currencyCode: CurrencyCode! }

type MoneyV2 { amount: Decimal! currencyCode: CurrencyCode! }
type MoneyBag { shopMoney: MoneyV2! presentmentMoney: MoneyV2! }
type Attribute { key: String! value: String }

type MailingAddress {
  firstName: String lastName: String company: String address1: String address2: String
  city: String zip: String provinceCode: String countryCodeV2: CountryCode phone: String
}

type Location {
  id: ID!
  name: String!
  isActive: Boolean!
  inventoryLevels(first: Int, after: String, query: String): InventoryLevelConnection!
}
type LocationEdge { cursor: String! node: Location! }
type LocationConnection { edges: [LocationEdge!]! pageInfo: PageInfo! }

type Product {
  id: ID!
  title: String!
  vendor: String!
  updatedAt: DateTime!
  variants(first: Int, after: String): ProductVariantConnection!
}
type ProductEdge { cursor: String! node: Product! }
type ProductConnection { edges: [ProductEdge!]! pageInfo: PageInfo! }

type ProductVariant {
  id: ID!
  title: String!
  sku: String
  barcode: String
  price: Money!
  inventoryPolicy: ProductVariantInventoryPolicy!
  updatedAt: DateTime!
  product: Product!
  inventoryItem: InventoryItem!
}
type ProductVariantEdge { cursor: String! node: ProductVariant! }
type ProductVariantConnection { edges: [ProductVariantEdge!]! pageInfo: PageInfo! }

type InventoryItem {
  id: ID!
  sku: String
  tracked: Boolean!
  variant: ProductVariant!
  inventoryLevels(first: Int, after: String, query: String): InventoryLevelConnection!
  inventoryLevel(locationId: ID!): InventoryLevel
}
type InventoryItemEdge { cursor: String! node: InventoryItem! }
type InventoryItemConnection { edges: [InventoryItemEdge!]! pageInfo: PageInfo! }

type InventoryQuantity { id: ID! name: String! quantity: Int! updatedAt: DateTime }
type InventoryLevel {
  id: ID!
  updatedAt: DateTime!
  item: InventoryItem!
  location: Location!
  quantities(names: [String!]!): [InventoryQuantity!]!
}
type InventoryLevelEdge { cursor: String! node: InventoryLevel! }
type InventoryLevelConnection { edges: [InventoryLevelEdge!]! pageInfo: PageInfo! }

type ShippingLine { title: String! code: String originalPriceSet: MoneyBag! }

type LineItem {
  id: ID!
  sku: String
  title: String!
  quantity: Int!
  variant: ProductVariant
  originalUnitPriceSet: MoneyBag!
}
type LineItemEdge { cursor: String! node: LineItem! }
type LineItemConnection { edges: [LineItemEdge!]! pageInfo: PageInfo! }

type FulfillmentTrackingInfo { company: String number: String url: URL }
type FulfillmentLineItem { id: ID! quantity: Int! lineItem: LineItem! }
type FulfillmentLineItemEdge { cursor: String! node: FulfillmentLineItem! }
type FulfillmentLineItemConnection { edges: [FulfillmentLineItemEdge!]! pageInfo: PageInfo! }
type Fulfillment {
  id: ID!
  name: String!
  status: FulfillmentStatus!
  createdAt: DateTime!
  updatedAt: DateTime!
  trackingInfo(first: Int): [FulfillmentTrackingInfo!]!
  fulfillmentLineItems(first: Int, after: String): FulfillmentLineItemConnection!
}

type RefundLineItem { quantity: Int! lineItem: LineItem! subtotalSet: MoneyBag! }
type RefundLineItemEdge { cursor: String! node: RefundLineItem! }
type RefundLineItemConnection { edges: [RefundLineItemEdge!]! pageInfo: PageInfo! }
type RefundShippingLine { subtotalAmountSet: MoneyBag! }
type RefundShippingLineEdge { cursor: String! node: RefundShippingLine! }
type RefundShippingLineConnection { edges: [RefundShippingLineEdge!]! pageInfo: PageInfo! }
type Refund {
  id: ID!
  createdAt: DateTime
  note: String
  totalRefundedSet: MoneyBag!
  refundLineItems(first: Int, after: String): RefundLineItemConnection!
  refundShippingLines(first: Int, after: String): RefundShippingLineConnection!
}

type ReturnLineItem {
  id: ID!
  quantity: Int!
  returnReason: ReturnReason!
  returnReasonNote: String!
  fulfillmentLineItem: FulfillmentLineItem!
}
type ReturnLineItemEdge { cursor: String! node: ReturnLineItem! }
type ReturnLineItemConnection { edges: [ReturnLineItemEdge!]! pageInfo: PageInfo! }
type ReverseFulfillmentOrderDisposition {
  id: ID!
  type: ReverseFulfillmentOrderDispositionType!
  quantity: Int!
}
type ReverseFulfillmentOrderLineItem {
  id: ID!
  totalQuantity: Int!
  dispositions: [ReverseFulfillmentOrderDisposition!]!
  fulfillmentLineItem: FulfillmentLineItem!
}
type ReverseFulfillmentOrderLineItemEdge { cursor: String! node: ReverseFulfillmentOrderLineItem! }
type ReverseFulfillmentOrderLineItemConnection {
  edges: [ReverseFulfillmentOrderLineItemEdge!]!
  pageInfo: PageInfo!
}
type ReverseFulfillmentOrder {
  id: ID!
  status: ReverseFulfillmentOrderStatus!
  lineItems(first: Int, after: String): ReverseFulfillmentOrderLineItemConnection!
}
type ReverseFulfillmentOrderEdge { cursor: String! node: ReverseFulfillmentOrder! }
type ReverseFulfillmentOrderConnection {
  edges: [ReverseFulfillmentOrderEdge!]!
  pageInfo: PageInfo!
}
type Return {
  id: ID!
  name: String!
  status: ReturnStatus!
  returnLineItems(first: Int, after: String): ReturnLineItemConnection!
  reverseFulfillmentOrders(first: Int, after: String): ReverseFulfillmentOrderConnection!
}
type ReturnEdge { cursor: String! node: Return! }
type ReturnConnection { edges: [ReturnEdge!]! pageInfo: PageInfo! }

type Order {
  id: ID!
  name: String!
  sourceIdentifier: String
  sourceName: String
  tags: [String!]!
  customAttributes: [Attribute!]!
  email: String
  currencyCode: CurrencyCode!
  displayFinancialStatus: OrderDisplayFinancialStatus
  createdAt: DateTime!
  processedAt: DateTime!
  updatedAt: DateTime!
  shippingLine: ShippingLine
  shippingAddress: MailingAddress
  billingAddress: MailingAddress
  totalPriceSet: MoneyBag!
  lineItems(first: Int, after: String): LineItemConnection!
  fulfillments(first: Int): [Fulfillment!]!
  refunds(first: Int): [Refund!]!
  returns(first: Int, after: String): ReturnConnection!
  cancelledAt: DateTime
  cancelReason: OrderCancelReason
}
type OrderEdge { cursor: String! node: Order! }
type OrderConnection { edges: [OrderEdge!]! pageInfo: PageInfo! }

input MoneyInput { amount: Decimal! currencyCode: CurrencyCode! }
input MoneyBagInput { shopMoney: MoneyInput! presentmentMoney: MoneyInput }
input AttributeInput { key: String! value: String! }
input MailingAddressInput {
  firstName: String lastName: String company: String address1: String address2: String
  city: String zip: String provinceCode: String countryCode: CountryCode phone: String
}
input OrderCreateLineItemInput {
  variantId: ID
  quantity: Int!
  priceSet: MoneyBagInput
  title: String
  sku: String
}
input OrderCreateShippingLineInput { title: String! code: String priceSet: MoneyBagInput! }
input OrderCreateOrderInput {
  currency: CurrencyCode
  email: String
  sourceIdentifier: String
  sourceName: String
  tags: [String!]
  customAttributes: [AttributeInput!]
  financialStatus: OrderCreateFinancialStatus
  taxesIncluded: Boolean
  processedAt: DateTime
  note: String
  test: Boolean
  lineItems: [OrderCreateLineItemInput!]
  shippingLines: [OrderCreateShippingLineInput!]
  shippingAddress: MailingAddressInput
  billingAddress: MailingAddressInput
}
input OrderCreateOptionsInput {
  inventoryBehaviour: OrderCreateInputsInventoryBehavior
  sendReceipt: Boolean
  sendFulfillmentReceipt: Boolean
}
type OrderCreateUserError { field: [String!] message: String! code: OrderCreateUserErrorCode }
type OrderCreatePayload { order: Order userErrors: [OrderCreateUserError!]! }

input ReturnLineItemInput {
  fulfillmentLineItemId: ID!
  quantity: Int!
  returnReason: ReturnReason!
  returnReasonNote: String
}
input ReturnInput {
  orderId: ID!
  returnLineItems: [ReturnLineItemInput!]!
  notifyCustomer: Boolean
  requestedAt: DateTime
}
type ReturnUserError { field: [String!] message: String! code: String }
type ReturnCreatePayload { return: Return userErrors: [ReturnUserError!]! }

input RefundLineItemInput {
  lineItemId: ID!
  quantity: Int!
  restockType: RefundLineItemRestockType
  locationId: ID
}
input ShippingRefundInput { amount: Money fullRefund: Boolean }
input OrderTransactionInput {
  amount: Money!
  gateway: String!
  kind: OrderTransactionKind!
  orderId: ID!
  parentId: ID
}
input RefundInput {
  orderId: ID!
  note: String
  notify: Boolean
  currency: CurrencyCode
  refundLineItems: [RefundLineItemInput!]
  shipping: ShippingRefundInput
  transactions: [OrderTransactionInput!]
}
type UserError { field: [String!] message: String! }
type RefundCreatePayload { refund: Refund order: Order userErrors: [UserError!]! }

type Job { id: ID! done: Boolean! }
type OrderCancelUserError { field: [String!] message: String! code: String }
type OrderCancelPayload {
  job: Job
  orderCancelUserErrors: [OrderCancelUserError!]!
  userErrors: [UserError!]!
}

type QueryRoot {
  shop: Shop!
  location(id: ID): Location
  locations(first: Int, after: String, query: String): LocationConnection!
  product(id: ID!): Product
  products(
    first: Int, after: String, query: String,
    sortKey: ProductSortKeys = ID, reverse: Boolean = false
  ): ProductConnection!
  productVariants(first: Int, after: String, query: String): ProductVariantConnection!
  inventoryItem(id: ID!): InventoryItem
  inventoryItems(first: Int, after: String, query: String): InventoryItemConnection!
  order(id: ID!): Order
  orders(
    first: Int, after: String, query: String,
    sortKey: OrderSortKeys = ID, reverse: Boolean = false
  ): OrderConnection!
}

type Mutation {
  orderCreate(order: OrderCreateOrderInput!, options: OrderCreateOptionsInput): OrderCreatePayload
  returnCreate(returnInput: ReturnInput!): ReturnCreatePayload
  refundCreate(input: RefundInput!): RefundCreatePayload
  orderCancel(
    orderId: ID!, reason: OrderCancelReason!, refund: Boolean!, restock: Boolean!,
    notifyCustomer: Boolean, staffNote: String
  ): OrderCancelPayload
}

schema { query: QueryRoot mutation: Mutation }
"""
