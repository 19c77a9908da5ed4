// The hand-written, 2.1.1-compatible index.d.ts checked against binding.d.ts, which napi-rs
// generates from the Rust types (src/options/, src/client.rs): what the JS skin passes through
// to the native client must be what the native client declares, method by method. Compiled (never
// run) by __test__/binding-types.test.mjs.
import type * as Api from "../../index";
import type * as Native from "../../binding";

type Assert<T extends true> = T;
type Extends<A, B> = [A] extends [B] ? true : false;

type Getters = "url" | "apiVersion" | "anonymous";
type NativeMethods = Exclude<keyof Native.NativeClient, Getters>;
type ApiMethods = Exclude<keyof Api.OneTimeSecretApi, Getters | "toJSON">;

// The same calls on both sides.
export type SameCalls = Assert<Extends<NativeMethods, ApiMethods>> | Assert<Extends<ApiMethods, NativeMethods>>;

// Each call's arguments, as the skin passes them (the native's last argument is the cancel token).
type Args<M extends NativeMethods> = Parameters<Api.OneTimeSecretApi[M]>;
type NativeArgs<M extends NativeMethods> = Parameters<Native.NativeClient[M]>;
// The names of the calls whose arguments do not fit: none.
type Misfits = { [M in NativeMethods]: Args<M> extends NativeArgs<M> ? never : M }[NativeMethods];
export type ArgumentsFit = Assert<Extends<Misfits, never>>;

// The getters and the constructor's options.
export type GettersFit =
  | Assert<Extends<Native.NativeClient["apiVersion"], Api.ApiVersion>>
  | Assert<Extends<Native.NativeClient["url"], Api.OneTimeSecretApi["url"]>>
  | Assert<Extends<Native.NativeClient["anonymous"], Api.OneTimeSecretApi["anonymous"]>>;
export type ConstructorFits = Assert<
  Extends<ConstructorParameters<typeof Api.OneTimeSecretApi>, ConstructorParameters<typeof Native.NativeClient>>
>;

// The answers. binding.d.ts declares them from the core's models (crates/core/src/answers.rs);
// index.d.ts's response types are 2.1.1's, one per call. Every field index.d.ts names is a field of
// the call's model with the same type, both ways, apart from two differences 2.1.1's types promise:
// index.d.ts requires fields the model declares optional (API v1 answers pass through whatever the
// server sent), and `state` is narrowed to the values servers use. And every field a model names
// is declared somewhere in index.d.ts.
type Named<T> = { [K in keyof T as string extends K ? never : K]-?: NonNullable<T[K]> };
type Narrowed = "state";
type FieldMisfits<A, N> = {
  [K in keyof Named<A>]: K extends keyof Named<N>
    ? [Named<A>[K]] extends [Named<N>[K]]
      ? K extends Narrowed
        ? never
        : [Named<N>[K]] extends [Named<A>[K]]
          ? never
          : K
      : K
    : K;
}[keyof Named<A>];
type Answer<M extends NativeMethods> = Awaited<ReturnType<Api.OneTimeSecretApi[M]>>;
// The native calls resolve with JSON text (the JS skin parses it in its own realm); the model the
// text holds is the brand `__json` on the string.
type Parsed<J> = J extends { readonly __json: infer T } ? T : J;
type NativeAnswer<M extends NativeMethods> = Parsed<Awaited<ReturnType<Native.NativeClient[M]>>>;
type Item<T> = T extends readonly (infer I)[] ? I : T;
// The names of the calls whose answers do not fit: none.
type AnswerMisfits = {
  [M in NativeMethods]: [FieldMisfits<Item<Answer<M>>, Item<NativeAnswer<M>>>] extends [never] ? never : M;
}[NativeMethods];
export type AnswersFit = Assert<Extends<AnswerMisfits, never>>;
export type BurnStateFits = Assert<
  Extends<FieldMisfits<Api.ApiResponseBurn["state"], Native.Receipt>, never>
>;
// Every field of a model is in index.d.ts.
type Undocumented<N, A> = Exclude<keyof Named<N>, keyof Named<A>>;
export type ModelsDocumented =
  | Assert<
      Extends<
        Undocumented<
          Native.Receipt,
          Api.ApiResponseShare & Api.ApiResponseGenerate & Api.ApiResponseRetrieveMetadata & Api.ApiResponseRecentMetadata
        >,
        never
      >
    >
  | Assert<Extends<Undocumented<Native.RevealedSecret, Api.ApiResponseRetrieveSecret>, never>>
  | Assert<Extends<Undocumented<Native.BurnResult, Api.ApiResponseBurn>, never>>
  | Assert<Extends<Undocumented<Native.SecretStatus, Api.ApiResponseSecretStatus>, never>>
  | Assert<Extends<Undocumented<Native.ServerInfo, Api.ServerInfo>, never>>;
