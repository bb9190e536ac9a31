//! The shape of what the learner typed: a script of and-or lists, each a chain of
//! pipelines, each a chain of commands. The executor walks this tree; nothing here runs.

use std::fmt;

/// A whole input: one or more lines, already joined (a pasted heredoc is one script).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Script {
    /// The lists in the order they run; `a; b` and `a` NEWLINE `b` both give two items.
    pub items: Vec<AndOrList>,
}

/// `p1 && p2 || p3`: the first pipeline always runs, each later one depending on the
/// exit status of what ran before it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AndOrList {
    /// The pipeline that always runs.
    pub first: Pipeline,
    /// Each later pipeline with the connector in front of it.
    pub rest: Vec<(Connector, Pipeline)>,
}

/// How a pipeline is joined to the one before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Connector {
    /// `&&`: run only when the previous status is 0.
    And,
    /// `||`: run only when the previous status is not 0.
    Or,
}

/// `c1 | c2 | c3`: stdout of each command is stdin of the next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pipeline {
    /// At least one command.
    pub commands: Vec<Command>,
}

/// One stage of a pipeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// `NAME=value cmd args > file`.
    Simple(SimpleCommand),
    /// `for var in words; do body; done`.
    For(ForLoop),
    /// `while cond; do body; done` and `until cond; do body; done`.
    While(WhileLoop),
}

/// `while cond; do body; done` (or `until`: the body runs while `cond` fails).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WhileLoop {
    /// `until` rather than `while`.
    pub until: bool,
    /// The condition list; its last status decides.
    pub condition: Script,
    /// What runs each time round.
    pub body: Script,
}

/// A command with its words, in the order typed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SimpleCommand {
    /// `NAME=value` words before the command name (all of them when there is no name).
    pub assignments: Vec<Assignment>,
    /// The command name and its arguments, unexpanded.
    pub words: Vec<Word>,
    /// Redirections in the order typed (`2>&1 > f` and `> f 2>&1` differ).
    pub redirects: Vec<Redirect>,
    /// The here-document attached with `<<DELIM` (the last one wins, as in bash).
    pub heredoc: Option<Heredoc>,
}

/// `NAME=value`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    /// The variable name.
    pub name: String,
    /// The value, expanded without field splitting.
    pub value: Word,
}

/// `for var in words; do body; done`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForLoop {
    /// The loop variable.
    pub var: String,
    /// The words to iterate over, unexpanded; `None` for `for x; do` (the positional
    /// parameters, which the playground does not have).
    pub words: Option<Vec<Word>>,
    /// What runs for each value.
    pub body: Script,
    /// Redirections after `done`.
    pub redirects: Vec<Redirect>,
}

/// A here-document: the text between the `<<DELIM` line and the line `DELIM`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heredoc {
    /// The delimiter with quotes removed.
    pub delimiter: String,
    /// The body, each line ending in `\n`, leading tabs already stripped for `<<-`.
    pub body: String,
    /// False when any part of the delimiter was quoted (`<<'EOF'`, `<<"EOF"`, `<<\EOF`):
    /// then the body is taken literally; otherwise `$VAR`, `$(...)` and `\` apply.
    pub expand: bool,
    /// `<<-`: leading tabs were stripped from body lines and the delimiter line.
    pub strip_tabs: bool,
    /// Where to find the body while parsing; not meaningful afterwards.
    pub(crate) slot: usize,
}

/// A redirection such as `> f`, `2>&1`, `&> f`, `< f`, `<<< word`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redirect {
    /// The file descriptor written before the operator (`2>`), if any.
    pub fd: Option<u32>,
    /// The operator.
    pub op: RedirOp,
    /// The file name, descriptor number (for `>&`) or here-string word.
    pub target: Word,
}

impl Redirect {
    /// The descriptor this redirection changes: the explicit one, or 0 for input and
    /// 1 for output operators (`&>` changes both 1 and 2; this returns 1 for it).
    pub fn effective_fd(&self) -> u32 {
        match (self.fd, self.op) {
            (Some(fd), _) => fd,
            (None, RedirOp::In | RedirOp::HereString | RedirOp::DupIn) => 0,
            (None, _) => 1,
        }
    }
}

