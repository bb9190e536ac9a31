//! Turns typed (or pasted) text into a [`Script`]: a hand-written lexer and
//! recursive-descent parser over the POSIX shell grammar subset the terminal speaks.
//!
//! The lexer is driven by the parser one token at a time, because a here-document body
//! starts on the line after its `<<DELIM` and is read when that newline is lexed.

use super::ast::{
    AndOrList, Assignment, Command, Connector, ForLoop, Heredoc, Pipeline, RedirOp, Redirect,
    Script, SimpleCommand, WhileLoop, Word, WordPart,
};

/// Deepest nesting of `$(...)`, backticks and `for` loops accepted; deeper input is an
/// error rather than a stack overflow.
const MAX_DEPTH: usize = 48;

/// Why the text is not a valid script; `Display` gives bash's message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SyntaxError {
    /// A token where the grammar does not allow one (`;` after `&&`, `done` with no `for`,
    /// a redirection with no file name: `newline`).
    #[error("bash: syntax error near unexpected token `{0}'")]
    UnexpectedToken(String),
    /// The input ended inside a construct: after `|`, `&&`, `||`, inside `for ... done`,
    /// or after a trailing backslash. The terminal asks for another line.
    #[error("bash: syntax error: unexpected end of file")]
    UnexpectedEof,
    /// The input ended inside quotes, `$(`, `${` or backticks; the character is the one
    /// bash was looking for. The terminal asks for another line.
    #[error("bash: unexpected EOF while looking for matching `{0}'")]
    UnmatchedQuote(char),
    /// `for 1x in ...`: the loop variable is not a name.
    #[error("bash: `{0}': not a valid identifier")]
    InvalidIdentifier(String),
    /// Valid bash the playground does not run (`if`, `while`, subshells, `&`, `$((..))`).
    #[error("kubeplay: {0} is not supported in this terminal")]
    Unsupported(String),
}

impl SyntaxError {
    /// True when more input could complete the script (the terminal then shows `> `).
    pub fn is_incomplete(&self) -> bool {
        matches!(
            self,
            SyntaxError::UnexpectedEof | SyntaxError::UnmatchedQuote(_)
        )
    }
}

/// Parses one or more lines into a script. A here-document missing its closing line
/// takes the rest of the input as its body, as bash does at end of file.
pub fn parse(src: &str) -> Result<Script, SyntaxError> {
    parse_detailed(src).map(|(script, _)| script)
}

/// True when `src` is an unfinished script: an open quote, heredoc, `for` without
/// `done`, or a line ending in `\`, `|`, `&&` or `||`. Complete scripts and scripts with
/// a plain syntax error both give false (the error is reported when they run).
pub fn needs_more_input(src: &str) -> bool {
    read_ahead(src).needs_more
}

/// What the terminal needs to know about unfinished text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ReadAhead {
    /// [`needs_more_input`].
    pub needs_more: bool,
    /// The here-documents whose bodies run to the end of the text, first to close first:
    /// until the next one's delimiter line, every further line is body, whatever it says.
    pub open_heredocs: Vec<OpenHeredoc>,
}

/// A here-document reading its body at the end of the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct OpenHeredoc {
    pub delimiter: String,
    /// `<<-`: the delimiter line may start with tabs.
    pub strip_tabs: bool,
}

impl OpenHeredoc {
    /// True when `line` ends this here-document's body.
    pub fn is_closed_by(&self, line: &str) -> bool {
        let line = if self.strip_tabs {
            line.trim_start_matches('\t')
        } else {
            line
        };
        line == self.delimiter
    }
}

pub(crate) fn read_ahead(src: &str) -> ReadAhead {
    let mut p = Parser::new(src, 0);
    let needs_more = match p.parse_list(Term::Eof) {
        Ok(_) => p.heredoc_open,
        Err(e) => e.is_incomplete(),
    };
    ReadAhead {
        needs_more,
        open_heredocs: std::mem::take(&mut p.open_at_eof),
    }
}

/// The parse result and whether a here-document was still open at end of input.
fn parse_detailed(src: &str) -> Result<(Script, bool), SyntaxError> {
    let mut p = Parser::new(src, 0);
    let mut script = p.parse_list(Term::Eof)?;
    let bodies = std::mem::take(&mut p.heredocs);
    fill_heredocs(&mut script, &bodies);
    Ok((script, p.heredoc_open))
}

