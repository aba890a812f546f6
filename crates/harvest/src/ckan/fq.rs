//! The subset of Solr's query syntax CKAN clients send in `q` and `fq`: `field:value`,
//! `field:"quoted value"`, `-field:value` / `NOT`, `AND` / `OR` (AND when omitted), parentheses,
//! `field:(a OR b)`, ranges `field:[a TO b]` / `{a TO b}` with `*`, `field:*`, `*:*`, and bare
//! words (full text). Parsed into a small tree that `query.rs` turns into SQL; nothing of the
//! input is ever pasted into SQL.

use satudata_dataquery::Limits;

use crate::error::{Error, Result};

/// One parsed query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    /// Everything (`*:*`).
    All,
    /// All children hold.
    And(Vec<Node>),
    /// Some child holds.
    Or(Vec<Node>),
    /// The child does not hold.
    Not(Box<Node>),
    /// Words to find with full-text search.
    Text(String),
    /// A field compared with a value.
    Field(String, Value),
}

/// The right-hand side of `field:`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// A term or phrase (`*` alone means "has a value").
    Term(String),
    /// An inclusive or exclusive range; `None` is `*`.
    Range {
        /// Lower bound.
        from: Option<String>,
        /// Upper bound.
        to: Option<String>,
        /// `[` rather than `{`.
        from_inclusive: bool,
        /// `]` rather than `}`.
        to_inclusive: bool,
    },
}

/// A `Search Query Error` in `q`.
pub(crate) fn syntax(id: impl Into<String>, en: impl Into<String>) -> Error {
    search_error("q", id, en)
}

/// A `Search Query Error` in another search parameter (`fq`, `sort`, `facet.field`).
pub(crate) fn search_error(param: &str, id: impl Into<String>, en: impl Into<String>) -> Error {
    Error::bad_parameter(param, id.into(), en.into())
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Open,
    Close,
    And,
    Or,
    Not,
    Minus,
    Plus,
    /// `word`, or `field:` when followed by a colon (see `Field`).
    Word(String),
    Phrase(String),
    /// `field:`
    Field(String),
    /// `[a TO b]` or `{a TO b}`.
    Range(Value),
}

/// Parses a query; blank means everything. A query longer, deeper or with more terms than
/// `limits` allow is refused before anything is built from it.
pub fn parse(input: &str, limits: &Limits) -> Result<Node> {
    if input.chars().count() > limits.max_chars {
        return Err(syntax(
            format!("Kueri lebih dari {} karakter", limits.max_chars),
            format!("The query is longer than {} characters", limits.max_chars),
        ));
    }
    let tokens = tokenize(input)?;
    if tokens.is_empty() {
        return Ok(Node::All);
    }
    let terms = tokens
        .iter()
        .map(|t| match t {
            Token::Word(w) | Token::Phrase(w) => w.split_whitespace().count().max(1),
            Token::Range(_) => 1,
            _ => 0,
        })
        .sum::<usize>();
    if terms > limits.max_terms {
        return Err(syntax(
            format!("Kueri memuat lebih dari {} istilah", limits.max_terms),
            format!("The query has more than {} terms", limits.max_terms),
        ));
    }
    let mut parser = Parser {
        tokens,
        pos: 0,
        depth: 0,
        max_depth: limits.max_depth,
    };
    let node = parser.or()?;
    if parser.pos < parser.tokens.len() {
        return Err(syntax(
            format!("Kueri tidak sah dekat token ke-{}", parser.pos + 1),
            format!("Invalid query near token {}", parser.pos + 1),
        ));
    }
    Ok(node)
}

