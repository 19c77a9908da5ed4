// Code written for onetimesecret-api 2.1.1, unchanged: every call, option, error class and exported
// type of 2.1.1. compat.test.mjs type-checks it (strict, isolatedModules, node16) against 3.0's
// index.d.ts, compiles it and runs `main` against the embedded server. It must keep compiling and
// working without edits: that is the drop-in promise.
import OneTimeSecretApi, {
  ApiOptions,
  ApiOptionsGenerate,
  ApiOptionsRetrieveSecret,
  ApiOptionsShare,
  ApiResponseBurn,
  ApiResponseGenerate,
  ApiResponseRecentMetadata,
  ApiResponseRetrieveMetadata,
  ApiResponseRetrieveSecret,
  ApiResponseShare,
  ApiResponseState,
  ApiVersion,
  InputError,
  InternalServerError,
  NetworkError,
  NotAuthorizedError,
  NotFoundError,
  RateLimitedError,
  TimeoutError,
  UnknownSecretError,
} from "onetimesecret-api";

/** What `main` saw; compat.test.mjs checks every field. */
export interface Summary {
  constructorError: string;
  status: boolean;
  shareState: ApiResponseState;
  shareLinkOk: boolean;
  metadataState: ApiResponseState;
  metadataHasShareLink: boolean;
  wrongPassphrase: string;
  value: string;
  secondRead: string;
  receivedState: ApiResponseState;
  receivedHasShareLink: boolean;
  generatedLength: number;
  burnedState: string;
  burnedShortkey: string;
  recentCount: number;
  recentHasShared: boolean;
  recipientShare: string;
  invalidKey: string;
  noSecret: string;
  wrongToken: string;
  notFound: string;
  network: string;
}

/** 2.1.1-style error handling: one `instanceof` ladder over every class 2.1.1 exported. */
function classify(e: unknown): string {
  if (e instanceof InputError) return `InputError: ${e.message}`;
  if (e instanceof NotAuthorizedError) return `NotAuthorizedError: ${e.message}`;
  if (e instanceof NotFoundError) return `NotFoundError: ${e.message}`;
  if (e instanceof UnknownSecretError) return `UnknownSecretError: ${e.message}`;
  if (e instanceof RateLimitedError) return `RateLimitedError: ${e.message}`;
  if (e instanceof InternalServerError) return `InternalServerError: ${e.message}`;
  if (e instanceof TimeoutError) return `TimeoutError: ${e.message}`;
  if (e instanceof NetworkError) return `NetworkError: ${e.message}`;
  if (e instanceof Error) return `Error(${e.name}): ${e.message}`;
  return `not an Error: ${String(e)}`;
}

async function failure(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return "resolved";
  } catch (e) {
    return classify(e);
  }
}

export async function main(url: string, username: string, apiKey: string): Promise<Summary> {
  let constructorError = "none";
  try {
    // 2.1.1 threw synchronously when a credential was missing.
    new OneTimeSecretApi(username, undefined as unknown as string);
  } catch (e) {
    constructorError = classify(e);
  }

  const version: ApiVersion = "v1";
  const options: ApiOptions = { url, apiVersion: version };
  const api = new OneTimeSecretApi(username, apiKey, options);

  const status: boolean = await api.status();

  const shareOptions: ApiOptionsShare = { passphrase: "compat-pass", ttl: 3600 };
  const shared: ApiResponseShare = await api.share("compat secret", shareOptions);
  const shareState: ApiResponseState = shared.state;
  const shareLink: string = shared.share_link;
  const metadataKey: string = shared.metadata_key;
  const secretKey: string = shared.secret_key;
  const ttl: number = shared.ttl;

  const metadata: ApiResponseRetrieveMetadata = await api.retrieveMetadata(metadataKey);

  const wrong: ApiOptionsRetrieveSecret = { passphrase: "not-the-passphrase" };
  const wrongPassphrase = await failure(api.retrieveSecret(secretKey, wrong));

  const right: ApiOptionsRetrieveSecret = { passphrase: "compat-pass" };
  const secret: ApiResponseRetrieveSecret = await api.retrieveSecret(secretKey, right);
  const value: string = secret.value;
  const secondRead = await failure(api.retrieveSecret(secretKey, right));
  const received: ApiResponseRetrieveMetadata = await api.retrieveMetadata(metadataKey);

  const generateOptions: ApiOptionsGenerate = { ttl: ttl > 0 ? 600 : 600 };
  const generated: ApiResponseGenerate = await api.generate(generateOptions);
  const burned: ApiResponseBurn = await api.burn(generated.metadata_key);

  const recent: ApiResponseRecentMetadata[] = await api.recentMetadata();

  const withRecipient: ApiOptionsShare = { recipient: "friend@example.com", ttl: 600 };
  const recipientShare = await api.share("for a friend", withRecipient).then(
    (r: ApiResponseShare) => `shared: ${r.recipient.length} recipient(s)`,
    classify,
  );

  const invalidKey = await failure(api.retrieveSecret("tooshort"));
  const noSecret = await failure(api.share(undefined as unknown as string));
  const wrongToken = await failure(new OneTimeSecretApi(username, "wrong-token", { url }).share("x"));
  const notFound = await failure(new OneTimeSecretApi(username, apiKey, { url: `${url}/nowhere` }).status());
  // Port 1 on loopback: nothing listens there.
  const network = await failure(new OneTimeSecretApi(username, apiKey, { url: "http://127.0.0.1:1" }).share("x"));

  return {
    constructorError,
    status,
    shareState,
    shareLinkOk: shareLink === `${url}/secret/${secretKey}`,
    metadataState: metadata.state,
    metadataHasShareLink: metadata.share_link === shareLink,
    wrongPassphrase,
    value,
    secondRead,
    receivedState: received.state,
    receivedHasShareLink: received.share_link !== undefined,
    generatedLength: generated.value.length,
    burnedState: burned.state.state,
    burnedShortkey: burned.secret_shortkey,
    recentCount: recent.length,
    recentHasShared: recent.some((r: ApiResponseRecentMetadata) => r.metadata_key === metadataKey),
    recipientShare,
    invalidKey,
    noSecret,
    wrongToken,
    notFound,
    network,
  };
}
