//! The shell: one small bash-like language that runs in two places — the learner's
//! terminal and a container's processes (`kubectl exec`, `kubectl run -it`, and soon
//! the kubelet running a container's command).
//!
//! - [`parse`] turns typed or pasted lines into a [`Script`]; [`needs_more_input`] tells
//!   the terminal to show the `> ` continuation prompt instead, and a [`LineReader`]
//!   collects lines until they are complete, in time linear in their length.
//! - [`expand_words`] and friends turn unexpanded [`Word`]s into argument strings using an
//!   [`Env`] (variables, `$(...)`).
//! - [`Shell`] (in [`exec`]) runs a [`Script`] — and-or lists, pipelines, `for`,
//!   redirections, builtins, foreground jobs — against a [`Host`], which supplies the
//!   commands and files of where it runs; what ran comes back as an [`Output`].
//! - [`run_filter`] runs the text utilities (`grep`, `head`, `wc`, `ls`, `cat`, ...) on
//!   a string stdin and a [`Vfs`], the terminal's files.
//!
//! Nothing here knows about kubectl or the cluster: the hosts do (the terminal in
//! `kubectl::session`, a container in `engine::container`).

pub mod arith;
pub mod ast;
pub mod exec;
pub mod expand;
pub mod output;
pub mod parser;
pub mod reader;
pub mod regex;
pub mod utilities;
pub mod vfs;

pub use ast::{
    AndOrList, Assignment, Command, Connector, ForLoop, Heredoc, Pipeline, RedirOp, Redirect,
    Script, SimpleCommand, WhileLoop, Word, WordPart,
};
pub use exec::{Host, Job, Shell};
pub use expand::{
    expand_alias, expand_heredoc, expand_redirect_target, expand_word, expand_words, Env,
    ExpandError,
};
pub use output::{OutLine, Output, Stream};
pub use parser::{chars_parsed, is_name, needs_more_input, parse, SyntaxError};
pub use reader::LineReader;
pub use utilities::{echo, run_filter, FilterResult};
pub use vfs::{Vfs, VfsError};

#[cfg(test)]
mod tests;
