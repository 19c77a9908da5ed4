//! The numeric ranges options and arguments accept: the core's (`ots_core::options_table::range`).

pub use ots_core::options_table::range::*;
