//! The CLI's shorthand syntax (`Key=Value,Key2=[a,b],Key3={K=V}`), parsed as awscli's `ShorthandParser`
//! does, with its error texts. The result is untyped (strings, lists, objects); `unpack` then applies
//! the model, as awscli's `BackCompatVisitor` does.

use serde_json::{Map, Value};

/// A shorthand syntax error, with the caret display the CLI prints under the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShorthandError(pub String);

struct Parser<'a> {
    chars: Vec<char>,
    index: usize,
    input: &'a str,
}

/// Parses one shorthand value into a JSON object.
pub fn parse(input: &str) -> Result<Value, ShorthandError> {
    let mut p = Parser { chars: input.chars().collect(), index: 0, input };
    p.parameter()
}

fn key_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-_.#/:".contains(c)
}

/// Characters that may start an unquoted value (awscli `_START_WORD`).
fn start_char(c: char) -> bool {
    !(c.is_whitespace() || matches!(c, '"' | '\'' | ',' | '=' | '[' | '{') || (c as u32) < 0x21)
}

/// Characters that may follow in a first value (awscli `_FIRST_FOLLOW_CHARS`): `=`, `[`, `{` allowed.
fn first_follow_char(c: char) -> bool {
    c.is_whitespace() || !(matches!(c, '"' | '\'' | ',' | ']' | '}') || (c as u32) < 0x21)
}

/// Characters that may follow in a later comma-separated value (awscli `_SECOND_FOLLOW_CHARS`).
fn second_follow_char(c: char) -> bool {
    c.is_whitespace() || !(matches!(c, '"' | '\'' | ',' | '=') || (c as u32) < 0x21)
}

