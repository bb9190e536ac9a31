//! A small POSIX regular-expression engine for `grep`: basic (BRE) and extended (ERE)
//! syntax, bracket expressions with ranges and `[:classes:]`, anchors, `\<`, `\>`, `\b`,
//! `\w`, `\s`, intervals, alternation and groups. No back-references.
//!
//! Patterns compile to a Thompson NFA that is simulated breadth-first, so matching time
//! is linear in the line for a given pattern: no input can make it backtrack forever.
//! Matches are leftmost-longest, as POSIX (and GNU grep -o) require.

/// Largest compiled program accepted (GNU: "Regular expression too big").
const MAX_PROGRAM: usize = 20_000;
/// Largest count in `{n,m}`.
const MAX_REPEAT: u32 = 255;

/// Why a pattern does not compile; `Display` gives GNU grep's text (without `grep: `).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegexError {
    /// `[abc` with no `]`.
    #[error("Unmatched [, [^, [:, [., or [=")]
    UnmatchedBracket,
    /// `(a` / `\(a`.
    #[error("Unmatched ( or \\(")]
    UnmatchedParen,
    /// `\)` without `\(` in a BRE.
    #[error("Unmatched ) or \\)")]
    UnmatchedCloseParen,
    /// `\{1` with no `\}`.
    #[error("Unmatched \\{{")]
    UnmatchedBrace,
    /// `{2,1}` or a non-number inside `\{\}`.
    #[error("Invalid content of \\{{\\}}")]
    InvalidInterval,
    /// The pattern ends in a lone backslash.
    #[error("Trailing backslash")]
    TrailingBackslash,
    /// `[z-a]`.
    #[error("Invalid range end")]
    InvalidRangeEnd,
    /// `[[:foo:]]`.
    #[error("Invalid character class name")]
    InvalidClassName,
    /// `[:space:]` written without the outer brackets.
    #[error("character class syntax is [[:space:]], not [:space:]")]
    ClassSyntax,
    /// Repetition counts too large to compile.
    #[error("Regular expression too big")]
    TooBig,
}

