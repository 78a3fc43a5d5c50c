//! End-to-end tests of the `grain` binary: real processes, real wasm guests.

mod book;
mod guests;
mod run;
mod support;