fn tokenize(input: &str) -> Result<Vec<Token>> {
    let chars: Vec<char> = input.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            c if c.is_whitespace() => i += 1,
            '(' => {
                out.push(Token::Open);
                i += 1;
            }
            ')' => {
                out.push(Token::Close);
                i += 1;
            }
            '-' | '!' if i + 1 < chars.len() && !chars[i + 1].is_whitespace() => {
                out.push(Token::Minus);
                i += 1;
            }
            '+' => {
                out.push(Token::Plus);
                i += 1;
            }
            '&' if chars.get(i + 1) == Some(&'&') => {
                out.push(Token::And);
                i += 2;
            }
            '|' if chars.get(i + 1) == Some(&'|') => {
                out.push(Token::Or);
                i += 2;
            }
            '"' => {
                let (text, next) = quoted(&chars, i + 1)?;
                out.push(Token::Phrase(text));
                i = next;
            }
            '[' | '{' => {
                let (range, next) = range(&chars, i)?;
                out.push(Token::Range(range));
                i = next;
            }
            _ => {
                let mut word = String::new();
                while i < chars.len() {
                    let c = chars[i];
                    if c == '\\' && i + 1 < chars.len() {
                        word.push(chars[i + 1]);
                        i += 2;
                        continue;
                    }
                    if c.is_whitespace() || matches!(c, '(' | ')' | '"' | '[' | '{') {
                        break;
                    }
                    if c == ':' {
                        break;
                    }
                    word.push(c);
                    i += 1;
                }
                if chars.get(i) == Some(&':') {
                    out.push(Token::Field(word));
                    i += 1;
                } else {
                    out.push(match word.as_str() {
                        "AND" => Token::And,
                        "OR" => Token::Or,
                        "NOT" => Token::Not,
                        _ => Token::Word(word),
                    });
                }
            }
        }
    }
    Ok(out)
}

fn quoted(chars: &[char], mut i: usize) -> Result<(String, usize)> {
    let mut text = String::new();
    while i < chars.len() {
        match chars[i] {
            '\\' if i + 1 < chars.len() => {
                text.push(chars[i + 1]);
                i += 2;
            }
            '"' => return Ok((text, i + 1)),
            c => {
                text.push(c);
                i += 1;
            }
        }
    }
    Err(syntax("Tanda kutip tidak ditutup", "Unclosed quote"))
}

