//! `sed`, as tutorials pipe `kubectl` output and manifests through it: `s///` with its
//! flags, `p`, `d`, `q`, `=`, `y`, one-line `a`, `i` and `c`, line, `$` and `/regex/`
//! addresses, ranges and `!`, with `-n`, `-e`, `-E`/`-r`, `-s` and `-i[SUFFIX]`. Output
//! and messages are GNU sed 4.9's (checked against it). Back-references (`\1` in a
//! replacement: the regex engine has no groups), the hold space, branches, blocks and
//! file commands are not run; they are refused with a message that says so.

use super::options::{getopt, has, Spec};
use super::FilterResult;
use crate::shell::regex::{Regex, Syntax};
use crate::shell::vfs::Vfs;

const SED: Spec = Spec {
    cmd: "sed",
    with_value: "el",
    flags: "nErsuz",
    long: &[
        ("quiet", 'n', false),
        ("silent", 'n', false),
        ("expression", 'e', true),
        ("regexp-extended", 'E', false),
        ("separate", 's', false),
        ("unbuffered", 'u', false),
        ("line-length", 'l', true),
        ("posix", '\u{1}', false),
        ("debug", '\u{1}', false),
        ("sandbox", '\u{1}', false),
        ("follow-symlinks", '\u{1}', false),
    ],
    usage: None,
    bad_status: 1,
};

const BUG_REPORTS: &str = "E-mail bug reports to: <bug-sed@gnu.org>.\n";

/// `sed --version`: Debian's GNU sed 4.9, what a kind node's shell has.
const VERSION: &str = r#"sed (GNU sed) 4.9
Packaged by Debian
Copyright (C) 2022 Free Software Foundation, Inc.
License GPLv3+: GNU GPL version 3 or later <https://gnu.org/licenses/gpl.html>.
This is free software: you are free to change and redistribute it.
There is NO WARRANTY, to the extent permitted by law.

Written by Jay Fenlason, Tom Lord, Ken Pizzini,
Paolo Bonzini, Jim Meyering, and Assaf Gordon.

This sed program was built with SELinux support.
SELinux is disabled on this system.

GNU sed home page: <https://www.gnu.org/software/sed/>.
General help using GNU software: <https://www.gnu.org/gethelp/>.
E-mail bug reports to: <bug-sed@gnu.org>.
"#;

