//! The project's content files (`labs/**/*.toml`: guided labs, exam scenarios, the notes map, source
//! lists), converted to compact JSON by `build.rs` and embedded. The browser reads them with serde_json,
//! which it links anyway, instead of carrying a TOML parser; the TOML text itself stays the source of truth
//! and its loaders' tests read it with full file/field/reason errors.

include!(concat!(env!("OUT_DIR"), "/content_index.rs"));

/// The embedded JSON of one content file, by its path under the project (`labs/exam/firehose.toml`).
pub fn json(path: &str) -> Option<&'static str> {
    FILES.iter().find(|(p, _)| *p == path).map(|(_, json)| *json)
}

/// The embedded files under a folder (`labs/exam/`), in path order.
pub fn under(folder: &'static str) -> impl Iterator<Item = (&'static str, &'static str)> {
    FILES.iter().copied().filter(move |(p, _)| p.starts_with(folder))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_toml_under_labs_is_embedded_as_json() {
        let mut on_disk = Vec::new();
        fn walk(dir: &std::path::Path, out: &mut Vec<String>) {
            for e in std::fs::read_dir(dir).expect("labs/ is readable").flatten() {
                let p = e.path();
                if p.is_dir() {
                    walk(&p, out);
                } else if p.extension().is_some_and(|x| x == "toml") {
                    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
                    out.push(p.strip_prefix(root).expect("under root").to_string_lossy().replace('\\', "/"));
                }
            }
        }
        walk(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("labs"), &mut on_disk);
        on_disk.sort();
        let embedded: Vec<String> = FILES.iter().map(|(p, _)| p.to_string()).collect();
        assert_eq!(embedded, on_disk);
        for (path, text) in FILES {
            let v: serde_json::Value = serde_json::from_str(text).unwrap_or_else(|e| panic!("{path}: {e}"));
            assert!(v.is_object(), "{path} is a table");
        }
        assert!(json("labs/sources.toml").is_some());
        assert_eq!(under("labs/exam/").count(), on_disk.iter().filter(|p| p.starts_with("labs/exam/")).count());
    }
}