fn range(chars: &[char], start: usize) -> Result<(Value, usize)> {
    let close = chars[start + 1..]
        .iter()
        .position(|c| matches!(c, ']' | '}'))
        .map(|p| p + start + 1)
        .ok_or_else(|| syntax("Rentang tidak ditutup", "Unclosed range"))?;
    let body: String = chars[start + 1..close].iter().collect();
    let parts: Vec<&str> = body.split_whitespace().collect();
    let [from, to_kw, to] = parts.as_slice() else {
        return Err(syntax(
            format!("Rentang '{body}' harus berbentuk [a TO b]"),
            format!("Range '{body}' must look like [a TO b]"),
        ));
    };
    if *to_kw != "TO" {
        return Err(syntax(
            format!("Rentang '{body}' harus berbentuk [a TO b]"),
            format!("Range '{body}' must look like [a TO b]"),
        ));
    }
    let bound = |s: &str| (s != "*").then(|| s.trim_matches('"').to_owned());
    Ok((
        Value::Range {
            from: bound(from),
            to: bound(to),
            from_inclusive: chars[start] == '[',
            to_inclusive: chars[close] == ']',
        },
        close + 1,
    ))
}

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
    /// Parentheses and NOTs open around the current position.
    depth: usize,
    max_depth: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos)
    }

    /// Goes one level deeper (a parenthesis or a NOT), refusing past the limit: the parser and
    /// everything that walks its tree recurse once per level.
    fn deeper(&mut self) -> Result<()> {
        self.depth += 1;
        if self.depth > self.max_depth {
            return Err(syntax(
                format!("Kueri bersarang lebih dari {} tingkat", self.max_depth),
                format!("The query is nested deeper than {} levels", self.max_depth),
            ));
        }
        Ok(())
    }

    fn or(&mut self) -> Result<Node> {
        let mut items = vec![self.and()?];
        while self.peek() == Some(&Token::Or) {
            self.pos += 1;
            items.push(self.and()?);
        }
        Ok(flatten(items, Node::Or))
    }

    fn and(&mut self) -> Result<Node> {
        let mut items = vec![self.unary()?];
        loop {
            match self.peek() {
                Some(Token::And) => {
                    self.pos += 1;
                    items.push(self.unary()?);
                }
                Some(Token::Or | Token::Close) | None => break,
                Some(_) => items.push(self.unary()?),
            }
        }
        Ok(flatten(items, Node::And))
    }

    fn unary(&mut self) -> Result<Node> {
        match self.peek() {
            Some(Token::Not | Token::Minus) => {
                self.pos += 1;
                self.deeper()?;
                let inner = self.unary()?;
                self.depth -= 1;
                Ok(Node::Not(Box::new(inner)))
            }
            Some(Token::Plus) => {
                // `+x` is `x`: skip every plus in a loop, not by recursion.
                while self.peek() == Some(&Token::Plus) {
                    self.pos += 1;
                }
                self.unary()
            }
            _ => self.primary(),
        }
    }

    fn primary(&mut self) -> Result<Node> {
        let token = self.tokens.get(self.pos).cloned();
        self.pos += 1;
        match token {
            Some(Token::Open) => {
                self.deeper()?;
                let node = self.or()?;
                self.expect_close()?;
                self.depth -= 1;
                Ok(node)
            }
            Some(Token::Word(w)) if w == "*" => Ok(Node::All),
            Some(Token::Word(w) | Token::Phrase(w)) => Ok(Node::Text(w)),
            Some(Token::Field(field)) => self.field_value(field),
            _ => Err(syntax(
                "Kueri tidak lengkap atau tidak sah",
                "Incomplete or invalid query",
            )),
        }
    }

    fn field_value(&mut self, field: String) -> Result<Node> {
        let token = self.tokens.get(self.pos).cloned();
        self.pos += 1;
        match token {
            Some(Token::Word(w)) if field == "*" && w == "*" => Ok(Node::All),
            Some(Token::Word(w) | Token::Phrase(w)) => Ok(Node::Field(field, Value::Term(w))),
            Some(Token::Range(r)) => Ok(Node::Field(field, r)),
            // field:(a OR b c): each value applies to the field.
            Some(Token::Open) => {
                self.deeper()?;
                let inner = self.or()?;
                self.expect_close()?;
                self.depth -= 1;
                apply_field(&field, inner)
            }
            _ => Err(syntax(
                format!("Nilai untuk '{field}:' tidak ada"),
                format!("No value after '{field}:'"),
            )),
        }
    }

    fn expect_close(&mut self) -> Result<()> {
        if self.peek() == Some(&Token::Close) {
            self.pos += 1;
            Ok(())
        } else {
            Err(syntax("Kurung tidak ditutup", "Unclosed parenthesis"))
        }
    }
}

/// Turns the bare words of `field:(a OR b)` into `field:a OR field:b`.
fn apply_field(field: &str, node: Node) -> Result<Node> {
    Ok(match node {
        Node::Text(w) => Node::Field(field.to_owned(), Value::Term(w)),
        Node::And(items) => Node::And(
            items
                .into_iter()
                .map(|n| apply_field(field, n))
                .collect::<Result<_>>()?,
        ),
        Node::Or(items) => Node::Or(
            items
                .into_iter()
                .map(|n| apply_field(field, n))
                .collect::<Result<_>>()?,
        ),
        Node::Not(inner) => Node::Not(Box::new(apply_field(field, *inner)?)),
        Node::All => Node::Field(field.to_owned(), Value::Term("*".into())),
        Node::Field(inner, _) => {
            return Err(syntax(
                format!("Bidang '{inner}:' di dalam '{field}:(...)'"),
                format!("Field '{inner}:' inside '{field}:(...)'"),
            ));
        }
    })
}

fn flatten(mut items: Vec<Node>, make: fn(Vec<Node>) -> Node) -> Node {
    if items.len() == 1 {
        items.remove(0)
    } else {
        make(items)
    }
}

#[cfg(test)]
mod tests {
    use super::{Node, Value, parse};
    use proptest::prelude::*;
    use satudata_dataquery::Limits;

    fn parse_default(input: &str) -> super::Result<Node> {
        parse(input, &Limits::default())
    }