thread_local! {
    /// Characters given to parsers on this thread since it started.
    static CHARS_PARSED: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// How many characters the parsers of this thread have read so far: the measure of
/// parsing work that lets a test prove a long paste is read in linear time without
/// timing it.
pub fn chars_parsed() -> u64 {
    CHARS_PARSED.with(std::cell::Cell::get)
}

/// Splits a here-document body into pieces for expansion: `$VAR`, `${..}`, `$(..)`,
/// backticks, and the backslash escapes `\$`, `` \` ``, `\\`, `\newline`.
pub(crate) fn parse_heredoc_body(body: &str, depth: usize) -> Result<Vec<WordPart>, SyntaxError> {
    let mut p = Parser::new(body, depth);
    let mut parts = Vec::new();
    let mut lit = String::new();
    while let Some(c) = p.cur() {
        match c {
            '\\' => match p.at(1) {
                Some(n @ ('$' | '`' | '\\')) => {
                    lit.push(n);
                    p.pos += 2;
                }
                Some('\n') => p.pos += 2,
                _ => {
                    lit.push('\\');
                    p.pos += 1;
                }
            },
            '$' | '`' => {
                let part = if c == '$' {
                    p.pos += 1;
                    p.lex_dollar()?
                } else {
                    p.pos += 1;
                    Some(p.lex_backtick()?)
                };
                match part {
                    Some(part) => {
                        flush_quoted(&mut lit, &mut parts);
                        parts.push(part);
                    }
                    None => lit.push('$'),
                }
            }
            _ => {
                lit.push(c);
                p.pos += 1;
            }
        }
    }
    flush_quoted(&mut lit, &mut parts);
    Ok(parts)
}

fn flush_quoted(lit: &mut String, parts: &mut Vec<WordPart>) {
    if !lit.is_empty() {
        parts.push(WordPart::Quoted(std::mem::take(lit)));
    }
}

fn flush_literal(lit: &mut String, parts: &mut Vec<WordPart>) {
    if !lit.is_empty() {
        parts.push(WordPart::Literal(std::mem::take(lit)));
    }
}

/// Puts each here-document body (read while lexing) into the command that asked for it.
fn fill_heredocs(script: &mut Script, bodies: &[String]) {
    for item in &mut script.items {
        let pipelines =
            std::iter::once(&mut item.first).chain(item.rest.iter_mut().map(|(_, p)| p));
        for pipeline in pipelines {
            for command in &mut pipeline.commands {
                match command {
                    Command::Simple(simple) => {
                        if let Some(h) = &mut simple.heredoc {
                            if let Some(body) = bodies.get(h.slot) {
                                h.body = body.clone();
                            }
                        }
                    }
                    Command::For(f) => fill_heredocs(&mut f.body, bodies),
                    Command::While(l) => {
                        fill_heredocs(&mut l.condition, bodies);
                        fill_heredocs(&mut l.body, bodies);
                    }
                }
            }
        }
    }
}

/// What ends a list of commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Term {
    /// The end of the input.
    Eof,
    /// `)` closing `$(`.
    CloseParen,
    /// The keyword `done`.
    Done,
    /// The keyword `do` (after a `while` condition).
    Do,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Word(Word),
    /// `;`, `;;`, `&`, `&&`, `|`, `||`, `|&`, `(`, `)`.
    Op(&'static str),
    Redir {
        fd: Option<u32>,
        op: RedirOp,
    },
    Heredoc(Heredoc),
    Newline,
    Eof,
}

impl Token {
    /// The text bash quotes in "unexpected token" messages.
    fn text(&self) -> String {
        match self {
            Token::Word(w) => w.source.clone(),
            Token::Op(s) => (*s).to_string(),
            Token::Redir { op, .. } => op.as_str().to_string(),
            Token::Heredoc(h) => if h.strip_tabs { "<<-" } else { "<<" }.to_string(),
            Token::Newline | Token::Eof => "newline".to_string(),
        }
    }

    fn is_keyword(&self, kw: &str) -> bool {
        matches!(self, Token::Word(w) if w.as_plain() == Some(kw))
    }
}

fn is_meta(c: char) -> bool {
    matches!(
        c,
        ' ' | '\t' | '\n' | ';' | '&' | '|' | '<' | '>' | '(' | ')'
    )
}

fn is_name_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_'
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// True when `s` is a valid shell variable name.
pub fn is_name(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if is_name_start(c)) && chars.all(is_name_char)
}