#[derive(Debug, Clone)]
enum Node {
    Empty,
    Char(char),
    Any,
    Class(Class),
    Assert(Assertion),
    Concat(Vec<Node>),
    Alt(Vec<Node>),
    Repeat(Box<Node>, u32, Option<u32>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Assertion {
    LineStart,
    LineEnd,
    WordBoundary,
    NotWordBoundary,
    WordStart,
    WordEnd,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Named {
    Alpha,
    Digit,
    Alnum,
    Upper,
    Lower,
    Space,
    Blank,
    Punct,
    Print,
    Graph,
    Cntrl,
    Xdigit,
    Word,
}

impl Named {
    fn from_name(name: &str) -> Option<Named> {
        Some(match name {
            "alpha" => Named::Alpha,
            "digit" => Named::Digit,
            "alnum" => Named::Alnum,
            "upper" => Named::Upper,
            "lower" => Named::Lower,
            "space" => Named::Space,
            "blank" => Named::Blank,
            "punct" => Named::Punct,
            "print" => Named::Print,
            "graph" => Named::Graph,
            "cntrl" => Named::Cntrl,
            "xdigit" => Named::Xdigit,
            _ => return None,
        })
    }

    fn matches(self, c: char) -> bool {
        match self {
            Named::Alpha => c.is_alphabetic(),
            Named::Digit => c.is_ascii_digit(),
            Named::Alnum => c.is_alphanumeric(),
            Named::Upper => c.is_uppercase(),
            Named::Lower => c.is_lowercase(),
            Named::Space => c.is_whitespace(),
            Named::Blank => c == ' ' || c == '\t',
            Named::Punct => c.is_ascii_punctuation(),
            Named::Print => !c.is_control(),
            Named::Graph => !c.is_control() && !c.is_whitespace(),
            Named::Cntrl => c.is_control(),
            Named::Xdigit => c.is_ascii_hexdigit(),
            Named::Word => is_word_char(c),
        }
    }
}

#[derive(Debug, Clone, Default)]
struct Class {
    negated: bool,
    ranges: Vec<(char, char)>,
    named: Vec<Named>,
}

impl Class {
    fn matches_exact(&self, c: char) -> bool {
        self.ranges.iter().any(|&(a, b)| a <= c && c <= b)
            || self.named.iter().any(|n| n.matches(c))
    }

    fn matches(&self, c: char, icase: bool) -> bool {
        let hit = self.matches_exact(c)
            || (icase && (self.matches_exact(lower(c)) || self.matches_exact(upper(c))));
        hit != self.negated
    }
}

fn lower(c: char) -> char {
    c.to_lowercase().next().unwrap_or(c)
}

fn upper(c: char) -> char {
    c.to_uppercase().next().unwrap_or(c)
}

/// Letters, digits and `_`: what `-w`, `\<`, `\>` and `\b` treat as part of a word.
pub fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Which syntax a pattern is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    /// `grep` / `grep -G`.
    Basic,
    /// `grep -E`.
    Extended,
    /// `grep -F`: every character is literal.
    Fixed,
}

/// A compiled pattern.
#[derive(Debug, Clone)]
pub struct Regex {
    prog: Vec<Inst>,
    classes: Vec<Class>,
    icase: bool,
    /// The text the pattern stands for when it is plain characters (`grep image`), so a
    /// substring search answers `matches_anywhere`.
    literal: Option<String>,
}

/// The characters `node` matches when it is a fixed string.
fn literal_of(node: &Node, out: &mut String) -> bool {
    match node {
        Node::Empty => true,
        Node::Char(c) => {
            out.push(*c);
            true
        }
        Node::Concat(items) => items.iter().all(|n| literal_of(n, out)),
        _ => false,
    }
}

#[derive(Debug, Clone, Copy)]
enum Inst {
    Char(char),
    Any,
    Class(usize),
    Assert(Assertion),
    Split(usize, usize),
    Jmp(usize),
    Match,
}

struct ReParser<'a> {
    chars: &'a [char],
    pos: usize,
    syntax: Syntax,
    depth: usize,
}

impl ReParser<'_> {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn peek2(&self) -> Option<char> {
        self.chars.get(self.pos + 1).copied()
    }

    fn ere(&self) -> bool {
        self.syntax == Syntax::Extended
    }

    /// At an alternation bar: `|` in ERE, `\|` in BRE.
    fn at_bar(&self) -> bool {
        if self.ere() {
            self.peek() == Some('|')
        } else {
            self.peek() == Some('\\') && self.peek2() == Some('|')
        }
    }

    /// At a group end: `)` in ERE (only inside a group), `\)` in BRE.
    fn at_close(&self) -> bool {
        if self.ere() {
            self.depth > 0 && self.peek() == Some(')')
        } else {
            self.peek() == Some('\\') && self.peek2() == Some(')')
        }
    }

    fn parse_alt(&mut self) -> Result<Node, RegexError> {
        let mut alts = vec![self.parse_concat()?];
        while self.at_bar() {
            self.pos += if self.ere() { 1 } else { 2 };
            alts.push(self.parse_concat()?);
        }
        Ok(if alts.len() == 1 {
            alts.pop().unwrap_or(Node::Empty)
        } else {
            Node::Alt(alts)
        })
    }

    fn parse_concat(&mut self) -> Result<Node, RegexError> {
        let mut items: Vec<Node> = Vec::new();
        let start = self.pos;
        while self.peek().is_some() && !self.at_bar() && !self.at_close() {
            let at_start = self.pos == start
                || (items.len() == 1 && matches!(items[0], Node::Assert(Assertion::LineStart)));
            // A leading `*` is literal in BRE; in ERE GNU ignores a leading `*`, `+`, `?`.
            if at_start {
                match self.peek() {
                    Some('*') if !self.ere() => {
                        self.pos += 1;
                        items.push(Node::Char('*'));
                        continue;
                    }
                    Some('*' | '+' | '?') if self.ere() => {
                        self.pos += 1;
                        continue;
                    }
                    _ => {}
                }
            }
            let atom = self.parse_atom(items.is_empty())?;
            let atom = self.parse_repeats(atom)?;
            items.push(atom);
        }
        Ok(match items.len() {
            0 => Node::Empty,
            1 => items.pop().unwrap_or(Node::Empty),
            _ => Node::Concat(items),
        })
    }

    fn parse_repeats(&mut self, mut atom: Node) -> Result<Node, RegexError> {
        loop {
            let (min, max, len) = match (self.peek(), self.peek2(), self.ere()) {
                (Some('*'), _, _) => (0, None, 1),
                (Some('+'), _, true) | (Some('\\'), Some('+'), false) => (1, None, 0),
                (Some('?'), _, true) | (Some('\\'), Some('?'), false) => (0, Some(1), 0),
                (Some('{'), _, true) | (Some('\\'), Some('{'), false) => {
                    match self.parse_interval()? {
                        Some((min, max)) => {
                            atom = Node::Repeat(Box::new(atom), min, max);
                            continue;
                        }
                        None => return Ok(atom),
                    }
                }
                _ => return Ok(atom),
            };
            let len = if len == 1 || self.ere() { 1 } else { 2 };
            self.pos += len;
            atom = Node::Repeat(Box::new(atom), min, max);
        }
    }

    /// At `{` (ERE) or `\{` (BRE). `None`: in ERE an invalid interval is a literal `{`.
    fn parse_interval(&mut self) -> Result<Option<(u32, Option<u32>)>, RegexError> {
        let save = self.pos;
        self.pos += if self.ere() { 1 } else { 2 };
        let mut text = String::new();
        loop {
            match self.peek() {
                None => {
                    if self.ere() {
                        self.pos = save;
                        return Ok(None);
                    }
                    return Err(RegexError::UnmatchedBrace);
                }
                Some('}') if self.ere() => {
                    self.pos += 1;
                    break;
                }
                Some('\\') if !self.ere() && self.peek2() == Some('}') => {
                    self.pos += 2;
                    break;
                }
                Some(c) => {
                    text.push(c);
                    self.pos += 1;
                }
            }
        }
        let parsed = parse_counts(&text);
        match parsed {
            Some((min, max)) if max.is_none_or(|m| m >= min) => {
                if min > MAX_REPEAT || max.is_some_and(|m| m > MAX_REPEAT) {
                    return Err(RegexError::TooBig);
                }
                Ok(Some((min, max)))
            }
            _ if self.ere() && parsed.is_none() => {
                self.pos = save;
                Ok(None)
            }
            _ => Err(RegexError::InvalidInterval),
        }
    }

    fn parse_atom(&mut self, first: bool) -> Result<Node, RegexError> {
        let Some(c) = self.peek() else {
            return Ok(Node::Empty);
        };
        self.pos += 1;
        match c {
            '.' => Ok(Node::Any),
            '[' => self.parse_bracket(),
            '^' if self.ere() || first => Ok(Node::Assert(Assertion::LineStart)),
            '$' if self.ere()
                || self.pos == self.chars.len()
                || self.at_bar()
                || self.at_close() =>
            {
                Ok(Node::Assert(Assertion::LineEnd))
            }
            '(' if self.ere() => self.parse_group(),
            '{' if self.ere() => Ok(Node::Char('{')),
            '\\' => {
                let Some(n) = self.peek() else {
                    return Err(RegexError::TrailingBackslash);
                };
                self.pos += 1;
                Ok(match n {
                    '(' if !self.ere() => return self.parse_group(),
                    ')' if !self.ere() => return Err(RegexError::UnmatchedCloseParen),
                    '{' if !self.ere() && first => Node::Char('{'),
                    '<' => Node::Assert(Assertion::WordStart),
                    '>' => Node::Assert(Assertion::WordEnd),
                    'b' => Node::Assert(Assertion::WordBoundary),
                    'B' => Node::Assert(Assertion::NotWordBoundary),
                    'w' | 'W' | 's' | 'S' => Node::Class(Class {
                        negated: n.is_uppercase(),
                        ranges: Vec::new(),
                        named: vec![if n.eq_ignore_ascii_case(&'w') {
                            Named::Word
                        } else {
                            Named::Space
                        }],
                    }),
                    other => Node::Char(other),
                })
            }
            other => Ok(Node::Char(other)),
        }
    }

    fn parse_group(&mut self) -> Result<Node, RegexError> {
        if self.depth > 64 {
            return Err(RegexError::TooBig);
        }
        self.depth += 1;
        let inner = self.parse_alt()?;
        self.depth -= 1;
        let closed = if self.ere() {
            self.peek() == Some(')')
        } else {
            self.peek() == Some('\\') && self.peek2() == Some(')')
        };
        if !closed {
            return Err(RegexError::UnmatchedParen);
        }
        self.pos += if self.ere() { 1 } else { 2 };
        Ok(inner)
    }

    /// After `[`.
    fn parse_bracket(&mut self) -> Result<Node, RegexError> {
        let open = self.pos;
        let mut class = Class::default();
        if self.peek() == Some('^') {
            class.negated = true;
            self.pos += 1;
        }
        let mut first = true;
        loop {
            let Some(c) = self.peek() else {
                return Err(RegexError::UnmatchedBracket);
            };
            if c == ']' && !first {
                self.pos += 1;
                break;
            }
            first = false;
            if c == '[' && self.peek2() == Some(':') {
                let rest: String = self.chars[self.pos + 2..].iter().collect();
                let Some(end) = rest.find(":]") else {
                    return Err(RegexError::UnmatchedBracket);
                };
                let name = &rest[..end];
                let named = Named::from_name(name).ok_or(RegexError::InvalidClassName)?;
                class.named.push(named);
                self.pos += 2 + name.chars().count() + 2;
                continue;
            }
            self.pos += 1;
            if self.peek() == Some('-') && self.peek2().is_some_and(|n| n != ']') {
                let Some(end) = self.peek2() else {
                    return Err(RegexError::UnmatchedBracket);
                };
                self.pos += 2;
                if end < c {
                    return Err(RegexError::InvalidRangeEnd);
                }
                class.ranges.push((c, end));
            } else {
                class.ranges.push((c, c));
            }
        }
        let body: String = self.chars[open..self.pos.saturating_sub(1)]
            .iter()
            .collect();
        if body.len() >= 2 && body.starts_with(':') && body.ends_with(':') {
            return Err(RegexError::ClassSyntax);
        }
        Ok(Node::Class(class))
    }
}