    #[test]
    fn deep_long_and_wide_queries_are_refused_before_parsing() {
        // 1,750 nested parentheses overflowed the stack; they are now a Search Query Error.
        let deep = format!("{}a{}", "(".repeat(1_750), ")".repeat(1_750));
        assert!(parse_default(&deep).is_err());
        let nots = format!("{}a", "-".repeat(500));
        assert!(parse_default(&nots).is_err());
        // Plus signs carry no nesting and are skipped in a loop.
        assert!(parse_default(&format!("{}a", "+".repeat(5_000))).is_ok());
        let wide = vec!["organization:a"; 3_000].join(" OR ");
        assert!(parse_default(&wide).is_err());
        let words = vec!["kata"; 600].join(" ");
        assert!(parse_default(&words).is_err());
        let limits = Limits {
            max_depth: 2,
            max_terms: 3,
            max_chars: 30,
            ..Limits::default()
        };
        assert!(parse("((a))", &limits).is_ok());
        assert!(parse("(((a)))", &limits).is_err());
        assert!(parse("a b c", &limits).is_ok());
        assert!(parse("a b c d", &limits).is_err());
        assert!(parse(&"x".repeat(31), &limits).is_err());
    }

    #[test]
    fn the_kept_corpus_parses_or_is_refused() {
        let corpus = include_str!("../../fuzz/fq-corpus.txt");
        let queries: Vec<String> = corpus
            .lines()
            .filter(|l| !l.starts_with('#'))
            .map(|l| l.replace("\\n", "\n"))
            .collect();
        assert!(queries.len() > 15);
        for query in &queries {
            let _ = parse_default(query);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: 300,
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        /// Bounded fuzzing: any text, and text made of the query language's own pieces,
        /// parses or is refused, never panics or overflows.
        #[test]
        fn any_query_parses_or_is_refused(
            text in "\\PC{0,200}",
            pieces in proptest::collection::vec(
                prop_oneof![
                    Just("("), Just(")"), Just("-"), Just("+"), Just("NOT "), Just(" OR "),
                    Just(" AND "), Just("&&"), Just("||"), Just("\""), Just("["), Just("{"),
                    Just("]"), Just("}"), Just(" TO "), Just("*"), Just(":"), Just("\\"),
                    Just("organization:"), Just("a"), Just(" "), Just("metadata_modified:"),
                ],
                0..400,
            ),
        ) {
            let _ = parse_default(&text);
            let _ = parse_default(&pieces.concat());
        }
    }

    fn field(f: &str, v: &str) -> Node {
        Node::Field(f.into(), Value::Term(v.into()))
    }

    #[test]
    fn harvester_queries_parse() {
        assert_eq!(parse_default("").expect("test value"), Node::All);
        assert_eq!(parse_default("*:*").expect("test value"), Node::All);
        assert_eq!(
            parse_default("organization:a OR organization:b").expect("test value"),
            Node::Or(vec![field("organization", "a"), field("organization", "b")])
        );
        assert_eq!(
            parse_default("-organization:x").expect("test value"),
            Node::Not(Box::new(field("organization", "x")))
        );
        assert_eq!(
            parse_default("metadata_modified:[2024-05-01T10:00:00.123456Z TO *]")
                .expect("test value"),
            Node::Field(
                "metadata_modified".into(),
                Value::Range {
                    from: Some("2024-05-01T10:00:00.123456Z".into()),
                    to: None,
                    from_inclusive: true,
                    to_inclusive: true
                }
            )
        );
        assert_eq!(
            parse_default("(tags:a OR tags:b) AND NOT groups:\"x y\" penduduk")
                .expect("test value"),
            Node::And(vec![
                Node::Or(vec![field("tags", "a"), field("tags", "b")]),
                Node::Not(Box::new(field("groups", "x y"))),
                Node::Text("penduduk".into()),
            ])
        );
        assert_eq!(
            parse_default("organization:(a OR b)").expect("test value"),
            Node::Or(vec![field("organization", "a"), field("organization", "b")])
        );
    }

    #[test]
    fn broken_queries_are_errors() {
        for bad in ["(a OR b", "name:", "x:[1 TO", "\"open", "a:[1 2]", "OR"] {
            assert!(parse_default(bad).is_err(), "{bad}");
        }
    }
}
