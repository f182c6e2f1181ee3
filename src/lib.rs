//! Kinesis Lab: faithful, deterministic simulations of Amazon Kinesis for learning.
//!
//! Layers (see ARCHITECTURE.md): `engine` is the pure simulation, `api` is the AWS wire protocol over it,
//! `ui` (wasm only) is the Leptos front end. The native endpoint lives in `src/bin`.

pub mod api;
pub mod content;
pub mod cli;
pub mod engine;
pub mod exam;
pub mod labs;
pub mod sim;
pub mod viz;

#[cfg(target_arch = "wasm32")]
pub mod ui;