fn parse_counts(text: &str) -> Option<(u32, Option<u32>)> {
    let num = |s: &str| -> Option<u32> {
        if s.is_empty() || !s.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        Some(s.parse::<u32>().unwrap_or(u32::MAX))
    };
    match text.split_once(',') {
        None => num(text).map(|n| (n, Some(n))),
        Some((a, "")) => Some((if a.is_empty() { 0 } else { num(a)? }, None)),
        Some((a, b)) => Some((if a.is_empty() { 0 } else { num(a)? }, Some(num(b)?))),
    }
}

struct Compiler {
    prog: Vec<Inst>,
    classes: Vec<Class>,
}

impl Compiler {
    fn emit(&mut self, inst: Inst) -> Result<usize, RegexError> {
        if self.prog.len() >= MAX_PROGRAM {
            return Err(RegexError::TooBig);
        }
        self.prog.push(inst);
        Ok(self.prog.len() - 1)
    }

    fn patch(&mut self, at: usize, inst: Inst) {
        if let Some(slot) = self.prog.get_mut(at) {
            *slot = inst;
        }
    }

    fn compile(&mut self, node: &Node) -> Result<(), RegexError> {
        match node {
            Node::Empty => {}
            Node::Char(c) => {
                self.emit(Inst::Char(*c))?;
            }
            Node::Any => {
                self.emit(Inst::Any)?;
            }
            Node::Class(class) => {
                self.classes.push(class.clone());
                self.emit(Inst::Class(self.classes.len() - 1))?;
            }
            Node::Assert(a) => {
                self.emit(Inst::Assert(*a))?;
            }
            Node::Concat(items) => {
                for item in items {
                    self.compile(item)?;
                }
            }
            Node::Alt(alts) => {
                let mut jumps = Vec::new();
                for (i, alt) in alts.iter().enumerate() {
                    if i + 1 < alts.len() {
                        let split = self.emit(Inst::Split(0, 0))?;
                        self.compile(alt)?;
                        jumps.push(self.emit(Inst::Jmp(0))?);
                        let next = self.prog.len();
                        self.patch(split, Inst::Split(split + 1, next));
                    } else {
                        self.compile(alt)?;
                    }
                }
                let end = self.prog.len();
                for j in jumps {
                    self.patch(j, Inst::Jmp(end));
                }
            }
            Node::Repeat(inner, min, max) => {
                for _ in 0..*min {
                    self.compile(inner)?;
                }
                match max {
                    None => {
                        let split = self.emit(Inst::Split(0, 0))?;
                        self.compile(inner)?;
                        self.emit(Inst::Jmp(split))?;
                        let end = self.prog.len();
                        self.patch(split, Inst::Split(split + 1, end));
                    }
                    Some(max) => {
                        let mut splits = Vec::new();
                        for _ in *min..*max {
                            splits.push(self.emit(Inst::Split(0, 0))?);
                            self.compile(inner)?;
                        }
                        let end = self.prog.len();
                        for s in splits {
                            self.patch(s, Inst::Split(s + 1, end));
                        }
                    }
                }
            }
        }
        Ok(())
    }
}

