//! Integration tests of the runtime: real wasm modules in real processes.

mod abi;
mod abi_table;
mod alerts;
mod app;
mod cluster;
mod coredump;
mod floods;
mod floor;
mod host;
mod hostile;
mod limits;
mod links;
mod memory;
mod messaging;
mod nats;
mod no_loss;
mod observe;
mod process_api;
mod registry;
mod scale;
mod scheduling;
mod start_function;
mod supervisor;
mod support;
mod timers;
mod trace;