struct PendingHeredoc {
    slot: usize,
    delimiter: String,
    strip_tabs: bool,
}

impl PendingHeredoc {
    fn open(&self) -> OpenHeredoc {
        OpenHeredoc {
            delimiter: self.delimiter.clone(),
            strip_tabs: self.strip_tabs,
        }
    }
}

struct Parser {
    src: Vec<char>,
    pos: usize,
    depth: usize,
    peeked: Option<Token>,
    /// Bodies by slot, filled when the newline after `<<DELIM` is lexed.
    heredocs: Vec<String>,
    pending: Vec<PendingHeredoc>,
    heredoc_open: bool,
    /// The here-documents still reading their bodies when the input ended, in order.
    open_at_eof: Vec<OpenHeredoc>,
}

impl Parser {
    fn new(src: &str, depth: usize) -> Parser {
        let src: Vec<char> = src.chars().collect();
        CHARS_PARSED.with(|n| n.set(n.get() + src.len() as u64));
        Parser {
            src,
            pos: 0,
            depth,
            peeked: None,
            heredocs: Vec::new(),
            pending: Vec::new(),
            heredoc_open: false,
            open_at_eof: Vec::new(),
        }
    }

    fn cur(&self) -> Option<char> {
        self.src.get(self.pos).copied()
    }

    fn at(&self, ahead: usize) -> Option<char> {
        self.src.get(self.pos + ahead).copied()
    }

    fn text(&self, from: usize, to: usize) -> String {
        self.src
            .get(from..to.min(self.src.len()))
            .map(|s| s.iter().collect())
            .unwrap_or_default()
    }

    fn looking_at(&self, s: &str) -> bool {
        s.chars()
            .enumerate()
            .all(|(i, c)| self.src.get(self.pos + i) == Some(&c))
    }