impl Regex {
    /// Compiles `pattern`; `icase` is `grep -i`.
    pub fn new(pattern: &str, syntax: Syntax, icase: bool) -> Result<Regex, RegexError> {
        let chars: Vec<char> = pattern.chars().collect();
        let node = if syntax == Syntax::Fixed {
            Node::Concat(chars.iter().map(|c| Node::Char(*c)).collect())
        } else {
            let mut p = ReParser {
                chars: &chars,
                pos: 0,
                syntax,
                depth: 0,
            };
            let node = p.parse_alt()?;
            if p.pos < chars.len() {
                // Only a BRE `\)` without `\(` stops the parser early.
                return Err(RegexError::UnmatchedCloseParen);
            }
            node
        };
        let mut c = Compiler {
            prog: Vec::new(),
            classes: Vec::new(),
        };
        c.compile(&node)?;
        c.emit(Inst::Match)?;
        let mut text = String::new();
        let literal = (!icase && literal_of(&node, &mut text)).then_some(text);
        Ok(Regex {
            prog: c.prog,
            classes: c.classes,
            icase,
            literal,
        })
    }

    /// True when the pattern matches anywhere in `line`.
    pub fn is_match(&self, line: &str) -> bool {
        self.matches_anywhere(line)
    }

    /// True when some substring of `line` matches: `find_at(line, 0, any).is_some()`,
    /// found in one pass (a substring search for a fixed string, else one NFA
    /// simulation that starts a thread at every position).
    pub fn matches_anywhere(&self, line: &str) -> bool {
        if let Some(text) = &self.literal {
            return line.contains(text.as_str());
        }
        let chars: Vec<char> = line.chars().collect();
        let mut clist: Vec<usize> = Vec::new();
        let mut nlist: Vec<usize> = Vec::new();
        let mut mark = vec![usize::MAX; self.prog.len()];
        let mut stack = Vec::new();
        for pos in 0..=chars.len() {
            self.add(&mut clist, &mut mark, &mut stack, 0, &chars, pos, pos);
            if clist
                .iter()
                .any(|&pc| matches!(self.prog.get(pc), Some(Inst::Match)))
            {
                return true;
            }
            let Some(&c) = chars.get(pos) else { break };
            nlist.clear();
            for &pc in &clist {
                if self.consumes(pc, c) {
                    self.add(
                        &mut nlist,
                        &mut mark,
                        &mut stack,
                        pc + 1,
                        &chars,
                        pos + 1,
                        pos + 1,
                    );
                }
            }
            std::mem::swap(&mut clist, &mut nlist);
        }
        false
    }

