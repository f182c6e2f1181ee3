//! Splits a command line into words the way a POSIX shell does for the cases a learner types:
//! 'single quotes' keep everything literally, "double quotes" allow \" \\ \$ \` escapes, and a
//! backslash outside quotes escapes the next character. No expansion, globbing or pipes.

/// Why a line could not be split.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenizeError {
    UnclosedSingleQuote,
    UnclosedDoubleQuote,
    TrailingBackslash,
}

impl TokenizeError {
    /// What the terminal prints (in the words of bash's own message).
    pub fn message(&self) -> &'static str {
        match self {
            TokenizeError::UnclosedSingleQuote => "unexpected EOF while looking for matching `''",
            TokenizeError::UnclosedDoubleQuote => "unexpected EOF while looking for matching `\"'",
            TokenizeError::TrailingBackslash => "unexpected EOF after a trailing backslash",
        }
    }
}

/// Splits `line` into words.
pub fn tokenize(line: &str) -> Result<Vec<String>, TokenizeError> {
    Ok(tokenize_with_state(line)?.0)
}

/// The words plus whether the line ends inside a word (no trailing blank), for completion.
pub fn tokenize_with_state(line: &str) -> Result<(Vec<String>, bool), TokenizeError> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut in_word = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut current));
                    in_word = false;
                }
            }
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(ch) => current.push(ch),
                        None => return Err(TokenizeError::UnclosedSingleQuote),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(esc @ ('"' | '\\' | '$' | '`')) => current.push(esc),
                            Some('\n') => {}
                            Some(other) => {
                                current.push('\\');
                                current.push(other);
                            }
                            None => return Err(TokenizeError::UnclosedDoubleQuote),
                        },
                        Some(ch) => current.push(ch),
                        None => return Err(TokenizeError::UnclosedDoubleQuote),
                    }
                }
            }
            '\\' => match chars.next() {
                Some('\n') => {}
                Some(ch) => {
                    in_word = true;
                    current.push(ch);
                }
                None => return Err(TokenizeError::TrailingBackslash),
            },
            c => {
                in_word = true;
                current.push(c);
            }
        }
    }
    if in_word {
        words.push(current);
    }
    Ok((words, in_word))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_and_escapes() {
        assert_eq!(tokenize(r#"--data '{"a":1}'"#).unwrap(), vec!["--data", r#"{"a":1}"#]);
        assert_eq!(tokenize(r#"a "b \"c\" d" e\ f"#).unwrap(), vec!["a", r#"b "c" d"#, "e f"]);
        assert_eq!(tokenize("x ''").unwrap(), vec!["x", ""]);
        assert_eq!(tokenize("  ").unwrap(), Vec::<String>::new());
    }

    #[test]
    fn unbalanced_quotes_are_errors() {
        assert_eq!(tokenize("a 'b"), Err(TokenizeError::UnclosedSingleQuote));
        assert_eq!(tokenize("a \"b"), Err(TokenizeError::UnclosedDoubleQuote));
        assert_eq!(tokenize("a \\"), Err(TokenizeError::TrailingBackslash));
    }

    #[test]
    fn completion_state() {
        assert!(tokenize_with_state("aws kin").unwrap().1);
        assert!(!tokenize_with_state("aws ").unwrap().1);
    }
}