/// What follows a bad option or a missing script on stderr (GNU sed 4.9); `sed --help`
/// adds [`BUG_REPORTS`].
const USAGE: &str = r#"Usage: sed [OPTION]... {script-only-if-no-other-script} [input-file]...

  -n, --quiet, --silent
                 suppress automatic printing of pattern space
      --debug
                 annotate program execution
  -e script, --expression=script
                 add the script to the commands to be executed
  -f script-file, --file=script-file
                 add the contents of script-file to the commands to be executed
  --follow-symlinks
                 follow symlinks when processing in place
  -i[SUFFIX], --in-place[=SUFFIX]
                 edit files in place (makes backup if SUFFIX supplied)
  -l N, --line-length=N
                 specify the desired line-wrap length for the `l' command
  --posix
                 disable all GNU extensions.
  -E, -r, --regexp-extended
                 use extended regular expressions in the script
                 (for portability use POSIX -E).
  -s, --separate
                 consider files as separate rather than as a single,
                 continuous long stream.
      --sandbox
                 operate in sandbox mode (disable e/r/w commands).
  -u, --unbuffered
                 load minimal amounts of data from the input files and flush
                 the output buffers more often
  -z, --null-data
                 separate lines by NUL characters
      --help     display this help and exit
      --version  output version information and exit

If no -e, --expression, -f, or --file option is given, then the first
non-option argument is taken as the sed script to interpret.  All
remaining arguments are names of input files; if no input files are
specified, then the standard input is read.

GNU sed home page: <https://www.gnu.org/software/sed/>.
General help using GNU software: <https://www.gnu.org/gethelp/>.
"#;

/// A line address.
enum Addr {
    Line(usize),
    Last,
    Match(Regex),
}

enum Piece {
    Text(String),
    Whole,
}

enum Kind {
    Substitute {
        re: Regex,
        replacement: Vec<Piece>,
        global: bool,
        nth: usize,
        print: bool,
    },
    Print,
    Delete,
    /// `q` (the line is printed first) or `Q`, with an exit status.
    Quit(i32, bool),
    LineNumber,
    Translate(Vec<(char, char)>),
    Append(String),
    Insert(String),
    Change(String),
}

struct Command {
    from: Option<Addr>,
    to: Option<Addr>,
    negate: bool,
    kind: Kind,
    /// A range that has started (and the line it started on).
    open: Option<usize>,
}

/// A script error: where (the expression's number and the char) and what.
struct ScriptError {
    at: usize,
    what: String,
}

fn error(at: usize, what: impl Into<String>) -> ScriptError {
    ScriptError {
        at,
        what: what.into(),
    }
}

/// Reads one expression's commands.
struct Parser<'a> {
    chars: &'a [char],
    pos: usize,
    syntax: Syntax,
}

impl Parser<'_> {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn next(&mut self) -> Option<char> {
        let c = self.peek();
        self.pos += usize::from(c.is_some());
        c
    }

    fn skip_blanks(&mut self) {
        while matches!(self.peek(), Some(' ' | '\t')) {
            self.pos += 1;
        }
    }

    /// Text up to an unescaped `delim`, with `\delim` read as the delimiter (and `\n` as
    /// a newline when `newline`); `None` when the expression ends first.
    fn delimited(&mut self, delim: char, newline: bool) -> Option<String> {
        let mut out = String::new();
        loop {
            match self.next()? {
                c if c == delim => return Some(out),
                '\\' => match self.next()? {
                    c if c == delim => out.push(c),
                    'n' if newline => out.push('\n'),
                    c => {
                        out.push('\\');
                        out.push(c);
                    }
                },
                '\n' => return None,
                c => out.push(c),
            }
        }
    }

    fn regex(&self, pattern: &str, icase: bool) -> Result<Regex, ScriptError> {
        Regex::new(pattern, self.syntax, icase).map_err(|e| error(self.pos, e.to_string()))
    }

    fn address(&mut self) -> Result<Option<Addr>, ScriptError> {
        match self.peek() {
            Some(c) if c.is_ascii_digit() => {
                let mut n = 0usize;
                while let Some(d) = self.peek().and_then(|c| c.to_digit(10)) {
                    n = n.saturating_mul(10).saturating_add(d as usize);
                    self.pos += 1;
                }
                if n == 0 {
                    return Err(error(self.pos + 1, "invalid usage of line address 0"));
                }
                Ok(Some(Addr::Line(n)))
            }
            Some('$') => {
                self.pos += 1;
                Ok(Some(Addr::Last))
            }
            Some(c @ ('/' | '\\')) => {
                self.pos += 1;
                let delim = if c == '\\' {
                    self.next()
                        .ok_or_else(|| error(self.pos, "unexpected `,'"))?
                } else {
                    '/'
                };
                let pattern = self
                    .delimited(delim, true)
                    .ok_or_else(|| error(self.pos, "unterminated address regex"))?;
                let icase = self.peek() == Some('I');
                self.pos += usize::from(icase);
                Ok(Some(Addr::Match(self.regex(&pattern, icase)?)))
            }
            _ => Ok(None),
        }
    }

    /// The text of `a`, `i` or `c`: GNU's one-line form (`a text`) or `a\` and the text
    /// on the next line.
    fn text(&mut self) -> String {
        self.skip_blanks();
        if self.peek() == Some('\\') {
            self.pos += 1;
            if self.peek() == Some('\n') {
                self.pos += 1;
            }
        }
        let mut out = String::new();
        while let Some(c) = self.next() {
            match c {
                '\n' => break,
                '\\' => out.extend(self.next()),
                c => out.push(c),
            }
        }
        out
    }

    fn substitute(&mut self) -> Result<Kind, ScriptError> {
        let delim = match self.next() {
            Some(c) if c != '\n' && c != '\\' => c,
            _ => return Err(error(self.pos, "unterminated `s' command")),
        };
        let pattern = self
            .delimited(delim, true)
            .ok_or_else(|| error(self.pos, "unterminated `s' command"))?;
        let raw = self
            .delimited(delim, false)
            .ok_or_else(|| error(self.pos, "unterminated `s' command"))?;
        let (mut global, mut nth, mut print, mut icase) = (false, 0usize, false, false);
        loop {
            match self.peek() {
                Some('g') if global => {
                    self.pos += 1;
                    return Err(error(self.pos, "multiple `g' options to `s' command"));
                }
                Some('g') => global = true,
                Some('p') if print => {
                    self.pos += 1;
                    return Err(error(self.pos, "multiple `p' options to `s' command"));
                }
                Some('p') => print = true,
                Some('i' | 'I') => icase = true,
                Some(c) if c.is_ascii_digit() => {
                    if nth > 0 {
                        self.pos += 1;
                        return Err(error(self.pos, "multiple number options to `s' command"));
                    }
                    while let Some(d) = self.peek().and_then(|c| c.to_digit(10)) {
                        nth = nth.saturating_mul(10).saturating_add(d as usize);
                        self.pos += 1;
                    }
                    if nth == 0 {
                        return Err(error(
                            self.pos,
                            "number option to `s' command may not be zero",
                        ));
                    }
                    continue;
                }
                None | Some(';' | '\n' | ' ' | '\t' | '}' | '#') => break,
                Some(_) => {
                    self.pos += 1;
                    return Err(error(self.pos, "unknown option to `s'"));
                }
            }
            self.pos += 1;
        }
        let replacement = self.replacement(&raw, groups(&pattern, self.syntax))?;
        Ok(Kind::Substitute {
            re: self.regex(&pattern, icase)?,
            replacement,
            global,
            nth: nth.max(1),
            print,
        })
    }

    /// `&` is the match, `\&` an ampersand, `\n` a newline; `\1`…`\9` are refused.
    fn replacement(&self, raw: &str, groups: usize) -> Result<Vec<Piece>, ScriptError> {
        let mut pieces = Vec::new();
        let mut text = String::new();
        let mut chars = raw.chars();
        while let Some(c) = chars.next() {
            match c {
                '&' => {
                    pieces.push(Piece::Text(std::mem::take(&mut text)));
                    pieces.push(Piece::Whole);
                }
                '\\' => match chars.next() {
                    Some(d @ '1'..='9') if d as usize - '0' as usize > groups => {
                        return Err(error(
                            self.pos,
                            format!("invalid reference \\{d} on `s' command's RHS"),
                        ))
                    }
                    Some(d @ '1'..='9') => {
                        return Err(error(
                            self.pos,
                            format!(
                            "kubeplay's sed does not run back-references (\\{d}) in a replacement"
                        ),
                        ))
                    }
                    Some('n') => text.push('\n'),
                    Some('t') => text.push('\t'),
                    Some(c) => text.push(c),
                    None => {}
                },
                c => text.push(c),
            }
        }
        pieces.push(Piece::Text(text));
        Ok(pieces)
    }

    fn translate(&mut self) -> Result<Kind, ScriptError> {
        let delim = self
            .next()
            .ok_or_else(|| error(self.pos, "unterminated `y' command"))?;
        let from = self
            .delimited(delim, true)
            .ok_or_else(|| error(self.pos, "unterminated `y' command"))?;
        let to = self
            .delimited(delim, true)
            .ok_or_else(|| error(self.pos, "unterminated `y' command"))?;
        let unescape = |s: &str| s.replace("\\\\", "\\").chars().collect::<Vec<char>>();
        let (from, to) = (unescape(&from), unescape(&to));
        if from.len() != to.len() {
            return Err(error(
                self.pos,
                "strings for `y' command are different lengths",
            ));
        }
        Ok(Kind::Translate(from.into_iter().zip(to).collect()))
    }

    fn commands(&mut self) -> Result<Vec<Command>, ScriptError> {
        let mut out = Vec::new();
        loop {
            while matches!(self.peek(), Some(' ' | '\t' | '\n' | ';')) {
                self.pos += 1;
            }
            if self.peek().is_none() {
                return Ok(out);
            }
            if self.peek() == Some('#') {
                while !matches!(self.next(), None | Some('\n')) {}
                continue;
            }
            let from = self.address()?;
            let mut to = None;
            if from.is_some() && self.peek() == Some(',') {
                self.pos += 1;
                to = Some(
                    self.address()?
                        .ok_or_else(|| error(self.pos, "unexpected `,'"))?,
                );
            }
            self.skip_blanks();
            let negate = self.peek() == Some('!');
            if negate {
                self.pos += 1;
                self.skip_blanks();
            }
            let kind = match self.next() {
                None => return Err(error(self.pos, "missing command")),
                Some('s') => self.substitute()?,
                Some('y') => self.translate()?,
                Some('p') => Kind::Print,
                Some('d') => Kind::Delete,
                Some('=') => Kind::LineNumber,
                Some(c @ ('q' | 'Q')) => {
                    self.skip_blanks();
                    let mut code = 0i32;
                    while let Some(d) = self.peek().and_then(|c| c.to_digit(10)) {
                        code = code.saturating_mul(10).saturating_add(d as i32);
                        self.pos += 1;
                    }
                    Kind::Quit(code, c == 'q')
                }
                Some('a') => Kind::Append(self.text()),
                Some('i') => Kind::Insert(self.text()),
                Some('c') => Kind::Change(self.text()),
                Some('}') => return Err(error(self.pos, "unexpected `}'")),
                // GNU's other commands: the hold space, labels and branches, reading and
                // writing files, blocks.
                Some(
                    c @ ('{' | 'x' | 'h' | 'H' | 'g' | 'G' | 'n' | 'N' | 'D' | 'P' | 'b' | 't'
                    | 'T' | ':' | 'l' | 'r' | 'R' | 'w' | 'W' | 'e' | 'F' | 'z' | 'v'),
                ) => {
                    return Err(error(
                        self.pos,
                        format!("kubeplay's sed does not run the `{c}' command"),
                    ))
                }
                Some(c) => return Err(error(self.pos, format!("unknown command: `{c}'"))),
            };
            self.skip_blanks();
            match self.peek() {
                None | Some(';' | '\n' | '}' | '#') => {}
                Some(_) if matches!(kind, Kind::Append(_) | Kind::Insert(_) | Kind::Change(_)) => {}
                Some(_) => {
                    self.pos += 1;
                    return Err(error(self.pos, "extra characters after command"));
                }
            }
            out.push(Command {
                from,
                to,
                negate,
                kind,
                open: None,
            });
        }
    }
}

