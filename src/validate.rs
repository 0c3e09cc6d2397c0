//! Validate: every document is checked against `schemas/bulletin.schema.json` before it is
//! written. The schema is compiled once per process.

use serde_json::Value;
use std::sync::OnceLock;

/// The JSON Schema of the output document, as shipped in `schemas/`.
pub const SCHEMA: &str = include_str!("../schemas/bulletin.schema.json");

fn validator() -> &'static jsonschema::Validator {
    static VALIDATOR: OnceLock<jsonschema::Validator> = OnceLock::new();
    VALIDATOR.get_or_init(|| {
        let schema: Value = serde_json::from_str(SCHEMA).expect("the bundled schema is valid JSON");
        jsonschema::validator_for(&schema).expect("the bundled schema compiles")
    })
}

/// Compiles the schema now (see [`crate::warm_up`]).
pub(crate) fn warm_up() {
    validator();
}

/// Every violation of the schema in `document`, as "at /path: message" lines (empty when valid).
pub fn violations(document: &Value) -> Vec<String> {
    validator()
        .iter_errors(document)
        .take(20)
        .map(|e| {
            let path = e.instance_path().to_string();
            let path = if path.is_empty() {
                "/".to_string()
            } else {
                path
            };
            format!("at {path}: {e}")
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_rejects_what_it_should() {
        let bad = serde_json::json!({"schema_version": "1.0", "extra": 1});
        let v = violations(&bad);
        assert!(!v.is_empty());
        assert!(
            v.iter()
                .any(|m| m.contains("extra") || m.contains("required")),
            "{v:?}"
        );
    }
}
