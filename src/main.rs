//! The web app's entry point. Built for wasm32 by Trunk; natively it only says how to serve it.

#[cfg(target_arch = "wasm32")]
fn main() {
    kinesis_lab::ui::mount();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    println!("Kinesis Lab is a web app: serve it with `scripts/serve.sh` (see README.md).");
}