impl Command {
    /// Whether the command applies to line `n` (`last`: it is the input's last line).
    fn selects(&mut self, line: &str, n: usize, last: bool) -> bool {
        let hit = |a: &Addr| match a {
            Addr::Line(l) => *l == n,
            Addr::Last => last,
            Addr::Match(re) => re.is_match(line),
        };
        let yes = match (&self.from, &self.to) {
            (None, _) => true,
            (Some(a), None) => hit(a),
            (Some(a), Some(b)) => match self.open {
                Some(_) => {
                    // The range ends on a line that matches its end, or at once when its
                    // end is a line number already passed.
                    if match b {
                        Addr::Line(l) => n >= *l,
                        _ => hit(b),
                    } {
                        self.open = None;
                    }
                    true
                }
                None if hit(a) => {
                    let ends_here = matches!(b, Addr::Line(l) if *l <= n);
                    if !ends_here {
                        self.open = Some(n);
                    }
                    true
                }
                None => false,
            },
        };
        yes != self.negate
    }
}

/// How many groups `pattern` opens: `\(` in a basic regex, `(` in an extended one
/// (outside brackets, unescaped).
fn groups(pattern: &str, syntax: Syntax) -> usize {
    let (mut count, mut escaped, mut bracket) = (0, false, false);
    for c in pattern.chars() {
        match (escaped, c) {
            (true, '(') if syntax == Syntax::Basic && !bracket => count += 1,
            (false, '(') if syntax == Syntax::Extended && !bracket => count += 1,
            (false, '[') => bracket = true,
            (false, ']') => bracket = false,
            _ => {}
        }
        escaped = !escaped && c == '\\';
    }
    count
}