    fn enter(&mut self) -> Result<(), SyntaxError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(SyntaxError::Unsupported("nesting this deep".to_string()));
        }
        Ok(())
    }

    // ----- parser -------------------------------------------------------------------

    fn peek(&mut self) -> Result<&Token, SyntaxError> {
        if self.peeked.is_none() {
            let t = self.lex()?;
            self.peeked = Some(t);
        }
        Ok(self.peeked.get_or_insert(Token::Eof))
    }

    fn next(&mut self) -> Result<Token, SyntaxError> {
        match self.peeked.take() {
            Some(t) => Ok(t),
            None => self.lex(),
        }
    }

    fn skip_newlines(&mut self) -> Result<(), SyntaxError> {
        while *self.peek()? == Token::Newline {
            self.next()?;
        }
        Ok(())
    }

    fn parse_list(&mut self, term: Term) -> Result<Script, SyntaxError> {
        let mut items = Vec::new();
        loop {
            self.skip_newlines()?;
            let tok = self.peek()?;
            match (tok, term) {
                (Token::Eof, Term::Eof) => break,
                (Token::Eof, Term::CloseParen) => return Err(SyntaxError::UnmatchedQuote(')')),
                (Token::Eof, Term::Done) => return Err(SyntaxError::UnexpectedEof),
                (Token::Op(")"), Term::CloseParen) => {
                    self.next()?;
                    break;
                }
                (Token::Eof, Term::Do) => return Err(SyntaxError::UnexpectedEof),
                (t, Term::Done) if t.is_keyword("done") => {
                    if items.is_empty() {
                        return Err(SyntaxError::UnexpectedToken("done".to_string()));
                    }
                    break;
                }
                (t, Term::Do) if t.is_keyword("do") => {
                    if items.is_empty() {
                        return Err(SyntaxError::UnexpectedToken("do".to_string()));
                    }
                    break;
                }
                _ => {}
            }
            items.push(self.parse_and_or()?);
            match self.peek()? {
                Token::Op(";") | Token::Newline => {
                    self.next()?;
                }
                Token::Op("&") => {
                    return Err(SyntaxError::Unsupported(
                        "running commands in the background with `&'".to_string(),
                    ))
                }
                Token::Eof => {}
                Token::Op(")") if term == Term::CloseParen => {}
                t if term == Term::Done && t.is_keyword("done") => {}
                t if term == Term::Do && t.is_keyword("do") => {}
                t => return Err(SyntaxError::UnexpectedToken(t.text())),
            }
        }
        Ok(Script { items })
    }

    fn parse_and_or(&mut self) -> Result<AndOrList, SyntaxError> {
        let first = self.parse_pipeline()?;
        let mut rest = Vec::new();
        loop {
            let connector = match self.peek()? {
                Token::Op("&&") => Connector::And,
                Token::Op("||") => Connector::Or,
                _ => break,
            };
            self.next()?;
            self.skip_newlines()?;
            rest.push((connector, self.parse_pipeline()?));
        }
        Ok(AndOrList { first, rest })
    }

    fn parse_pipeline(&mut self) -> Result<Pipeline, SyntaxError> {
        let mut commands = vec![self.parse_command()?];
        loop {
            match self.peek()? {
                Token::Op("|") => {}
                Token::Op("|&") => {
                    return Err(SyntaxError::Unsupported(
                        "`|&' (write `2>&1 |' instead)".to_string(),
                    ))
                }
                _ => break,
            }
            self.next()?;
            self.skip_newlines()?;
            commands.push(self.parse_command()?);
        }
        Ok(Pipeline { commands })
    }

    fn parse_command(&mut self) -> Result<Command, SyntaxError> {
        let tok = self.peek()?;
        match tok {
            Token::Eof => Err(SyntaxError::UnexpectedEof),
            Token::Op("(") => Err(SyntaxError::Unsupported("a subshell `( ... )'".to_string())),
            Token::Op(_) | Token::Newline => Err(SyntaxError::UnexpectedToken(tok.text())),
            Token::Word(w) => match w.as_plain() {
                Some("for") => self.parse_for(),
                Some(kw @ ("while" | "until")) => {
                    let until = kw == "until";
                    self.parse_while(until)
                }
                Some(kw @ ("if" | "case" | "select" | "function")) => {
                    Err(SyntaxError::Unsupported(format!("`{kw}'")))
                }
                Some(kw @ ("do" | "done" | "then" | "fi" | "else" | "elif" | "esac")) => {
                    Err(SyntaxError::UnexpectedToken(kw.to_string()))
                }
                _ => self.parse_simple().map(Command::Simple),
            },
            Token::Redir { .. } | Token::Heredoc(_) => self.parse_simple().map(Command::Simple),
        }
    }

    fn parse_simple(&mut self) -> Result<SimpleCommand, SyntaxError> {
        let mut cmd = SimpleCommand::default();
        loop {
            match self.peek()? {
                Token::Word(_) => {
                    if let Token::Word(w) = self.next()? {
                        match split_assignment(&w) {
                            Some(a) if cmd.words.is_empty() => cmd.assignments.push(a),
                            _ => cmd.words.push(w),
                        }
                    }
                }
                Token::Redir { .. } => {
                    let r = self.parse_redirect()?;
                    cmd.redirects.push(r);
                }
                Token::Heredoc(_) => {
                    if let Token::Heredoc(h) = self.next()? {
                        cmd.heredoc = Some(h);
                    }
                }
                Token::Op("(") if cmd.words.len() == 1 && cmd.redirects.is_empty() => {
                    return Err(SyntaxError::Unsupported("defining functions".to_string()))
                }
                Token::Op("(") => return Err(SyntaxError::UnexpectedToken("(".to_string())),
                _ => break,
            }
        }
        Ok(cmd)
    }

    fn parse_redirect(&mut self) -> Result<Redirect, SyntaxError> {
        let (fd, op) = match self.next()? {
            Token::Redir { fd, op } => (fd, op),
            t => return Err(SyntaxError::UnexpectedToken(t.text())),
        };
        match self.next()? {
            Token::Word(target) => Ok(Redirect { fd, op, target }),
            t => Err(SyntaxError::UnexpectedToken(t.text())),
        }
    }

    fn parse_for(&mut self) -> Result<Command, SyntaxError> {
        self.enter()?;
        self.next()?; // `for`
        let var = match self.next()? {
            Token::Word(w) => {
                if !is_name(&w.source) {
                    return Err(SyntaxError::InvalidIdentifier(w.source));
                }
                w.source
            }
            t => return Err(SyntaxError::UnexpectedToken(t.text())),
        };
        self.skip_newlines()?;
        let mut words = None;
        if self.peek()?.is_keyword("in") {
            self.next()?;
            let mut list = Vec::new();
            loop {
                match self.next()? {
                    Token::Word(w) => list.push(w),
                    Token::Op(";") | Token::Newline => break,
                    Token::Eof => return Err(SyntaxError::UnexpectedEof),
                    t => return Err(SyntaxError::UnexpectedToken(t.text())),
                }
            }
            words = Some(list);
        } else if *self.peek()? == Token::Op(";") {
            self.next()?;
        }
        self.skip_newlines()?;
        match self.next()? {
            t if t.is_keyword("do") => {}
            Token::Eof => return Err(SyntaxError::UnexpectedEof),
            t => return Err(SyntaxError::UnexpectedToken(t.text())),
        }
        let body = self.parse_list(Term::Done)?;
        self.next()?; // `done`, checked by parse_list
        let mut redirects = Vec::new();
        while matches!(self.peek()?, Token::Redir { .. }) {
            redirects.push(self.parse_redirect()?);
        }
        self.depth = self.depth.saturating_sub(1);
        Ok(Command::For(ForLoop {
            var,
            words,
            body,
            redirects,
        }))
    }

    fn parse_while(&mut self, until: bool) -> Result<Command, SyntaxError> {
        self.enter()?;
        self.next()?; // `while` / `until`
        let condition = self.parse_list(Term::Do)?;
        self.next()?; // `do`, checked by parse_list
        let body = self.parse_list(Term::Done)?;
        self.next()?; // `done`, checked by parse_list
        if matches!(self.peek()?, Token::Redir { .. }) {
            return Err(SyntaxError::Unsupported(
                "redirecting a whole loop".to_string(),
            ));
        }
        self.depth = self.depth.saturating_sub(1);
        Ok(Command::While(WhileLoop {
            until,
            condition,
            body,
        }))
    }

    // ----- lexer --------------------------------------------------------------------

    fn lex(&mut self) -> Result<Token, SyntaxError> {
        loop {
            match self.cur() {
                Some(' ' | '\t' | '\r') => self.pos += 1,
                Some('\\') if self.at(1) == Some('\n') => self.pos += 2,
                Some('#') => {
                    while !matches!(self.cur(), None | Some('\n')) {
                        self.pos += 1;
                    }
                }
                _ => break,
            }
        }
        let Some(c) = self.cur() else {
            if !self.pending.is_empty() {
                let pending = std::mem::take(&mut self.pending);
                self.open_at_eof
                    .extend(pending.iter().map(PendingHeredoc::open));
                self.heredoc_open = true;
            }
            return Ok(Token::Eof);
        };
        let two = |p: &Parser, s: &str| p.looking_at(s);
        let op = |p: &mut Parser, s: &'static str| {
            p.pos += s.len();
            Ok(Token::Op(s))
        };
        match c {
            '\n' => {
                self.pos += 1;
                self.read_heredoc_bodies();
                Ok(Token::Newline)
            }
            ';' if two(self, ";;") => op(self, ";;"),
            ';' => op(self, ";"),
            '&' if two(self, "&&") => op(self, "&&"),
            '&' if two(self, "&>>") => self.redir(3, None, RedirOp::AppendErr),
            '&' if two(self, "&>") => self.redir(2, None, RedirOp::OutErr),
            '&' => op(self, "&"),
            '|' if two(self, "||") => op(self, "||"),
            '|' if two(self, "|&") => op(self, "|&"),
            '|' => op(self, "|"),
            '(' => op(self, "("),
            ')' => op(self, ")"),
            '<' | '>' => self.lex_redirect(None),
            '0'..='9' => {
                let mut end = self.pos;
                while matches!(self.src.get(end), Some('0'..='9')) {
                    end += 1;
                }
                if matches!(self.src.get(end), Some('<' | '>')) {
                    let fd = self.text(self.pos, end).parse::<u32>().ok();
                    self.pos = end;
                    self.lex_redirect(fd.or(Some(u32::MAX)))
                } else {
                    self.lex_word().map(Token::Word)
                }
            }
            _ => self.lex_word().map(Token::Word),
        }
    }

    fn redir(&mut self, len: usize, fd: Option<u32>, op: RedirOp) -> Result<Token, SyntaxError> {
        self.pos += len;
        Ok(Token::Redir { fd, op })
    }

    /// At `<` or `>`, with any descriptor number already read.
    fn lex_redirect(&mut self, fd: Option<u32>) -> Result<Token, SyntaxError> {
        let rest = self.text(self.pos, self.pos + 3);
        if rest.starts_with("<<<") {
            return self.redir(3, fd, RedirOp::HereString);
        }
        if rest.starts_with("<<") {
            let strip_tabs = rest.starts_with("<<-");
            self.pos += if strip_tabs { 3 } else { 2 };
            return self.lex_heredoc_start(strip_tabs);
        }
        if rest.starts_with("<(") && fd.is_none() {
            return self.lex_word().map(Token::Word);
        }
        let (len, op) = if rest.starts_with(">>") {
            (2, RedirOp::Append)
        } else if rest.starts_with(">&") {
            (2, RedirOp::DupOut)
        } else if rest.starts_with(">|") {
            (2, RedirOp::Out)
        } else if rest.starts_with("<&") {
            (2, RedirOp::DupIn)
        } else if rest.starts_with('>') {
            (1, RedirOp::Out)
        } else {
            (1, RedirOp::In)
        };
        self.redir(len, fd, op)
    }

    fn lex_heredoc_start(&mut self, strip_tabs: bool) -> Result<Token, SyntaxError> {
        while matches!(self.cur(), Some(' ' | '\t')) {
            self.pos += 1;
        }
        let word = match self.cur() {
            None | Some('\n') => return Err(SyntaxError::UnexpectedToken("newline".to_string())),
            Some(c) if is_meta(c) => {
                let t = self.lex()?;
                return Err(SyntaxError::UnexpectedToken(t.text()));
            }
            Some(_) => self.lex_word()?,
        };
        let expand = !word.source.contains(['\'', '"', '\\']);
        let delimiter: String = word
            .source
            .chars()
            .filter(|c| !matches!(c, '\'' | '"' | '\\'))
            .collect();
        let slot = self.heredocs.len();
        self.heredocs.push(String::new());
        self.pending.push(PendingHeredoc {
            slot,
            delimiter: delimiter.clone(),
            strip_tabs,
        });
        Ok(Token::Heredoc(Heredoc {
            delimiter,
            body: String::new(),
            expand,
            strip_tabs,
            slot,
        }))
    }

    /// Called just after a newline: reads the bodies of all heredocs opened on that line.
    fn read_heredoc_bodies(&mut self) {
        for pending in std::mem::take(&mut self.pending) {
            let mut body = String::new();
            let mut closed = false;
            while self.pos < self.src.len() {
                let start = self.pos;
                let mut end = start;
                while end < self.src.len() && self.src[end] != '\n' {
                    end += 1;
                }
                self.pos = (end + 1).min(self.src.len()).max(end);
                let mut line = self.text(start, end);
                if pending.strip_tabs {
                    line = line.trim_start_matches('\t').to_string();
                }
                if line == pending.delimiter {
                    closed = true;
                    break;
                }
                body.push_str(&line);
                body.push('\n');
            }
            if !closed {
                self.heredoc_open = true;
                self.open_at_eof.push(pending.open());
            }
            if let Some(slot) = self.heredocs.get_mut(pending.slot) {
                *slot = body;
            }
        }
    }

    fn lex_word(&mut self) -> Result<Word, SyntaxError> {
        let start = self.pos;
        let mut parts = Vec::new();
        let mut lit = String::new();
        while let Some(c) = self.cur() {
            match c {
                '<' if self.pos == start && self.at(1) == Some('(') => {
                    self.pos += 2;
                    self.enter()?;
                    let script = self.parse_list(Term::CloseParen)?;
                    self.depth = self.depth.saturating_sub(1);
                    parts.push(WordPart::ProcessSubst(script));
                }
                c if is_meta(c) => break,
                '\'' => {
                    self.pos += 1;
                    let from = self.pos;
                    while self.cur().is_some_and(|c| c != '\'') {
                        self.pos += 1;
                    }
                    if self.cur().is_none() {
                        return Err(SyntaxError::UnmatchedQuote('\''));
                    }
                    flush_literal(&mut lit, &mut parts);
                    parts.push(WordPart::Quoted(self.text(from, self.pos)));
                    self.pos += 1;
                }
                '"' => {
                    self.pos += 1;
                    let inner = self.lex_double_quoted()?;
                    flush_literal(&mut lit, &mut parts);
                    parts.push(WordPart::DoubleQuoted(inner));
                }
                '\\' => match self.at(1) {
                    None => return Err(SyntaxError::UnexpectedEof),
                    Some('\n') => self.pos += 2,
                    Some(n) => {
                        flush_literal(&mut lit, &mut parts);
                        parts.push(WordPart::Quoted(n.to_string()));
                        self.pos += 2;
                    }
                },
                '$' => {
                    self.pos += 1;
                    match self.lex_dollar()? {
                        Some(part) => {
                            flush_literal(&mut lit, &mut parts);
                            parts.push(part);
                        }
                        None => lit.push('$'),
                    }
                }
                '`' => {
                    self.pos += 1;
                    let part = self.lex_backtick()?;
                    flush_literal(&mut lit, &mut parts);
                    parts.push(part);
                }
                '~' if self.pos == start && self.at(1).is_none_or(|n| n == '/' || is_meta(n)) => {
                    parts.push(WordPart::Tilde);
                    self.pos += 1;
                }
                _ => {
                    lit.push(c);
                    self.pos += 1;
                }
            }
        }
        flush_literal(&mut lit, &mut parts);
        Ok(Word {
            parts,
            source: self.text(start, self.pos),
        })
    }

    /// After the opening `"`; consumes the closing one.
    fn lex_double_quoted(&mut self) -> Result<Vec<WordPart>, SyntaxError> {
        let mut parts = Vec::new();
        let mut lit = String::new();
        loop {
            let Some(c) = self.cur() else {
                return Err(SyntaxError::UnmatchedQuote('"'));
            };
            match c {
                '"' => {
                    self.pos += 1;
                    break;
                }
                '\\' => match self.at(1) {
                    Some(n @ ('$' | '`' | '"' | '\\')) => {
                        lit.push(n);
                        self.pos += 2;
                    }
                    Some('\n') => self.pos += 2,
                    _ => {
                        lit.push('\\');
                        self.pos += 1;
                    }
                },
                '$' => {
                    self.pos += 1;
                    match self.lex_dollar()? {
                        Some(part) => {
                            flush_quoted(&mut lit, &mut parts);
                            parts.push(part);
                        }
                        None => lit.push('$'),
                    }
                }
                '`' => {
                    self.pos += 1;
                    let part = self.lex_backtick()?;
                    flush_quoted(&mut lit, &mut parts);
                    parts.push(part);
                }
                _ => {
                    lit.push(c);
                    self.pos += 1;
                }
            }
        }
        flush_quoted(&mut lit, &mut parts);
        Ok(parts)
    }

    /// After a `$`. `None` means the `$` is literal (`$` before a space, `"`, end...).
    fn lex_dollar(&mut self) -> Result<Option<WordPart>, SyntaxError> {
        match self.cur() {
            Some('{') => {
                self.pos += 1;
                let from = self.pos;
                while self.cur().is_some_and(|c| c != '}') {
                    self.pos += 1;
                }
                if self.cur().is_none() {
                    return Err(SyntaxError::UnmatchedQuote('}'));
                }
                let inner = self.text(from, self.pos);
                self.pos += 1;
                Ok(Some(brace_part(&inner)))
            }
            Some('(') if self.at(1) == Some('(') => {
                self.pos += 2;
                let from = self.pos;
                let mut depth = 0usize;
                loop {
                    match self.cur() {
                        None => return Err(SyntaxError::UnmatchedQuote(')')),
                        Some(')') if depth == 0 && self.at(1) == Some(')') => break,
                        Some(')') => depth = depth.saturating_sub(1),
                        Some('(') => depth += 1,
                        _ => {}
                    }
                    self.pos += 1;
                }
                let inner = self.text(from, self.pos);
                self.pos += 2;
                Ok(Some(WordPart::Arith(inner)))
            }
            Some('(') => {
                self.pos += 1;
                self.enter()?;
                let script = self.parse_list(Term::CloseParen)?;
                self.depth = self.depth.saturating_sub(1);
                Ok(Some(WordPart::CommandSubst(script)))
            }
            Some(c) if is_name_start(c) => {
                let from = self.pos;
                while self.cur().is_some_and(is_name_char) {
                    self.pos += 1;
                }
                Ok(Some(WordPart::Var(self.text(from, self.pos))))
            }
            Some(c @ ('0'..='9' | '?' | '#' | '$' | '!' | '@' | '*' | '-')) => {
                self.pos += 1;
                Ok(Some(WordPart::Var(c.to_string())))
            }
            _ => Ok(None),
        }
    }

    /// After an opening backtick; consumes the closing one.
    fn lex_backtick(&mut self) -> Result<WordPart, SyntaxError> {
        let mut inner = String::new();
        loop {
            match self.cur() {
                None => return Err(SyntaxError::UnmatchedQuote('`')),
                Some('`') => {
                    self.pos += 1;
                    break;
                }
                Some('\\') if matches!(self.at(1), Some('$' | '`' | '\\')) => {
                    if let Some(n) = self.at(1) {
                        inner.push(n);
                    }
                    self.pos += 2;
                }
                Some(c) => {
                    inner.push(c);
                    self.pos += 1;
                }
            }
        }
        self.enter()?;
        let mut nested = Parser::new(&inner, self.depth);
        let mut script = nested.parse_list(Term::Eof)?;
        fill_heredocs(&mut script, &nested.heredocs);
        self.depth = self.depth.saturating_sub(1);
        Ok(WordPart::CommandSubst(script))
    }
}

