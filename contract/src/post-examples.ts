// An integrator's program on the client generated from the hub's OpenAPI document (openapi-typescript) and
// openapi-fetch: it builds a payout in code, then posts it and every operation's example from the document, and
// reads the answers through the generated types. tsc --strict compiles it without a cast or an `any`.
// Run against a hub: npm run post-examples -- http://localhost:8080 demo-erp:demo-erp-secret
import createClient from "openapi-fetch";
import type { components, paths } from "../build/api.js";
import { dataRequest, examples } from "../build/examples.js";

type Schemas = components["schemas"];
type Payment = Schemas["Payment"];

const [baseUrl = "http://localhost:8080", credentials = "demo-erp:demo-erp-secret"] = process.argv.slice(2);
const client = createClient<paths>({
  baseUrl,
  headers: { Authorization: `Basic ${Buffer.from(credentials).toString("base64")}` },
});

/** A payout as an integrator writes it: the type says what a PAYOUT needs. */
function payout(messageId: string, value: string): Schemas["PayoutMessage"] {
  return {
    messageId,
    operation: "PAYOUT",
    provider: "monnify",
    amount: { value, currency: "NGN" },
    destination: { type: "BANK_ACCOUNT", accountNumber: "2085886393", bankCode: "057", accountName: "Ada Obi" },
    narration: "November salary",
  };
}

// The types refuse what the hub refuses: these lines must not compile (tsc fails on an unused @ts-expect-error).
// @ts-expect-error a PAYOUT without its amount
const noAmount: Schemas["PayoutMessage"] = { messageId: "x-1", operation: "PAYOUT", destination: { type: "BANK_ACCOUNT" } };
const openWithAmount: Schemas["PaymentMessage"] = {
  messageId: "x-2",
  operation: "WALLET_OPEN",
  currency: "KES",
  customer: { name: "Ama Mensah", email: "ama@example.com", phone: "254712345678" },
  // @ts-expect-error a WALLET_OPEN carries no amount
  amount: { value: "1.00", currency: "KES" },
};
void noAmount;
void openWithAmount;

/** What a payment's answer says, read through the generated types. */
function describe(p: Payment): string {
  const amount = p.amount === null ? "no amount" : `${p.amount.value} ${p.amount.currency}`;
  const reason = p.reasonCode === undefined ? "" : ` (${p.reasonCode}: ${p.statusReason ?? ""})`;
  const result = p.result === null ? "" : `, result ${JSON.stringify(p.result)}`;
  return `${p.operation} ${p.paymentId} ${p.status}${reason}, ${amount}, reference ${p.providerReference ?? "none yet"}${result}`;
}

async function post(label: string, body: Schemas["PaymentMessage"]): Promise<void> {
  const { data, error, response } = await client.POST("/api/v1/payments", { body });
  if (data !== undefined) {
    // a PAYOUT_BATCH is answered with its batch, every other operation with its payment
    const answer = "paymentId" in data ? describe(data) : `batch ${data.batchId} ${data.status}, ${data.itemCount} items`;
    console.log(`${label}: ${response.status} ${answer}`);
  } else {
    const problems = (error.errors ?? []).map((e) => `${e.field}: ${e.message}`).join("; ");
    console.log(`${label}: ${response.status} ${error.title}${error.detail === undefined ? "" : ` - ${error.detail}`} ${problems}`);
  }
}

const run = Date.now().toString(36);
await post("built in code", payout(`ts-payout-${run}`, "2500.00"));
for (const [operation, example] of Object.entries(examples)) {
  await post(operation, { ...example, messageId: `${example.messageId}-${run}` });
}
const asked = await client.POST("/api/v1/data-requests", { body: { ...dataRequest, requestId: `${dataRequest.requestId}-${run}` } });
console.log(`data request: ${asked.response.status} ${asked.data === undefined ? asked.error.title : `${asked.data.dataRequestId} ${asked.data.status}`}`);