/// Redirection operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RedirOp {
    /// `>`: truncate and write.
    Out,
    /// `>>`: append.
    Append,
    /// `<`: read a file.
    In,
    /// `>&N` / `N>&M`: duplicate an output descriptor (target is the number, or `-`).
    DupOut,
    /// `<&N`: duplicate an input descriptor.
    DupIn,
    /// `&>` / `>&FILE`: stdout and stderr to a file.
    OutErr,
    /// `&>>`: stdout and stderr appended to a file.
    AppendErr,
    /// `<<<`: the expanded word plus a newline is stdin.
    HereString,
}

impl RedirOp {
    /// The operator as typed.
    pub fn as_str(self) -> &'static str {
        match self {
            RedirOp::Out => ">",
            RedirOp::Append => ">>",
            RedirOp::In => "<",
            RedirOp::DupOut => ">&",
            RedirOp::DupIn => "<&",
            RedirOp::OutErr => "&>",
            RedirOp::AppendErr => "&>>",
            RedirOp::HereString => "<<<",
        }
    }
}

/// One shell word before expansion, with the source text it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    /// The pieces, in order; adjacent pieces join into one word.
    pub parts: Vec<WordPart>,
    /// The word exactly as typed (used to echo commands).
    pub source: String,
}

/// A piece of a word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WordPart {
    /// Unquoted text, backslash escapes already removed.
    Literal(String),
    /// Text from inside `'...'` (or `\x`-escaped text: it is taken as is).
    Quoted(String),
    /// `"..."`: its pieces are `Quoted`, `Var` and `CommandSubst`, never field-split.
    DoubleQuoted(Vec<WordPart>),
    /// `$NAME`, `${NAME}`, `$?`, `$1`, ...
    Var(String),
    /// `${NAME:-default}` and friends: the name, the operator and the raw text after it.
    VarOp {
        name: String,
        op: String,
        arg: String,
    },
    /// `${#NAME}`: the length of the value.
    VarLength(String),
    /// `$((...))`: the arithmetic expression as typed.
    Arith(String),
    /// `$(...)` or `` `...` ``: the script whose stdout (minus trailing newlines) is the value.
    CommandSubst(Script),
    /// `<(...)`: the executor runs the script and hands the command a file name.
    ProcessSubst(Script),
    /// A leading unquoted `~` (followed by `/` or the end of the word): the home directory.
    Tilde,
}

impl Word {
    /// A word made of one literal piece (for tests and for building words in code).
    pub fn literal(text: &str) -> Word {
        Word {
            parts: vec![WordPart::Literal(text.to_string())],
            source: text.to_string(),
        }
    }

    /// The text when the word is plain unquoted text (no quotes, escapes or `$`): what
    /// keyword and alias recognition look at.
    pub fn as_plain(&self) -> Option<&str> {
        match self.parts.as_slice() {
            [WordPart::Literal(s)] if *s == self.source => Some(s),
            _ => None,
        }
    }
}

impl fmt::Display for Word {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)
    }
}

impl fmt::Display for Redirect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(fd) = self.fd {
            write!(f, "{fd}")?;
        }
        write!(f, "{}{}", self.op.as_str(), self.target)
    }
}

impl fmt::Display for SimpleCommand {
    /// The command as the learner typed it, normalised to single spaces; a heredoc shows
    /// as `<<DELIM` (its body is not repeated).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts: Vec<String> = Vec::new();
        for a in &self.assignments {
            parts.push(format!("{}={}", a.name, a.value));
        }
        for w in &self.words {
            parts.push(w.source.clone());
        }
        if let Some(h) = &self.heredoc {
            let dash = if h.strip_tabs { "-" } else { "" };
            if h.expand {
                parts.push(format!("<<{dash}{}", h.delimiter));
            } else {
                parts.push(format!("<<{dash}'{}'", h.delimiter));
            }
        }
        for r in &self.redirects {
            parts.push(r.to_string());
        }
        f.write_str(&parts.join(" "))
    }
}

impl SimpleCommand {
    /// Same as `to_string()`: the command as typed, for echoing.
    pub fn to_source(&self) -> String {
        self.to_string()
    }
}
