//! The arguments JS passes to the native client, as Rust types. napi-rs declares them in
//! binding.d.ts from these definitions; converting a JS value into them is ours, not napi's, so
//! every option is checked for type and range with one message format,
//! `<option>: expected <what>, got <what was given>` (an `InputError`), and 2.1.1's own messages
//! stay as they were. Nothing is coerced: no numeric strings, no fractional counts. A value given
//! for a secret, a passphrase or a key is never quoted in a message.
//!
//! - `table.rs`: the one description of every option (name, type and range, default, meaning),
//!   which the readers read by and the declarations, README's table and the CLI are checked against;
//! - `read.rs`: reading one JS value, the failure type and how it is thrown, the message parts;
//! - `bag.rs`: an options object read field by field, unknown names refused; `range.rs`: the
//!   numeric ranges;
//! - `call_args.rs`: what the calls take; `client_options.rs`: what the constructor takes.
//!
//! The embedded server's `startServer` (`src/testing.rs`) reads its options with the same readers.

mod bag;
mod call_args;
mod client_options;
mod range;
mod read;
pub mod table;

pub use bag::Bag;
pub use call_args::{
  CallOptions, GenerateArgs, Key, LinkOrKey, RevealOptions, Secret, SecretOptions, ShareArgs,
};
pub use client_options::ClientOptions;
pub use range::Range;
pub use read::{invalid, number_arg, string_arg, thrown, type_name, Bad, Res};

#[cfg(test)]
mod tests;