/// The inside of `${...}`.
fn brace_part(inner: &str) -> WordPart {
    if let Some(name) = inner.strip_prefix('#') {
        if is_name(name) || matches!(name, "?" | "#") {
            return WordPart::VarLength(name.to_string());
        }
    }
    if is_name(inner) || (inner.len() == 1 && "?#$!@*-0123456789".contains(inner)) {
        return WordPart::Var(inner.to_string());
    }
    if inner.chars().all(|c| c.is_ascii_digit()) && !inner.is_empty() {
        return WordPart::Var(inner.to_string());
    }
    let name_len = inner.chars().take_while(|c| is_name_char(*c)).count();
    let (name, rest) = inner.split_at(name_len);
    if is_name(name) {
        for op in [":-", ":=", ":+", ":?", "-", "=", "+", "?"] {
            if let Some(arg) = rest.strip_prefix(op) {
                return WordPart::VarOp {
                    name: name.to_string(),
                    op: op.to_string(),
                    arg: arg.to_string(),
                };
            }
        }
    }
    // Anything else is reported as "bad substitution" when expanded, as bash does.
    WordPart::VarOp {
        name: inner.to_string(),
        op: String::new(),
        arg: String::new(),
    }
}

/// `NAME=value` at the start of a simple command.
fn split_assignment(w: &Word) -> Option<Assignment> {
    let WordPart::Literal(first) = w.parts.first()? else {
        return None;
    };
    let eq = first.find('=')?;
    let name = &first[..eq];
    if !is_name(name) {
        return None;
    }
    let mut parts = Vec::new();
    let rest = &first[eq + 1..];
    if !rest.is_empty() {
        parts.push(WordPart::Literal(rest.to_string()));
    }
    parts.extend(w.parts.iter().skip(1).cloned());
    let source = w.source.get(eq + 1..).unwrap_or_default().to_string();
    Some(Assignment {
        name: name.to_string(),
        value: Word { parts, source },
    })
}