impl Parser<'_> {
    fn current(&self) -> Option<char> {
        self.chars.get(self.index).copied()
    }

    fn at_eof(&self) -> bool {
        self.index >= self.chars.len()
    }

    fn error_location(&self, index: usize) -> String {
        let consumed: String = self.chars[..index.min(self.chars.len())].iter().collect();
        let (mut before, mut after, mut spaces) = (self.input.to_string(), String::new(), index);
        if let Some(last_newline) = consumed.rfind('\n') {
            spaces = consumed[last_newline + 1..].chars().count();
        }
        let rest: String = self.chars[index.min(self.chars.len())..].iter().collect();
        if let Some(next_newline) = rest.find('\n') {
            before = format!("{consumed}{}", &rest[..next_newline]);
            after = rest[next_newline..].to_string();
        }
        format!("{before}\n{}^{after}", " ".repeat(spaces))
    }

    fn syntax_error(&self, expected: &str, actual: &str) -> ShorthandError {
        ShorthandError(format!(
            "Expected: '{expected}', received: '{actual}' for input:\n{}",
            self.error_location(self.index)
        ))
    }

    fn consume_whitespace(&mut self) {
        while self.current().is_some_and(char::is_whitespace) {
            self.index += 1;
        }
    }

    fn expect(&mut self, wanted: char, consume_whitespace: bool) -> Result<(), ShorthandError> {
        if consume_whitespace {
            self.consume_whitespace();
        }
        match self.current() {
            None => Err(self.syntax_error(&wanted.to_string(), "EOF")),
            Some(c) if c != wanted => Err(self.syntax_error(&wanted.to_string(), &c.to_string())),
            Some(_) => {
                self.index += 1;
                if consume_whitespace {
                    self.consume_whitespace();
                }
                Ok(())
            }
        }
    }

    fn parameter(&mut self) -> Result<Value, ShorthandError> {
        let mut params = Map::new();
        let (key, value) = self.keyval()?;
        params.insert(key, value);
        let mut last_index = self.index;
        while !self.at_eof() {
            self.expect(',', true)?;
            let (key, value) = self.keyval()?;
            if params.contains_key(&key) {
                return Err(ShorthandError(format!(
                    "Second instance of key \"{key}\" encountered for input:\n{}\nThis is often because there is a preceding \",\" instead of a space.",
                    self.error_location(last_index + 1)
                )));
            }
            params.insert(key, value);
            last_index = self.index;
        }
        Ok(Value::Object(params))
    }

    fn key(&mut self) -> String {
        let start = self.index;
        while self.current().is_some_and(key_char) {
            self.index += 1;
        }
        self.chars[start..self.index].iter().collect()
    }

    fn keyval(&mut self) -> Result<(String, Value), ShorthandError> {
        let key = self.key();
        // `Key@=file://...` loads a file in the real CLI; the sandbox has no files, so `@` is just skipped.
        let save = self.index;
        if self.expect('@', true).is_err() {
            self.index = save;
        }
        self.expect('=', true)?;
        Ok((key, self.values()?))
    }

    fn values(&mut self) -> Result<Value, ShorthandError> {
        match self.current() {
            None => Ok(Value::String(String::new())),
            Some('[') => self.explicit_list(),
            Some('{') => self.hash_literal(),
            Some(_) => self.csv_value(),
        }
    }

    fn csv_value(&mut self) -> Result<Value, ShorthandError> {
        let first = self.first_value()?;
        self.consume_whitespace();
        if self.at_eof() || self.current() != Some(',') {
            return Ok(Value::String(first));
        }
        self.expect(',', true)?;
        let mut list = vec![Value::String(first.clone())];
        loop {
            let attempt = (|| -> Result<String, ShorthandError> {
                let current = self.second_value()?;
                self.consume_whitespace();
                Ok(current)
            })();
            match attempt {
                Ok(current) => {
                    if self.at_eof() {
                        list.push(Value::String(current));
                        break;
                    }
                    match self.expect(',', true) {
                        Ok(()) => list.push(Value::String(current)),
                        Err(e) => {
                            if self.at_eof() {
                                return Err(e);
                            }
                            self.backtrack_to(',');
                            break;
                        }
                    }
                }
                Err(e) => {
                    if self.at_eof() {
                        return Err(e);
                    }
                    self.backtrack_to(',');
                    break;
                }
            }
        }
        if list.len() == 1 {
            return Ok(Value::String(first));
        }
        Ok(Value::Array(list))
    }

    fn backtrack_to(&mut self, wanted: char) {
        while self.index > 0 && self.chars.get(self.index) != Some(&wanted) {
            self.index -= 1;
        }
    }

    /// An unquoted value: a start character or `\,`, then follow characters or `\,`.
    fn unquoted(&mut self, follow: fn(char) -> bool) -> Option<String> {
        let start = self.index;
        let mut i = self.index;
        let mut first = true;
        loop {
            let c = self.chars.get(i).copied();
            let escaped_comma = c == Some('\\') && self.chars.get(i + 1) == Some(&',');
            if escaped_comma {
                i += 2;
            } else if c.is_some_and(|c| if first { start_char(c) } else { follow(c) }) {
                i += 1;
            } else {
                break;
            }
            first = false;
        }
        if i == start {
            return None;
        }
        self.index = i;
        let text: String = self.chars[start..i].iter().collect();
        Some(text.replace("\\,", ",").trim_end().to_string())
    }

    fn first_value(&mut self) -> Result<String, ShorthandError> {
        match self.current() {
            Some('\'') => self.quoted('\'', "singled quoted"),
            Some('"') => self.quoted('"', "double quoted"),
            _ => Ok(self.unquoted(first_follow_char).unwrap_or_default()),
        }
    }

    fn second_value(&mut self) -> Result<String, ShorthandError> {
        match self.current() {
            Some('\'') => self.quoted('\'', "singled quoted"),
            Some('"') => self.quoted('"', "double quoted"),
            _ => self.unquoted(second_follow_char).ok_or_else(|| self.syntax_error("<second>", "<none>")),
        }
    }

    /// A quoted value; `\<quote>` inside stands for the quote and `\\` for a backslash.
    fn quoted(&mut self, quote: char, name: &str) -> Result<String, ShorthandError> {
        let start = self.index;
        let mut i = start + 1;
        loop {
            match self.chars.get(i) {
                None => {
                    return Err(self.syntax_error(&format!("<{name}>"), "<none>"));
                }
                Some('\\') if self.chars.get(i + 1) == Some(&quote) => i += 2,
                Some(c) if *c == quote => break,
                Some(_) => i += 1,
            }
        }
        let inner: String = self.chars[start + 1..i].iter().collect();
        self.index = i + 1;
        Ok(inner.replace(&format!("\\{quote}"), &quote.to_string()).replace("\\\\", "\\"))
    }

    fn explicit_list(&mut self) -> Result<Value, ShorthandError> {
        self.expect('[', true)?;
        let mut values = Vec::new();
        while self.current() != Some(']') {
            if self.at_eof() {
                return Err(self.syntax_error("]", "EOF"));
            }
            values.push(self.explicit_values()?);
            self.consume_whitespace();
            if self.current() != Some(']') {
                self.expect(',', false)?;
                self.consume_whitespace();
            }
        }
        self.expect(']', false)?;
        Ok(Value::Array(values))
    }

    fn explicit_values(&mut self) -> Result<Value, ShorthandError> {
        match self.current() {
            Some('[') => self.explicit_list(),
            Some('{') => self.hash_literal(),
            _ => Ok(Value::String(self.first_value()?)),
        }
    }

    fn hash_literal(&mut self) -> Result<Value, ShorthandError> {
        self.expect('{', true)?;
        let mut map = Map::new();
        while self.current() != Some('}') {
            if self.at_eof() {
                return Err(self.syntax_error("}", "EOF"));
            }
            let key = self.key();
            let save = self.index;
            if self.expect('@', true).is_err() {
                self.index = save;
            }
            self.expect('=', true)?;
            let v = self.explicit_values()?;
            self.consume_whitespace();
            if self.current() != Some('}') {
                self.expect(',', false)?;
                self.consume_whitespace();
            }
            map.insert(key, v);
        }
        self.expect('}', false)?;
        Ok(Value::Object(map))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Results as awscli's ShorthandParser gives them (awscli/shorthand.py docstrings and behaviour).
    #[test]
    fn parses_like_awscli() {
        assert_eq!(parse("StreamMode=ON_DEMAND").unwrap(), json!({"StreamMode": "ON_DEMAND"}));
        assert_eq!(parse("a=b,c=d").unwrap(), json!({"a": "b", "c": "d"}));
        assert_eq!(parse("a=b,c").unwrap(), json!({"a": ["b", "c"]}));
        assert_eq!(parse("a=[1,2],b={c=d}").unwrap(), json!({"a": ["1", "2"], "b": {"c": "d"}}));
        assert_eq!(parse("Data=aGk=,PartitionKey=k").unwrap(), json!({"Data": "aGk=", "PartitionKey": "k"}));
        assert_eq!(parse("a='x,y',b=\"q\"").unwrap(), json!({"a": "x,y", "b": "q"}));
        assert_eq!(parse("Type=AT_TIMESTAMP,Timestamp=2026-01-01T00:00:00Z").unwrap()["Timestamp"], "2026-01-01T00:00:00Z");
        assert_eq!(parse("a=").unwrap(), json!({"a": ""}));
    }

    #[test]
    fn errors_show_a_caret() {
        let e = parse("a").unwrap_err();
        assert_eq!(e.0, "Expected: '=', received: 'EOF' for input:\na\n ^");
        let dup = parse("a=b,a=c").unwrap_err();
        assert!(dup.0.starts_with("Second instance of key \"a\""), "{}", dup.0);
    }
}