    /// Whether the instruction at `pc` accepts `c`.
    fn consumes(&self, pc: usize, c: char) -> bool {
        match self.prog.get(pc) {
            Some(Inst::Char(want)) => *want == c || (self.icase && lower(*want) == lower(c)),
            Some(Inst::Any) => true,
            Some(Inst::Class(i)) => self
                .classes
                .get(*i)
                .is_some_and(|cl| cl.matches(c, self.icase)),
            _ => false,
        }
    }

    /// The leftmost match at or after `from` whose (start, end) satisfies `accept`,
    /// longest first, as char indices.
    pub fn find_at(
        &self,
        chars: &[char],
        from: usize,
        accept: &dyn Fn(usize, usize) -> bool,
    ) -> Option<(usize, usize)> {
        (from..=chars.len()).find_map(|start| {
            let ends = self.ends_from(chars, start);
            ends.into_iter()
                .rev()
                .find(|&e| accept(start, e))
                .map(|e| (start, e))
        })
    }

    /// Every position where a match starting at `start` can end, ascending.
    fn ends_from(&self, chars: &[char], start: usize) -> Vec<usize> {
        let n = self.prog.len();
        let mut ends = Vec::new();
        let mut clist: Vec<usize> = Vec::new();
        let mut nlist: Vec<usize> = Vec::new();
        let mut mark = vec![usize::MAX; n];
        let mut stack = Vec::new();
        self.add(&mut clist, &mut mark, &mut stack, 0, chars, start, start);
        let mut pos = start;
        loop {
            if clist
                .iter()
                .any(|&pc| matches!(self.prog.get(pc), Some(Inst::Match)))
            {
                ends.push(pos);
            }
            let Some(&c) = chars.get(pos) else { break };
            nlist.clear();
            let gen = pos + 1;
            for &pc in &clist {
                let ok = self.consumes(pc, c);
                if ok {
                    self.add(
                        &mut nlist,
                        &mut mark,
                        &mut stack,
                        pc + 1,
                        chars,
                        pos + 1,
                        gen,
                    );
                }
            }
            std::mem::swap(&mut clist, &mut nlist);
            pos += 1;
            if clist.is_empty() {
                break;
            }
        }
        ends
    }

