//! Apache's expression language (`ap_expr`), as far as `Require expr` on a client certificate
//! goes: `%{SSL_CLIENT_*}` variables, quoted strings, `==` `!=` `<` `<=` `>` `>=`, `-eq` …
//! `-ge` on integers, `-strmatch`/`-strcmatch` (wildcards), `=~`/`!~` with `/regex/` (`i`
//! flag), `in {…}`, `!`, `&&`, `||`, parentheses, `true`, `false`.
//!
//! Hand-written: ap_expr is httpd's own grammar (server/util_expr_parse.y) and no crate reads
//! it. An expression using anything else (other variables, functions, `-R`, `-ipmatch`) is not
//! evaluated: [`evaluate`] says so rather than guess. Regular expressions (PCRE in httpd) go
//! through the same engine as PostgreSQL's maps ([`super::postgres::first_match`]).

/// One token of an expression.
#[derive(Clone, PartialEq, Eq)]
enum Token {
    Var(String),
    Str(String),
    Regex { pattern: String, nocase: bool },
    Word(String),
    Open,
    Close,
    BraceOpen,
    BraceClose,
    Comma,
}

/// The text from `from` to the next unescaped `end`, and where reading goes on.
fn quoted(chars: &[char], from: usize, end: char) -> Option<(String, usize)> {
    let mut text = String::new();
    let mut at = from;
    while let Some(&c) = chars.get(at) {
        if c == '\\' && chars.get(at + 1) == Some(&end) {
            text.push(end);
            at += 2;
        } else if c == end {
            return Some((text, at + 1));
        } else {
            text.push(c);
            at += 1;
        }
    }
    None
}

fn tokens(text: &str) -> Result<Vec<Token>, String> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(&c) = chars.get(at) {
        let single = match c {
            '(' => Some(Token::Open),
            ')' => Some(Token::Close),
            '{' => Some(Token::BraceOpen),
            '}' => Some(Token::BraceClose),
            ',' => Some(Token::Comma),
            _ => None,
        };
        if let Some(token) = single {
            out.push(token);
            at += 1;
        } else if c.is_whitespace() {
            at += 1;
        } else if c == '%' && chars.get(at + 1) == Some(&'{') {
            let (name, next) = quoted(&chars, at + 2, '}').ok_or("an unclosed %{")?;
            out.push(Token::Var(name));
            at = next;
        } else if c == '"' || c == '\'' {
            let (text, next) = quoted(&chars, at + 1, c).ok_or("an unclosed string")?;
            if text.contains("%{") {
                return Err("a variable inside a string".into());
            }
            out.push(Token::Str(text));
            at = next;
        } else if c == '/'
            && matches!(out.last(), Some(Token::Word(op)) if op == "=~" || op == "!~")
        {
            let (pattern, next) = quoted(&chars, at + 1, '/').ok_or("an unclosed regex")?;
            let nocase = chars.get(next) == Some(&'i');
            out.push(Token::Regex { pattern, nocase });
            at = next + usize::from(nocase);
        } else {
            let symbol = |c: char| "=!<>&|~".contains(c);
            let same = |d: char| {
                if symbol(c) {
                    symbol(d)
                } else {
                    !d.is_whitespace() && !symbol(d) && !"(){},\"'".contains(d)
                }
            };
            let start = at;
            while chars.get(at).is_some_and(|&d| same(d)) {
                at += 1;
            }
            out.push(Token::Word(
                chars.get(start..at).unwrap_or_default().iter().collect(),
            ));
        }
    }
    Ok(out)
}

/// A recursive-descent reading of the tokens, evaluated as it goes.
struct Reader<'a> {
    tokens: Vec<Token>,
    at: usize,
    value: &'a dyn Fn(&str) -> Option<String>,
}

impl Reader<'_> {
    fn next(&mut self) -> Option<Token> {
        let token = self.tokens.get(self.at).cloned();
        self.at += 1;
        token
    }

    /// Takes the word `word` if it comes next.
    fn take(&mut self, word: &str) -> bool {
        let found = matches!(self.tokens.get(self.at), Some(Token::Word(w)) if w == word);
        self.at += usize::from(found);
        found
    }

    fn or(&mut self) -> Result<bool, String> {
        let mut value = self.and()?;
        while self.take("||") {
            value |= self.and()?;
        }
        Ok(value)
    }

    fn and(&mut self) -> Result<bool, String> {
        let mut value = self.unary()?;
        while self.take("&&") {
            value &= self.unary()?;
        }
        Ok(value)
    }

    fn unary(&mut self) -> Result<bool, String> {
        if self.take("!") {
            return Ok(!self.unary()?);
        }
        if self.take("true") {
            return Ok(true);
        }
        if self.take("false") {
            return Ok(false);
        }
        if self.tokens.get(self.at) == Some(&Token::Open) {
            self.at += 1;
            let value = self.or()?;
            return match self.next() {
                Some(Token::Close) => Ok(value),
                _ => Err("a missing )".into()),
            };
        }
        self.comparison()
    }

    fn word(&mut self) -> Result<String, String> {
        match self.next() {
            Some(Token::Str(text)) => Ok(text),
            Some(Token::Var(name)) => {
                (self.value)(&name).ok_or_else(|| format!("%{{{name}}} is not predicted"))
            }
            Some(Token::Word(w)) if w.chars().all(|c| c.is_ascii_digit()) => Ok(w),
            _ => Err("a value expected where there is none".into()),
        }
    }

    fn comparison(&mut self) -> Result<bool, String> {
        let left = self.word()?;
        let Some(Token::Word(op)) = self.next() else {
            return Err("a missing operator".into());
        };
        match op.as_str() {
            "in" => {
                if self.next() != Some(Token::BraceOpen) {
                    return Err("`in` without {".into());
                }
                let mut found = false;
                loop {
                    found |= self.word()? == left;
                    match self.next() {
                        Some(Token::Comma) => {}
                        Some(Token::BraceClose) => return Ok(found),
                        _ => return Err("an unclosed {".into()),
                    }
                }
            }
            "=~" | "!~" => {
                let Some(Token::Regex { pattern, nocase }) = self.next() else {
                    return Err("a regular expression expected".into());
                };
                let matched = super::postgres::first_match_with(&pattern, &left, nocase).is_some();
                Ok(matched == (op == "=~"))
            }
            _ => {
                let right = self.word()?;
                compare(&op, &left, &right)
            }
        }
    }
}