/// `s` on one line: the line when nothing matched.
fn substitute(
    line: &str,
    re: &Regex,
    replacement: &[Piece],
    global: bool,
    nth: usize,
) -> Option<String> {
    let chars: Vec<char> = line.chars().collect();
    let (mut out, mut pos, mut count, mut done) = (String::new(), 0, 0, false);
    let mut prev_end = None;
    while pos <= chars.len() {
        // An empty match right after the previous match is not one (GNU: `s/x*/-/g` on
        // `abc` gives `-a-b-c-`).
        let Some((s, e)) = re.find_at(&chars, pos, &|s, e| !(s == e && Some(s) == prev_end)) else {
            break;
        };
        count += 1;
        out.extend(&chars[pos..s]);
        if count >= nth {
            for piece in replacement {
                match piece {
                    Piece::Text(t) => out.push_str(t),
                    Piece::Whole => out.extend(&chars[s..e]),
                }
            }
            done = true;
        } else {
            out.extend(&chars[s..e]);
        }
        prev_end = Some(e);
        pos = if e == s {
            out.extend(chars.get(s));
            s + 1
        } else {
            e
        };
        if done && !global {
            break;
        }
    }
    if !done {
        return None;
    }
    out.extend(chars.get(pos..).unwrap_or_default());
    Some(out)
}

