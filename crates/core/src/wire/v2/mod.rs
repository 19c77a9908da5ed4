//! API v2: JSON bodies nested under `secret`, `{record, details}` replies, real status codes.
//! Answers are normalised to the v1 models (`metadata_key`, `secret_key`, `ttl`, `state` in the v1
//! vocabulary, numbers as numbers), with the server's own state under `raw_state` and, with the
//! client's `raw` option, the server's whole answer under `raw`, so the same calling code works on
//! either API version.
//! Transcripts v0.22.11-api-v2 and v0.26.6-api-v1-v2 show both eras.

mod errors;
mod parse;
mod receipt;
mod requests;
#[cfg(test)]
mod tests;

#[cfg(test)]
pub(crate) use errors::error;
pub(crate) use parse::recent_as_v1;
pub(crate) use requests::{
  burn, conceal, generate, receipt, recent, reveal, secret_status, status, version,
};