    /// Adds `pc` and everything reachable from it without consuming input.
    #[allow(clippy::too_many_arguments)]
    fn add(
        &self,
        list: &mut Vec<usize>,
        mark: &mut [usize],
        stack: &mut Vec<usize>,
        pc: usize,
        chars: &[char],
        pos: usize,
        gen: usize,
    ) {
        stack.push(pc);
        while let Some(pc) = stack.pop() {
            match mark.get(pc) {
                Some(&g) if g != gen => {}
                _ => continue,
            }
            mark[pc] = gen;
            match self.prog.get(pc) {
                Some(Inst::Jmp(to)) => stack.push(*to),
                Some(Inst::Split(a, b)) => {
                    stack.push(*b);
                    stack.push(*a);
                }
                Some(Inst::Assert(a)) if assertion_holds(*a, chars, pos) => stack.push(pc + 1),
                Some(Inst::Assert(_)) => {}
                Some(_) => list.push(pc),
                None => {}
            }
        }
    }
}

fn assertion_holds(a: Assertion, chars: &[char], pos: usize) -> bool {
    let before = pos
        .checked_sub(1)
        .and_then(|i| chars.get(i))
        .is_some_and(|c| is_word_char(*c));
    let after = chars.get(pos).is_some_and(|c| is_word_char(*c));
    match a {
        Assertion::LineStart => pos == 0,
        Assertion::LineEnd => pos == chars.len(),
        Assertion::WordBoundary => before != after,
        Assertion::NotWordBoundary => before == after,
        Assertion::WordStart => !before && after,
        Assertion::WordEnd => before && !after,
    }
}