/// What running the script on one stream gave: its output, and a `q`'s exit status.
struct Run {
    out: String,
    quit: Option<i32>,
}

/// Runs `commands` over `text` (lines numbered from `first`; `last_stream`: the text
/// ends the input, so its last line is `$`).
fn run(
    commands: &mut [Command],
    text: &str,
    quiet: bool,
    line_no: &mut usize,
    last_stream: bool,
) -> Run {
    let mut out = String::new();
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    for (i, raw) in lines.iter().enumerate() {
        *line_no += 1;
        let ended = raw.ends_with('\n');
        let mut space = raw.strip_suffix('\n').unwrap_or(raw).to_string();
        let last = last_stream && i + 1 == lines.len();
        let (mut deleted, mut quit, mut appended) = (false, None, String::new());
        let eol = |ended: bool| if ended { "\n" } else { "" };
        for c in commands.iter_mut() {
            if !c.selects(&space, *line_no, last) {
                continue;
            }
            match &c.kind {
                Kind::Substitute {
                    re,
                    replacement,
                    global,
                    nth,
                    print,
                } => {
                    if let Some(s) = substitute(&space, re, replacement, *global, *nth) {
                        space = s;
                        if *print {
                            out.push_str(&space);
                            out.push('\n');
                        }
                    }
                }
                Kind::Print => {
                    out.push_str(&space);
                    out.push('\n');
                }
                Kind::Delete => {
                    deleted = true;
                    break;
                }
                Kind::LineNumber => out.push_str(&format!("{line_no}\n")),
                Kind::Translate(pairs) => {
                    space = space
                        .chars()
                        .map(|ch| pairs.iter().find(|(f, _)| *f == ch).map_or(ch, |(_, t)| *t))
                        .collect();
                }
                Kind::Append(t) => {
                    appended.push_str(t);
                    appended.push('\n');
                }
                Kind::Insert(t) => {
                    out.push_str(t);
                    out.push('\n');
                }
                Kind::Change(t) => {
                    // A range is changed once, at its end.
                    if c.open.is_none() || c.negate {
                        out.push_str(t);
                        out.push('\n');
                    }
                    deleted = true;
                    break;
                }
                Kind::Quit(code, print) => {
                    quit = Some(*code);
                    deleted = !print;
                    break;
                }
            }
        }
        if !deleted && !quiet {
            out.push_str(&space);
            out.push_str(eol(ended || !appended.is_empty()));
        }
        out.push_str(&appended);
        if quit.is_some() {
            return Run { out, quit };
        }
    }
    Run { out, quit: None }
}

/// `-i[SUFFIX]` and `--in-place[=SUFFIX]` take their value attached, which the shared
/// option reader does not know: taken out first, from a cluster too (`-ni`; `-in` is
/// `-i` with the suffix `n`, as in GNU sed).
fn in_place(args: &[String]) -> (Option<String>, Vec<String>) {
    let mut suffix = None;
    let mut rest = Vec::new();
    let mut value_next = false;
    for (i, a) in args.iter().enumerate() {
        if std::mem::take(&mut value_next) || !a.starts_with('-') || a == "-" {
            rest.push(a.clone());
            continue;
        }
        if a == "--" {
            rest.extend(args[i..].iter().cloned());
            break;
        }
        if let Some(long) = a.strip_prefix("--") {
            match long.strip_prefix("in-place") {
                Some(s) if s.is_empty() || s.starts_with('=') => {
                    suffix = Some(s.trim_start_matches('=').to_string())
                }
                _ => {
                    value_next = ["expression", "line-length"].contains(&long);
                    rest.push(a.clone());
                }
            }
            continue;
        }
        // A short cluster: flags up to an option that takes the rest as its value.
        let cluster = &a[1..];
        match cluster.find(['i', 'e', 'l']) {
            Some(at) if cluster[at..].starts_with('i') => {
                suffix = Some(cluster[at + 1..].to_string());
                if at > 0 {
                    rest.push(format!("-{}", &cluster[..at]));
                }
            }
            Some(at) => {
                value_next = at + 1 == cluster.len();
                rest.push(a.clone());
            }
            None => rest.push(a.clone()),
        }
    }
    (suffix, rest)
}

