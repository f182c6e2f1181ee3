//! What can go wrong before or after a call, and how AWS CLI v2 prints each kind.
//!
//! CLI v2 writes every error to stderr as a blank line, the message, and a newline, and picks the exit
//! code by kind: 252 for anything wrong with the command line (argparse errors, unknown options, bad
//! parameter values, client-side parameter validation), 254 for an error answered by the service,
//! 255 for anything else (for example Python's own `int()` failure on `--shard-count abc`).

/// Exit code for command-line and parameter errors (CLI v2 `PARAM_VALIDATION_ERROR_RC`).
pub const EXIT_PARAM_ERROR: i32 = 252;
/// Exit code for an error response from the service (CLI v2 `CLIENT_ERROR_RC`).
pub const EXIT_CLIENT_ERROR: i32 = 254;
/// Exit code for any other failure (CLI v2 `GENERAL_ERROR_RC`).
pub const EXIT_GENERAL_ERROR: i32 = 255;

/// The usage block argparse prints above its errors (the CLI's `USAGE` constant as argparse formats it).
pub const USAGE: &str = concat!(
    "usage: aws [options] <command> <subcommand> [<subcommand> ...] [parameters]\n",
    "To see help text, you can run:\n",
    "\n",
    "  aws help\n",
    "  aws <command> help\n",
    "  aws <command> <subcommand> help\n",
);

/// One failure of a terminal command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CliError {
    /// An argparse error (`aws: error: ...`): missing required options, bad choice, missing value.
    Usage(String),
    /// Tokens no option accepted.
    UnknownOptions(Vec<String>),
    /// A value that could not be read for one option (`Error parsing parameter '--x': ...`).
    Param { cli_name: String, message: String },
    /// botocore's client-side check of the request (`Parameter validation failed:` + one line per problem).
    Validation(Vec<String>),
    /// A message printed as it is, with its exit code.
    Plain { message: String, exit_code: i32 },
    /// An error answered by the service.
    Service { error_type: String, operation: String, message: String },
}

impl CliError {
    pub fn plain(message: impl Into<String>, exit_code: i32) -> Self {
        CliError::Plain { message: message.into(), exit_code }
    }

    pub fn param(cli_name: &str, message: impl Into<String>) -> Self {
        CliError::Param { cli_name: cli_name.to_string(), message: message.into() }
    }

    pub fn exit_code(&self) -> i32 {
        match self {
            CliError::Usage(_) | CliError::UnknownOptions(_) | CliError::Param { .. } | CliError::Validation(_) => {
                EXIT_PARAM_ERROR
            }
            CliError::Plain { exit_code, .. } => *exit_code,
            CliError::Service { .. } => EXIT_CLIENT_ERROR,
        }
    }

    /// The exact stderr text.
    pub fn render(&self) -> String {
        match self {
            CliError::Usage(message) => format!("\n{USAGE}\naws: error: {message}\n\n"),
            CliError::UnknownOptions(tokens) => format!("\n{USAGE}\nUnknown options: {}\n", tokens.join(", ")),
            CliError::Param { cli_name, message } => format!("\nError parsing parameter '{cli_name}': {message}\n"),
            CliError::Validation(lines) => format!("\nParameter validation failed:\n{}\n", lines.join("\n")),
            CliError::Plain { message, .. } => format!("\n{message}\n"),
            CliError::Service { error_type, operation, message } => {
                format!("\nAn error occurred ({error_type}) when calling the {operation} operation: {message}\n")
            }
        }
    }
}

/// Python's `repr()` of a string, as the CLI quotes values in its messages: single quotes unless the
/// text holds a single quote and no double quote.
pub fn py_repr_str(text: &str) -> String {
    let quote = if text.contains('\'') && !text.contains('"') { '"' } else { '\'' };
    let mut out = String::with_capacity(text.len() + 2);
    out.push(quote);
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

/// Python's `str()`/`repr()` of a decoded JSON value inside a message (`{'a': 1}`, `['x']`, `True`).
pub fn py_repr_value(value: &serde_json::Value) -> String {
    use serde_json::Value;
    match value {
        Value::Null => "None".into(),
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => py_repr_str(s),
        Value::Array(items) => format!("[{}]", items.iter().map(py_repr_value).collect::<Vec<_>>().join(", ")),
        Value::Object(map) => format!(
            "{{{}}}",
            map.iter().map(|(k, v)| format!("{}: {}", py_repr_str(k), py_repr_value(v))).collect::<Vec<_>>().join(", ")
        ),
    }
}

/// Python's type name for a decoded JSON value (`<class 'str'>`).
pub fn py_type(value: &serde_json::Value) -> &'static str {
    use serde_json::Value;
    match value {
        Value::Null => "<class 'NoneType'>",
        Value::Bool(_) => "<class 'bool'>",
        Value::Number(n) if n.is_f64() => "<class 'float'>",
        Value::Number(_) => "<class 'int'>",
        Value::String(_) => "<class 'str'>",
        Value::Array(_) => "<class 'list'>",
        Value::Object(_) => "<class 'dict'>",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usage_errors_carry_the_usage_block_and_252() {
        let e = CliError::Usage("the following arguments are required: --stream-name".into());
        assert_eq!(e.exit_code(), 252);
        assert!(e.render().starts_with("\nusage: aws [options]"));
        assert!(e.render().ends_with("\n\naws: error: the following arguments are required: --stream-name\n\n"));
    }

    #[test]
    fn python_reprs() {
        assert_eq!(py_repr_str("abc"), "'abc'");
        assert_eq!(py_repr_str("it's"), "\"it's\"");
        assert_eq!(py_repr_value(&serde_json::json!(["a", 1, true, null])), "['a', 1, True, None]");
    }
}
