//! The options table lives in the core (`ots_core::options_table`), napi-free, so that the
//! WebAssembly build reads by it too; here it is exported to JS for the tests.

use napi_derive::napi;
pub use ots_core::options_table::*;

/// This table as JSON text: `{ constructor: [opt], calls: { share: [opt], ... }, server: [opt] }`,
/// each `opt` `{ name, type, default, doc, native, range?, options? }`. For the tests that check
/// the CLI against it; not part of the public API.
#[napi(js_name = "optionTable")]
pub fn option_table() -> String {
  ots_core::options_table::option_table()
}
