//! The real-server transcripts (`__test__/fixtures/ots-observed/*.md`) as data: each exchange's
//! request (rebuilt from its curl command line) and the recorded response, plus [`compare`], which
//! checks a live response against the recorded one by value.
//!
//! Public so that every replay uses this one parser and comparer: the embedded server's replay
//! (`crates/server/tests/transcripts.rs`) and a client-side replay (serve [`Exchange::raw_response`]
//! from a socket and point the client at it).

mod compare;
mod curl;
mod exchange;
mod file;
mod json_prefix;
mod lists;
mod mapping;

pub use compare::{compare, Live};
pub use exchange::{generation_of, Exchange, Request};
pub use file::{account_token, files, fixtures_dir, load, parse, prior_records};
pub use mapping::Mapping;