pub(super) fn sed(args: &[String], stdin: &str, fs: &mut Vfs) -> FilterResult {
    if args.iter().any(|a| a == "--help") {
        return FilterResult::out(format!("{USAGE}{BUG_REPORTS}"));
    }
    if args.iter().any(|a| a == "--version") {
        return FilterResult::out(VERSION.to_string());
    }
    let (suffix, args) = in_place(args);
    // GNU sed follows a bad option's message with its whole usage.
    let (opts, mut operands) = match getopt(&SED, &args) {
        Ok(o) => o,
        Err(e) => {
            let first = e.stderr.lines().next().unwrap_or_default();
            return FilterResult::err(format!("{first}\n{USAGE}"), 1);
        }
    };
    let syntax = if has(&opts, 'E') || has(&opts, 'r') {
        Syntax::Extended
    } else {
        Syntax::Basic
    };
    let mut scripts: Vec<String> = opts
        .iter()
        .filter(|(c, _)| *c == 'e')
        .map(|(_, v)| v.clone())
        .collect();
    if scripts.is_empty() {
        if operands.is_empty() {
            return FilterResult::err(USAGE.to_string(), 1);
        }
        scripts.push(operands.remove(0));
    }
    let mut commands = Vec::new();
    for (n, script) in scripts.iter().enumerate() {
        let chars: Vec<char> = script.chars().collect();
        let mut parser = Parser {
            chars: &chars,
            pos: 0,
            syntax,
        };
        match parser.commands() {
            Ok(c) => commands.extend(c),
            Err(e) => {
                return FilterResult::err(
                    format!("sed: -e expression #{}, char {}: {}\n", n + 1, e.at, e.what),
                    1,
                )
            }
        }
    }
    let quiet = has(&opts, 'n');
    if let Some(suffix) = suffix {
        if operands.is_empty() {
            return FilterResult::err("sed: no input files\n".into(), 1);
        }
        return edit_in_place(&mut commands, &operands, &suffix, quiet, fs);
    }
    let mut result = FilterResult::default();
    let separate = has(&opts, 's');
    let names = if operands.is_empty() {
        vec!["-".to_string()]
    } else {
        operands
    };
    let mut line_no = 0;
    for (i, name) in names.iter().enumerate() {
        let Some(text) = read(name, stdin, fs, &mut result) else {
            continue;
        };
        if separate {
            line_no = 0;
        }
        let last = separate || i + 1 == names.len();
        let run = run(&mut commands, &text, quiet, &mut line_no, last);
        result.stdout.push_str(&run.out);
        if let Some(code) = run.quit {
            result.status = code;
            break;
        }
    }
    result
}

/// Input `name` (`-`: stdin), or GNU's message and status 2 in `result`.
fn read(name: &str, stdin: &str, fs: &Vfs, result: &mut FilterResult) -> Option<String> {
    if name == "-" {
        return Some(stdin.to_string());
    }
    match fs.read(name) {
        Ok(t) => Some(t.to_string()),
        Err(e) => {
            result
                .stderr
                .push_str(&format!("sed: can't read {name}: {e}\n"));
            result.status = 2;
            None
        }
    }
}

fn edit_in_place(
    commands: &mut [Command],
    files: &[String],
    suffix: &str,
    quiet: bool,
    fs: &mut Vfs,
) -> FilterResult {
    let mut result = FilterResult::default();
    for name in files {
        let Some(text) = read(name, "", fs, &mut result) else {
            continue;
        };
        let mut line_no = 0;
        let run = run(commands, &text, quiet, &mut line_no, true);
        let backup = (!suffix.is_empty()).then(|| backup_name(name, suffix));
        let written = backup
            .map_or(Ok(()), |b| fs.write(&b, &text, false))
            .and_then(|_| fs.write(name, &run.out, false));
        if let Err(e) = written {
            result
                .stderr
                .push_str(&format!("sed: couldn't edit {name}: {e}\n"));
            result.status = 4;
        }
        if let Some(code) = run.quit {
            result.status = code;
            break;
        }
    }
    result
}

/// GNU's backup name: a suffix with `*` in it is a pattern for the file's base name.
fn backup_name(name: &str, suffix: &str) -> String {
    if !suffix.contains('*') {
        return format!("{name}{suffix}");
    }
    let (dir, base) = name.rsplit_once('/').map_or(("", name), |(d, b)| (d, b));
    let made = suffix.replace('*', base);
    if made.contains('/') || dir.is_empty() {
        made
    } else {
        format!("{dir}/{made}")
    }
}
