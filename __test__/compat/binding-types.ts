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