fn compare(op: &str, left: &str, right: &str) -> Result<bool, String> {
    let number = |s: &str| {
        s.trim()
            .parse::<i64>()
            .map_err(|_| format!("{s:?} is no number"))
    };
    Ok(match op {
        "==" | "=" => left == right,
        "!=" => left != right,
        "<" => left < right,
        "<=" => left <= right,
        ">" => left > right,
        ">=" => left >= right,
        "-eq" => number(left)? == number(right)?,
        "-ne" => number(left)? != number(right)?,
        "-lt" => number(left)? < number(right)?,
        "-le" => number(left)? <= number(right)?,
        "-gt" => number(left)? > number(right)?,
        "-ge" => number(left)? >= number(right)?,
        "-strmatch" => wildcard(right, left, false),
        "-strcmatch" => wildcard(right, left, true),
        other => return Err(format!("the operator {other} is not predicted")),
    })
}

/// `ap_strcmp_match` (`ap_strcasecmp_match` folding ASCII case, as `apr_tolower` does): `*`
/// any run, `?` one character.
fn wildcard(pattern: &str, text: &str, nocase: bool) -> bool {
    let fold = |s: &str| -> Vec<char> {
        if nocase {
            s.to_ascii_lowercase().chars().collect()
        } else {
            s.chars().collect()
        }
    };
    let (p, t) = (fold(pattern), fold(text));
    // Two pointers, going back to the last `*` on a mismatch.
    let (mut i, mut j, mut star, mut mark) = (0, 0, None, 0);
    while j < t.len() {
        match p.get(i) {
            Some('*') => {
                star = Some(i);
                mark = j;
                i += 1;
            }
            Some(&c) if c == '?' || Some(&c) == t.get(j) => {
                i += 1;
                j += 1;
            }
            _ => match star {
                Some(s) => {
                    i = s + 1;
                    mark += 1;
                    j = mark;
                }
                None => return false,
            },
        }
    }
    p.get(i..)
        .is_some_and(|rest| rest.iter().all(|&c| c == '*'))
}

/// Evaluates `expression` with the variables `value` gives; `Err` says what is not predicted
/// (or does not parse).
pub fn evaluate(expression: &str, value: &dyn Fn(&str) -> Option<String>) -> Result<bool, String> {
    let mut reader = Reader {
        tokens: tokens(expression)?,
        at: 0,
        value,
    };
    let result = reader.or()?;
    match reader.next() {
        None => Ok(result),
        Some(_) => Err("more after the expression".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(expression: &str) -> Result<bool, String> {
        let vars = |name: &str| match name {
            "SSL_CLIENT_S_DN_CN" => Some("alice".to_owned()),
            "SSL_CLIENT_S_DN_O" => Some("Example Corp".to_owned()),
            "SSL_CLIENT_VERIFY" => Some("SUCCESS".to_owned()),
            _ => None,
        };
        evaluate(expression, &vars)
    }

    #[test]
    fn the_forms_used_on_client_certificates() {
        for (expression, expected) in [
            ("%{SSL_CLIENT_S_DN_CN} == 'alice'", true),
            ("%{SSL_CLIENT_S_DN_CN} == \"bob\"", false),
            ("%{SSL_CLIENT_S_DN_CN} in {'bob', 'alice'}", true),
            ("%{SSL_CLIENT_S_DN_O} =~ /^example/i", true),
            ("%{SSL_CLIENT_S_DN_O} =~ /^example/", false),
            ("%{SSL_CLIENT_S_DN_O} !~ /corp$/", true),
            (
                "%{SSL_CLIENT_VERIFY} == 'SUCCESS' && %{SSL_CLIENT_S_DN_CN} != 'bob'",
                true,
            ),
            ("!(%{SSL_CLIENT_S_DN_CN} -strmatch 'a*e') || false", false),
            ("%{SSL_CLIENT_S_DN_CN} -strcmatch 'AL?CE'", true),
            ("10 -lt 9", false),
            ("true", true),
        ] {
            assert_eq!(run(expression), Ok(expected), "{expression}");
        }
        for unknown in [
            "%{REMOTE_ADDR} -ipmatch '10.0.0.0/8'",
            "%{SSL_CLIENT_S_DN_CN} ==",
            "(true",
            "'a' == 'b' 'c'",
            "%{SSL_CLIENT_S_DN_CN",
        ] {
            assert!(run(unknown).is_err(), "{unknown}");
        }
    }
}
