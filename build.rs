//! Turns every `labs/**/*.toml` (guided labs, exam scenarios, the notes map, the source lists) into
//! compact JSON at build time, embedded by `src/content.rs`. Why: the browser bundle then needs no TOML
//! parser (serde_json is linked anyway), and a file that is not valid TOML fails the build with its name,
//! line and reason. Whether a file's *contents* are right is checked by the loaders and their tests.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn toml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.push(path.clone()); // watched too, so a new file triggers a rebuild
            toml_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "toml") {
            out.push(path);
        }
    }
}

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    println!("cargo:rerun-if-changed=labs");
    let mut paths = Vec::new();
    toml_files(&root.join("labs"), &mut paths);
    paths.sort();
    let mut index = String::from("/// (path under the project, the file as compact JSON), sorted by path.\n");
    index.push_str("pub const FILES: &[(&str, &str)] = &[\n");
    for path in paths {
        println!("cargo:rerun-if-changed={}", path.display());
        if path.is_dir() {
            continue;
        }
        let rel = path.strip_prefix(&root).expect("walked under the root").to_string_lossy().replace('\\', "/");
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{rel}: cannot read: {e}"));
        let table: toml::Table = text.parse().unwrap_or_else(|e: toml::de::Error| panic!("{rel}: not valid TOML: {e}"));
        let json = serde_json::to_string(&table).unwrap_or_else(|e| panic!("{rel}: cannot be written as JSON: {e}"));
        let name = rel.replace(['/', '.', '-'], "_") + ".json";
        std::fs::write(out_dir.join(&name), json).expect("OUT_DIR is writable");
        let _ = writeln!(index, "    ({rel:?}, include_str!(concat!(env!(\"OUT_DIR\"), \"/{name}\"))),");
    }
    index.push_str("];\n");
    std::fs::write(out_dir.join("content_index.rs"), index).expect("OUT_DIR is writable");
}
